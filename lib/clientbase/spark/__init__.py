"""The Spark engine (``data.engine: spark``; docs/SCALE.md).

``session.py`` (the session of the facts step, the Java it needs), ``facts.py`` (the facts
by Spark SQL, only aggregates back to the driver), ``source.py`` (order lines Spark reads
itself: a Parquet or CSV location or a catalog table, checked in Spark).
"""

from clientbase.spark.facts import (
    day_of_nanoseconds,
    nanoseconds_as_integers,
    write_facts,
    write_parquet_facts,
)
from clientbase.spark.session import DEFAULT_CONF, java_command, spark_session

__all__ = [
    "DEFAULT_CONF", "day_of_nanoseconds", "java_command", "nanoseconds_as_integers", "spark_session",
    "write_facts", "write_parquet_facts",
]
