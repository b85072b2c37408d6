"""The Spark engine against a REAL local Spark: one local[2] session for the whole test session.

PySpark comes from the package registry (the `spark` extra, installed by `make setup`) and
Java from Debian (`make test` runs scripts/ensure-java.sh); without Java the tests FAIL,
they do not skip. The session is started once (10–15 s here) and every test uses it: the
facts step finds it running (``clientbase.spark.spark_session``), so a whole `run` in this
process starts no second JVM.

What is checked: the facts Spark computes equal hand-computed figures, as DuckDB's do, on a
fixture (returns, same-day returns, cancelled and zero documents, as_of, missing cost,
nanosecond dates); prepare() with `engine: spark` computes them in Spark and keeps them apart
from DuckDB's; lines Spark reads itself (`data.spark.orders`: Parquet, CSV, a catalog table
with 1C names) give the facts, counts and warnings of the same lines as a file, bad lines are
errors naming the location and column, and the cache key follows their rows; and every
report table of the CI profile run on Spark equals the DuckDB run's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import yaml

from clientbase import catalog, runner
from clientbase.cache import prepare
from clientbase.cube import build_facts, read_facts, top_products
from clientbase.errors import ClientbaseError, DataError
from clientbase.profiles import SparkSettings, load_profile
from clientbase.spark import java_command, spark_session, write_parquet_facts
from clientbase.workbook import Workbook
from conftest import ROOT, ci_profile_for
from cube_frames import orders_with_a_same_day_return
from run_tables import assert_same_table

AS_OF = pd.Timestamp("2026-03-31")


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    if java_command() is None:
        pytest.fail("Java not found (no java on PATH, no JAVA_HOME): run scripts/ensure-java.sh "
                    "(make test does) or apt-get install default-jre-headless")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.fail("PySpark is not installed: make setup installs it (pip install -e '.[dev,spark]')")

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        SparkSession.builder.master("local[2]").appName("clientbase-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# --- the facts on a hand-computed fixture ---------------------------------------------------
def _orders() -> pd.DataFrame:
    return orders_with_a_same_day_return()


def _days(*rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "gross_profit", "quantity", "orders",
                                       "activity_revenue"]).astype({"date": "datetime64[ns]"})


# worked out by hand from _orders(): documents D1 = 150, D2 = 70, R2 = −30, R1 = −20, D6 = 0, D7 = 40, D4 = 200
GOLDEN_DAILY = _days(
    ("C1", "2026-01-10", 150.0, 60.0, 3.0, 1, 150.0),
    ("C1", "2026-01-20", 40.0, 10.0, 0.0, 1, 70.0),  # the same-day return lowers revenue, not activity
    ("C1", "2026-01-25", -20.0, -8.0, -1.0, 0, 0.0),
    ("C2", "2026-02-14", 40.0, 30.0, 2.0, 1, 40.0),  # D6 (zero) is no activity order
    ("C2", "2026-03-31", 200.0, 50.0, 4.0, 1, 200.0),
)
GOLDEN_CUBE = pd.DataFrame(
    [("C1", "2026-01-01", 170.0, 62.0, 2.0, 2, "2026-01-10", "2026-01-20", 220.0),
     ("C2", "2026-02-01", 40.0, 30.0, 2.0, 1, "2026-02-14", "2026-02-14", 40.0),
     ("C2", "2026-03-01", 200.0, 50.0, 4.0, 1, "2026-03-31", "2026-03-31", 200.0)],
    columns=["customer_id", "month", "revenue", "gross_profit", "quantity", "orders", "first_order_date",
             "last_order_date", "activity_revenue"],
).astype({"month": "datetime64[ns]", "first_order_date": "datetime64[ns]", "last_order_date": "datetime64[ns]"})


def _facts(engine: str, spark, orders: pd.DataFrame, folder: Path) -> dict[str, Path]:
    folder.mkdir()
    orders.to_parquet(folder / "orders.parquet", index=False)
    if engine == "duckdb":
        return build_facts(folder / "orders.parquet", folder, as_of=AS_OF)
    return write_parquet_facts(spark, folder / "orders.parquet", folder, as_of=AS_OF)


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
@pytest.mark.parametrize("unit", ["ns", "us"])  # the cache's lines are in ns (Spark reads them as integers)
def test_facts_equal_the_hand_computed_figures_on_every_engine(engine, unit, spark, tmp_path):
    orders = _orders().astype({"date": f"datetime64[{unit}]"})
    if unit == "ns":  # the last microsecond of as_of is in, the first instant of the next day out
        orders.loc[orders["order_id"] == "D4", "date"] = pd.Timestamp("2026-03-31 23:59:59.999999")
        orders.loc[orders["order_id"] == "D5", "date"] = pd.Timestamp("2026-04-01 00:00:00.000000000")
    paths = _facts(engine, spark, orders, tmp_path / engine)
    pd.testing.assert_frame_equal(read_facts(paths["daily"], "daily"), GOLDEN_DAILY)
    pd.testing.assert_frame_equal(read_facts(paths["cube"], "cube"), GOLDEN_CUBE)


def test_spark_without_cost_quantity_status_and_products(spark, tmp_path):
    orders = _orders().query("status.isna()").drop(columns=["cost", "quantity", "status", "product_id"])
    duck, spk = (_facts(e, spark, orders, tmp_path / e) for e in ("duckdb", "spark"))
    for kind in ("daily", "cube"):
        got = read_facts(spk[kind], kind)
        pd.testing.assert_frame_equal(got, read_facts(duck[kind], kind))
        assert got["gross_profit"].isna().all() and got["quantity"].isna().all()
    assert "products" not in spk
    assert read_facts(spk["cube"], "cube")["revenue"].sum() == pytest.approx(410.0)  # 150+70−30−20+40+200−0


def test_spark_products_by_month_give_the_top_products_of_the_lines(spark, tmp_path):
    from clientbase.cube import top_products_monthly

    paths = _facts("spark", spark, _orders(), tmp_path / "spark")
    months = pd.read_parquet(paths["products"])
    got = {(r.customer_id, r.product_id, str(r.month)): r.revenue for r in months.itertuples()}
    assert got == {("C1", "kabel", "2026-01-01"): 120.0,  # 100 + 70 − 30 − 20; D3 cancelled
                   ("C1", "rozetka", "2026-01-01"): 50.0, ("C2", "kabel", "2026-02-01"): 40.0,
                   ("C2", "lampa", "2026-02-01"): 0.0, ("C2", "lampa", "2026-03-01"): 200.0}  # D5 after as_of
    lines = tmp_path / "spark" / "orders.parquet"
    for start in (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01"), pd.Timestamp("2025-04-01")):
        pd.testing.assert_frame_equal(top_products_monthly(paths["products"], start=start, as_of=AS_OF, n=2),
                                      top_products(lines, start=start, as_of=AS_OF, n=2))


def test_a_missing_java_is_named_with_the_script_that_installs_it(spark, monkeypatch, tmp_path):
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ClientbaseError, match=r"needs Java 17 or newer.*scripts/ensure-java\.sh"):
        spark_session(SparkSettings(master="local[2]"))


# --- prepare() and a whole run ----------------------------------------------------------------
def _folder_profile(tmp_path: Path, engine: str) -> Path:
    data = tmp_path / "data"
    if not data.exists():
        data.mkdir()
        pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "name": ["Альфа", "Бета", "Гамма"]}).to_csv(
            data / "customers.csv", index=False)
        _orders().to_csv(data / "orders.csv", index=False)
    path = tmp_path / f"{engine}.yaml"
    spark = "\n  spark: {master: 'local[2]', conf: {spark.sql.shuffle.partitions: 2}}" if engine == "spark" else ""
    path.write_text(f"data:\n  path: data\n  format: canonical\n  engine: {engine}{spark}\nperiod: 2026Q1\n",
                    encoding="utf-8")
    return path


def test_prepare_with_engine_spark_computes_the_facts_in_spark(spark, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    said = []
    profiles = {e: load_profile(_folder_profile(tmp_path, e)) for e in ("duckdb", "spark")}
    prepared = {e: prepare(p, progress=said.append) for e, p in profiles.items()}
    assert "building the sales cube as of 2026-03-31 in Spark (local[2])" in said
    assert prepared["spark"].cache_dir != prepared["duckdb"].cache_dir  # never each other's facts
    facts = {e: p.cache_dir / "facts-2026-03-31" for e, p in prepared.items()}
    assert (facts["spark"] / "products.parquet").is_file() and not (facts["duckdb"] / "products.parquet").exists()
    for kind in ("daily", "cube"):
        pd.testing.assert_frame_equal(read_facts(facts["spark"] / f"{kind}.parquet", kind),
                                      read_facts(facts["duckdb"] / f"{kind}.parquet", kind))
    books = {e: Workbook(profiles[e], prepared[e], language="en", currency="RUB", mask_pii=True, output_dir=None,
                         report=None) for e in profiles}
    pd.testing.assert_frame_equal(books["spark"].top_products(months=3, n=2), books["duckdb"].top_products(months=3, n=2))
    assert books["spark"].top_products(months=3, n=2)["products"].tolist() == ["kabel; rozetka", "lampa; kabel"]
    said.clear()
    prepare(profiles["spark"], progress=said.append)  # prepared: Spark is not asked again
    assert not any("sales cube" in line for line in said)


def _reports() -> list[str]:
    return [r for r in catalog.REPORTS if catalog.notebook_path(r).is_file()]


@pytest.mark.slow
def test_reports_on_spark_equal_reports_on_duckdb(spark, ci_run, tmp_path, monkeypatch):
    """The CI profile with `data.engine: spark`, run in this process (the runner's prepare uses the
    running session: one JVM), against the session's DuckDB run of the same profile and data."""
    profile = ci_profile_for(ROOT / "data" / "ci", tmp_path / "ci.yaml")
    text = yaml.safe_load(profile.read_text(encoding="utf-8"))
    text["data"] |= {"engine": "spark", "spark": {"master": "local[2]"}}
    profile.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PYTHONWARNINGS", "error")  # in every notebook kernel, as in the DuckDB run
    log: list[str] = []
    result = runner.run(profile, out=tmp_path / "out", pdf=False, jobs=2, say=log.append)
    assert result.status == "ok", "\n".join(log)[-3000:]
    assert any("in Spark (local[2])" in line for line in log), log
    spark_run, duck_run = result.run_dir, ci_run.folder()
    tables = {k: sorted(p.relative_to(d).as_posix() for p in d.rglob("*.csv")) for k, d in
              (("spark", spark_run), ("duckdb", duck_run))}
    assert tables["spark"] == tables["duckdb"]
    assert len(tables["spark"]) >= 2 * len(_reports())
    assert any(name.startswith("reactivation/") for name in tables["spark"])
    for name in tables["spark"]:
        assert_same_table(spark_run / name, duck_run / name, name)


