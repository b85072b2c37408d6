from pathlib import Path

import pytest

from clientbase.errors import ProfileError
from clientbase.profiles import load_profile

PARAMS = Path(__file__).parent.parent / "params"


def _write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_three_line_profile_runs_on_defaults(tmp_path):
    profile = load_profile(_write(tmp_path, "data:\n  path: exports\n  format: 1c\n"))
    assert profile.name == "p"
    assert profile.period == "latest" and profile.language == "en" and profile.currency == "RUB"
    assert profile.data_path == (tmp_path / "exports").resolve()
    assert profile.reports[0] == "data_overview"


@pytest.mark.parametrize("name", ["demo", "ci", "example_1c"])
def test_shipped_profiles_are_valid(name):
    profile = load_profile(PARAMS / f"{name}.yaml")
    assert profile.data.format == "1c"


@pytest.mark.parametrize(
    "text, message",
    [
        ("data: {path: x}\nlanguge: ru\n", "unknown key 'languge'"),
        ("data: {path: x}\nlanguage: de\n", "key 'language'"),
        ("data: {path: x, colour: red}\n", "key 'data.colour': unknown key"),
        ("data: {path: x}\nperiod: 2026Q7\n", "key 'period'"),
        ("data: {path: x}\ncurrency: rubles\n", "key 'currency'"),
        ("data: {path: x}\nreports: [data_overview, sales_magic]\n", "unknown report 'sales_magic'"),
        ("period: 2026Q3\n", "key 'data' is required"),
        ("data: {path: x, url: 'postgresql://a@b/c'}\n", "exactly one of"),
        ("data: {url: 'postgresql://me:secret@db/erp'}\n", "must not contain a password"),
        ("data: {path: x, engine: postgres}\n", "key 'data.engine': engine 'postgres' computes the facts in the database"),
        ("data: {url: 'postgresql://a@b/c', engine: spark}\n", "key 'data.engine': engine 'spark' reads a folder of exports"),
        ("data: {path: x, engine: hadoop}\n", "key 'data.engine': Input should be 'duckdb', 'postgres' or 'spark'"),
        ("data: {path: x, spark: {master: 'local[2]'}}\n", "key 'data.spark': Spark settings are given but data.engine is not spark"),
        ("data: {path: x, engine: spark, spark: {master: 'local[2]', cores: 4}}\n", "key 'data.spark.cores': unknown key"),
        ("data: {path: x, engine: spark, spark: {orders: {path: a, table: b}}}\n", "key 'data.spark.orders': give exactly one of 'path'"),
        ("data: {path: x, engine: spark, spark: {orders: {table: b, format: csv}}}\n", "'format' is for a path"),
        ("data: {path: x, files: {orders: o.csv}, engine: spark, spark: {orders: {table: b}}}\n", "named twice, in data.files.orders and in data.spark.orders"),
        ("data: {path: x}\ndata_overview: {window_months: twelve}\n", "key 'data_overview.window_months': Input should be a valid integer"),
        ("data: {path: x}\ndata_overview: {window_months: 0}\n", "key 'data_overview.window_months': Input should be greater than or equal to 1, got 0"),
        ("data: {path: x}\ndata_overview: {colour: 1}\n", "unknown key 'data_overview.colour'; the report takes: window_months"),
        ("data: {path: x}\ndata_overview: {language: ru}\n", "set for every report at the top level"),
        ("- just\n- a list\n", "expected a mapping"),
        ("data: [unclosed\n", "not valid YAML"),
    ],
    ids=["unknown-key", "bad-language", "unknown-data-key", "bad-period", "bad-currency", "unknown-report",
         "no-data", "path-and-url", "password-in-url", "postgres-engine-on-files", "spark-engine-on-a-url",
         "unknown-engine", "spark-settings-without-the-engine", "unknown-spark-key",
         "spark-orders-path-and-table", "spark-orders-table-with-format", "orders-named-twice", "wrong-type", "impossible-value",
         "unknown-report-setting", "common-in-section", "not-a-mapping", "bad-yaml"],
)
def test_bad_profiles_name_the_key_and_the_file(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_missing_profile_file_is_named(tmp_path):
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "nope.yaml")


def test_mapping_file_format_resolves_relative_to_the_profile(tmp_path):
    profile = load_profile(_write(tmp_path, "data: {path: x, format: maps/my.yaml}\n"))
    assert profile.data_format == str((tmp_path / "maps" / "my.yaml").resolve())


def test_the_engine_defaults_to_duckdb_for_files_and_postgres_for_a_url(tmp_path):
    files = load_profile(_write(tmp_path, "data: {path: x}\n"))
    database = load_profile(_write(tmp_path, "data: {url: 'postgresql://a@b/c'}\n"))
    assert (files.data.resolved_engine, database.data.resolved_engine) == ("duckdb", "postgres")
    assert files.data.spark_settings.master == "local[*]" and files.data.spark_settings.conf == {}


def test_spark_settings_are_read_as_spark_takes_them(tmp_path):
    profile = load_profile(_write(tmp_path, (
        "data:\n  path: x\n  engine: spark\n  spark:\n    master: spark://head:7077\n"
        "    conf: {spark.executor.memory: 8g, spark.sql.shuffle.partitions: 64, spark.sql.adaptive.enabled: true}\n")))
    assert profile.data.resolved_engine == "spark"
    assert profile.data.spark_settings.master == "spark://head:7077"
    assert profile.data.spark_settings.conf == {"spark.executor.memory": "8g", "spark.sql.shuffle.partitions": "64",
                                                "spark.sql.adaptive.enabled": "true"}


def test_spark_orders_path_is_resolved_against_the_profile_unless_it_is_a_url(tmp_path):
    local = load_profile(_write(tmp_path, "data: {path: x, engine: spark, spark: {orders: {path: lake/lines}}}\n"))
    assert local.spark_orders.path == str((tmp_path / "lake" / "lines").resolve())
    remote = load_profile(_write(tmp_path, "data: {path: x, engine: spark, spark: {orders: {path: 's3a://b/lines'}}}\n"))
    assert remote.spark_orders.path == "s3a://b/lines" and remote.spark_orders.format == "parquet"
    assert load_profile(_write(tmp_path, "data: {path: x, engine: spark}\n")).spark_orders is None


def test_the_shipped_spark_example_is_valid():
    profile = load_profile(PARAMS / "example_spark.yaml")
    assert profile.data.resolved_engine == "spark"
    assert profile.data.spark_settings.conf["spark.sql.shuffle.partitions"] == "200"
    assert profile.spark_orders.path == "s3a://lake/erp/sales_order_lines/"
