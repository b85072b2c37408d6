"""The Spark session of the facts step, and the Java it needs.

One already running in this process is used as it is (a notebook's, a test's, the one
``spark-submit`` made); else one is built from ``data.spark`` (master URL, conf). PySpark is
the optional extra ``clientbase[spark]``; Spark 4 needs Java 17 or newer.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from clientbase.errors import ClientbaseError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from clientbase.profiles import SparkSettings

# what a session built here has unless data.spark.conf says otherwise: no progress bars on
# the console (a run's log is read by people and schedulers), and the day of a timestamp
# with a time zone taken in UTC whatever the machine's zone is
DEFAULT_CONF = {"spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}


def spark_session(settings: SparkSettings) -> SparkSession:
    """The Spark session of the facts step: the running one, else one built from `data.spark`.

    Under ``spark-submit`` the JVM is already there (``PYSPARK_GATEWAY_PORT``): its master
    and conf win, `data.spark.conf` is added. Raises ClientbaseError when PySpark or Java
    is missing, saying how to install them.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ClientbaseError("data.engine spark needs PySpark: pip install 'clientbase[spark]' "
                              "(or pip install 'pyspark>=4.0')") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if not submitted and java_command() is None:
        raise ClientbaseError("data.engine spark needs Java 17 or newer and none was found (no java on PATH, "
                              "no JAVA_HOME): run scripts/ensure-java.sh, or apt-get install default-jre-headless")
    builder = SparkSession.builder.appName("clientbase")
    if not submitted:
        builder = builder.master(settings.master)
    for key, value in (DEFAULT_CONF | dict(settings.conf)).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def java_command() -> str | None:
    """The java that PySpark would start: $JAVA_HOME/bin/java, else java on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")
