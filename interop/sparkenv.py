"""One place that builds the SparkSession every interop script and test uses.

Spark runs in local mode with Delta's jars resolved from Maven Central into an
Ivy cache under interop/.ivy (gitignored), so a second run starts offline.
"""
import os
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
IVY = pathlib.Path(os.environ.get("INTEROP_IVY", HERE / ".ivy"))


def spark_session(app="ingot-interop", ansi=False, extra=None):
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession

    b = (
        SparkSession.builder.appName(app)
        .master(os.environ.get("INTEROP_SPARK_MASTER", "local[2]"))
        .config("spark.driver.memory", os.environ.get("INTEROP_SPARK_MEMORY", "2g"))
        .config("spark.jars.ivy", str(IVY))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true" if ansi else "false")
    )
    for k, v in (extra or {}).items():
        b = b.config(k, v)
    spark = configure_spark_with_delta_pip(b).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