# --- order lines that Spark reads itself (data.spark.orders) --------------------------------
def _lines_with_an_unknown_customer() -> pd.DataFrame:
    unknown = pd.DataFrame({"order_id": ["D8"], "date": [pd.Timestamp("2026-02-20 15:00")], "customer_id": ["C9"],
                            "amount": [500.0], "cost": [10.0], "quantity": [1], "product_id": ["kabel"],
                            "status": [None]})
    return pd.concat([_orders(), unknown], ignore_index=True).astype({"date": "datetime64[ns]"})


def _lake_profile(tmp_path: Path, orders: str, *, fmt: str = "canonical") -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    pd.DataFrame({"customer_id": [" C1", "C2", "C3"], "name": ["Альфа", "Бета", "Гамма"]}).to_csv(
        data / "customers.csv", index=False)
    path = tmp_path / "lake.yaml"
    path.write_text(f"data:\n  path: data\n  format: {fmt}\n  engine: spark\n"
                    f"  spark: {{master: 'local[2]', orders: {orders}}}\nperiod: 2026Q1\n", encoding="utf-8")
    return path


def test_lines_spark_reads_give_the_facts_and_warnings_of_the_same_lines_as_a_file(spark, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    lines = _lines_with_an_unknown_customer()
    (tmp_path / "lake").mkdir()
    lines.to_parquet(tmp_path / "lake" / "part-0.parquet", index=False)  # nanosecond dates, as pandas writes
    lake = load_profile(_lake_profile(tmp_path, "{path: lake}"))
    said: list[str] = []
    got = prepare(lake, progress=said.append)
    assert not (got.cache_dir / "tables" / "orders.parquet").exists()  # the lines stayed where they are
    assert "building the sales cube as of 2026-03-31 in Spark (local[2])" in said
    # the same lines as a file of the folder, through the file source and DuckDB
    files = tmp_path / "files"
    files.mkdir()
    (tmp_path / "data" / "customers.csv").rename(files / "customers.csv")
    lines.to_csv(files / "orders.csv", index=False)
    (tmp_path / "files.yaml").write_text("data: {path: files, format: canonical}\nperiod: 2026Q1\n", encoding="utf-8")
    duck = prepare(load_profile(tmp_path / "files.yaml"))
    for kind in ("daily", "cube"):
        pd.testing.assert_frame_equal(read_facts(got.cache_dir / "facts-2026-03-31" / f"{kind}.parquet", kind),
                                      read_facts(duck.cache_dir / "facts-2026-03-31" / f"{kind}.parquet", kind))
    books = [Workbook(load_profile(p), prep, language="en", currency="RUB", mask_pii=True, output_dir=None,
                      report=None) for p, prep in ((tmp_path / "lake.yaml", got), (tmp_path / "files.yaml", duck))]
    assert books[0].meta["rows"] == books[1].meta["rows"] == {"customers": 3, "orders": 10}  # C9's line dropped
    assert books[0].meta["orders"] == books[1].meta["orders"]
    assert books[0].meta["tables"]["orders"] == books[1].meta["tables"]["orders"]
    pd.testing.assert_frame_equal(books[0].top_products(months=3, n=2), books[1].top_products(months=3, n=2))
    warning = books[0].problems.set_index("severity").loc["warning"]
    assert warning["file"] == f"orders ({tmp_path / 'lake'})" and warning["column"] == "customer_id"
    assert warning["message"] == (  # as the database source words it (a file's names its row)
        "unknown customer 'C9': customer_id not in the customers table; 1 row dropped; amount 500.00")
    assert books[1].problems.set_index("severity").loc["warning", "message"].startswith("unknown customer 'C9'")
    assert {i["table"]: i["rows_used"] for i in got.inputs} == {"customers": 3, "orders": 10}


def test_lines_from_a_catalog_table_with_1c_names_and_the_cache_key(spark, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    names = {"order_id": "Номер", "date": "Дата", "customer_id": "Код контрагента", "amount": "Сумма",
             "cost": "Себестоимость", "quantity": "Количество", "product_id": "Номенклатура", "status": "Статус"}
    lines = _orders().assign(status=lambda f: f["status"].replace({"cancelled": "Отменён"})).rename(columns=names)
    spark.sql("CREATE DATABASE IF NOT EXISTS sales")
    spark.createDataFrame(pa.Table.from_pandas(lines, preserve_index=False)).write.mode("overwrite") \
        .saveAsTable("sales.order_lines")
    profile = load_profile(_lake_profile(tmp_path, "{table: sales.order_lines}", fmt="1c"))
    (tmp_path / "data" / "customers.csv").write_text("Код;Наименование\nC1;Альфа\nC2;Бета\nC3;Гамма\n",
                                                      encoding="utf-8")
    first = prepare(profile)
    cube = read_facts(first.cache_dir / "facts-2026-03-31" / "cube.parquet", "cube")
    pd.testing.assert_frame_equal(cube, GOLDEN_CUBE)  # 'Отменён' is the 1C word for cancelled
    assert prepare(profile).cache_dir == first.cache_dir  # the same rows: the same cache
    changed = lines.assign(**{"Сумма": lines["Сумма"].where(lines["Номер"] != "D7", 41.0)})
    spark.createDataFrame(pa.Table.from_pandas(changed, preserve_index=False)).write.mode("overwrite") \
        .saveAsTable("sales.order_lines")
    again = prepare(profile)
    assert again.cache_dir != first.cache_dir  # one amount changed: facts built again
    assert read_facts(again.cache_dir / "facts-2026-03-31" / "cube.parquet", "cube")["revenue"].sum() == 411.0  # 410 + 1


@pytest.mark.parametrize(
    "orders, frame, message",
    [
        ("{path: lake}", lambda f: f.drop(columns=["amount"]), "required column 'amount' not found"),
        ("{path: lake}", lambda f: f.assign(amount="12,5"), "column 'amount': is of type string; expected a number"),
        ("{path: lake}", lambda f: f.assign(customer_id=None), "column 'customer_id': empty required value (customer_id) in 10 rows"),
        ("{path: nowhere}", lambda f: f, "Spark cannot read it: [PATH_NOT_FOUND]"),
        ("{table: sales.no_such_table}", lambda f: f, "Spark cannot read it: [TABLE_OR_VIEW_NOT_FOUND]"),
    ],
    ids=["missing-column", "text-amount", "empty-customer", "no-such-path", "no-such-table"],
)
def test_bad_lines_are_data_errors_naming_the_location_and_column(spark, tmp_path, monkeypatch, orders, frame,
                                                                   message):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "lake").mkdir()
    frame(_orders()).to_parquet(tmp_path / "lake" / "part-0.parquet", index=False)
    with pytest.raises(DataError) as err:
        prepare(load_profile(_lake_profile(tmp_path, orders)))
    text = str(err.value)
    assert message in text and "orders (" in text
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())  # nothing half-written


def test_csv_lines_spark_reads(spark, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    _orders().to_csv(tmp_path / "lines.csv", index=False)
    prepared = prepare(load_profile(_lake_profile(tmp_path, "{path: lines.csv, format: csv}")))
    cube = read_facts(prepared.cache_dir / "facts-2026-03-31" / "cube.parquet", "cube")
    pd.testing.assert_frame_equal(cube, GOLDEN_CUBE)
