"""The `clientbase` command for spark-submit, which runs a Python file, not a console script.

    spark-submit --master yarn --deploy-mode client scripts/spark_submit.py run params/mycompany_spark.yaml

Submit in client mode: the reports and the cache are written where the driver runs. The
session spark-submit starts is the one the facts step uses (its --master and --conf win over
the profile's data.spark). See docs/SCALE.md.
"""

import sys

from clientbase.cli import main

if __name__ == "__main__":
    sys.exit(main())
