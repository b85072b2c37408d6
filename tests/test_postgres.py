"""The PostgreSQL source against a REAL server: a throw-away cluster started for the session.

The server binaries come from the Debian `postgresql` package (`make test` installs it via
scripts/ensure-postgres.sh); when they are missing the tests FAIL, they do not skip. The
cluster lives in a temporary folder on a free local port (unix socket + 127.0.0.1, password
auth over TCP) and runs as the `postgres` user when the tests run as root.

What is checked: the push-down SQL gives the same facts as DuckDB on a hand-made fixture
(returns, cancelled and zero documents, as_of, unknown customers, status synonyms); bad
tables get errors naming table, row and column; the cache key follows the data; the
credentials come from the environment or `.env` and appear in no file; and every report
table of a `clientbase run` from PostgreSQL equals the one from the same data as files.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from clientbase import catalog
from clientbase.cache import prepare
from clientbase.cube import cube_from_lines, read_facts, top_products
from clientbase.database import display_url, read_env_file, relation
from clientbase.errors import ClientbaseError, DataError, ProfileError
from clientbase.profiles import load_profile
from clientbase.schema import TABLES
from clientbase.workbook import Workbook
from run_tables import assert_same_table

ROOT = Path(__file__).resolve().parent.parent
USER = "analytics"
AS_OF = pd.Timestamp("2026-03-31")


# --- the server ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Server:
    port: int
    socket_dir: Path
    password: str

    def url(self, db: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{db}"

    def admin(self, db: str = "postgres"):
        """A superuser connection over the unix socket (trust): for loading test data."""
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user=USER, dbname=db, autocommit=True)


def _server_bin() -> Path:
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        pytest.fail("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
                    "run scripts/ensure-postgres.sh (make test does) or apt-get install postgresql")
    return Path(max(found, key=lambda p: int(re.search(r"/(\d+)/bin/", p).group(1)))).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    bindir = _server_bin()
    base = Path(tempfile.mkdtemp(prefix="clientbase-pg-"))
    as_user: dict = {}
    if os.geteuid() == 0:  # postgres refuses to run as root
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            account = pwd.getpwnam("nobody")
        os.chown(base, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    password = "pw-" + secrets.token_hex(12)
    pwfile = base / "pwfile"
    pwfile.write_text(password + "\n")
    if as_user:
        os.chown(pwfile, as_user["user"], as_user["group"])
    data = base / "data"

    def run(*cmd: str) -> None:
        proc = subprocess.run(cmd, cwd=base, capture_output=True, text=True, timeout=60,
                              env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"}, **as_user)
        assert proc.returncode == 0, f"{' '.join(cmd)}: {proc.stdout}{proc.stderr}"

    run(str(bindir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}", "--auth-local=trust",
        "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
    port = _free_port()
    options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off "
               "-c synchronous_commit=off")
    try:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w", "-t", "30",
            "start")
    except AssertionError as exc:
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").is_file() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise AssertionError(f"{exc}\nserver log:\n{log[-3000:]}") from None
    try:
        yield Server(port, base, password)
    finally:
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], cwd=base,
                       capture_output=True, timeout=60, **as_user)
        shutil.rmtree(base, ignore_errors=True)


def _create_db(server: Server, name: str) -> None:
    with server.admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")


_PG_TYPES = {"str": "text", "float": "numeric", "date": "timestamp", "bool": "boolean"}


def _load(conn, name: str, frame: pd.DataFrame, types: dict[str, str]) -> None:
    """Create table `name` with `types` and COPY the frame's rows into it."""
    columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
    conn.execute(f"CREATE TABLE {name} ({columns})")
    cols = ", ".join(f'"{c}"' for c in types)
    with conn.cursor() as cur, cur.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
        for row in frame[list(types)].itertuples(index=False):
            copy.write_row([None if v is None or v is pd.NaT or (not isinstance(v, str) and pd.isna(v))
                            else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for v in row])


def _canonical_types(table: str) -> dict[str, str]:
    return {c: _PG_TYPES[k] for c, k in TABLES[table].columns.items()}


def _profile(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    for var in [v for v in os.environ if v.startswith("PG")]:
        monkeypatch.delenv(var)
    return tmp_path / "cache"


# --- the push-down SQL on a hand-made fixture -----------------------------------------------
def _orders() -> pd.DataFrame:
    rows = [
        # order_id, date, customer, amount, cost, quantity, product, status
        ("D1", "2026-01-10 10:00", "C1", 100.0, 60.0, 1, "kabel", None),
        ("D1", "2026-01-10 10:00", "C1", 50.0, 30.0, 2, "rozetka", None),
        ("D2", "2026-01-20 09:00", "C1", 70.0, 40.0, 1, "kabel", None),
        ("R1", "2026-01-25 12:00", "C1", -20.0, -12.0, -1, "kabel", None),  # a return: not activity
        ("D3", "2026-02-03 08:00", "C1", 30.0, 20.0, 1, "lampa", "Отменён"),  # cancelled (1C synonym)
        ("D4", "2026-03-31 23:59", "C2", 200.0, 150.0, 4, "lampa", None),  # as_of itself: in
        ("D5", "2026-04-01 00:00", "C2", 999.0, 1.0, 1, "lampa", None),  # after as_of: never read
        ("D6", "2026-02-14 11:00", "C2", 0.0, 0.0, 1, "lampa", None),  # zero document: not activity
        ("D7", "2026-02-14 15:00", "C2", 40.0, 10.0, 1, "kabel", "проведен"),
        ("D8", "2026-02-20 15:00", "C9", 500.0, 10.0, 1, "kabel", None),  # unknown customer: dropped
    ]
    frame = pd.DataFrame(rows, columns=["order_id", "date", "customer_id", "amount", "cost", "quantity",
                                        "product_id", "status"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


@pytest.fixture(scope="module")
def unit_db(pg_server):
    _create_db(pg_server, "unit")
    with pg_server.admin("unit") as conn:
        conn.execute("CREATE SCHEMA crm")
        customers = pd.DataFrame({"customer_id": [" C1", "C2", "C3"], "name": ["Альфа", "Бета", "Гамма"]})
        _load(conn, "crm.customers", customers, {"customer_id": "text", "name": "text"})
        _load(conn, "crm.orders", _orders(), {"order_id": "text", "date": "timestamp", "customer_id": "text",
                                              "amount": "numeric(12,2)", "cost": "float8", "quantity": "integer",
                                              "product_id": "text", "status": "text"})
        bad = pd.DataFrame({"customer_id": ["C1", "C1", "C3"], "name": ["a", "b", None]})
        _load(conn, "crm.bad_customers", bad, {"customer_id": "text", "name": "text"})
        _load(conn, "crm.bad_orders", _orders().drop(columns=["date"]).assign(amount="12,5"),
              {"order_id": "text", "customer_id": "text", "amount": "text"})
        _load(conn, "crm.leads", pd.DataFrame({"lead_id": ["L1"], "created_at": ["31.02.2026"]}),
              {"lead_id": "text", "created_at": "text"})
        invoices = pd.DataFrame({
            "invoice_id": ["Реализация товаров и услуг 00-000123 от 05.03.2026 12:00:00", "00-000124"],
            "customer_id": ["C1", "C2"], "date": pd.to_datetime(["2026-03-05", "2026-03-06"]),
            "amount": [1200.5, -100.0], "due_date": pd.to_datetime(["2026-04-04", None])})
        _load(conn, "crm.invoices", invoices, {"invoice_id": "text", "customer_id": "text", "date": "timestamp",
                                               "amount": "numeric(12,2)", "due_date": "timestamp"})
        payments = pd.DataFrame({
            "payment_id": ["P1", "P2"], "customer_id": ["C1", "C2"], "date": pd.to_datetime(["2026-03-10"] * 2),
            "amount": [1000.0, -50.0], "invoice_id": ["Реализация товаров и услуг 00-000123 от 05.03.2026", "X9"]})
        _load(conn, "crm.payments", payments, {"payment_id": "text", "customer_id": "text", "date": "timestamp",
                                               "amount": "numeric(12,2)", "invoice_id": "text"})
        deals = pd.DataFrame({
            "deal_id": ["Сделка с клиентом 00-000001 от 05.01.2026", "00-000002"], "customer_id": ["C1", None],
            "created_at": pd.to_datetime(["2026-01-05", "2026-01-06"]), "amount": [5000.0, 700.0],
            "stage": ["переговоры", "Контакт"], "status": ["Выиграна", "В работе"],
            "closed_at": pd.to_datetime(["2026-02-01", None])})
        _load(conn, "crm.deals", deals, {"deal_id": "text", "customer_id": "text", "created_at": "timestamp",
                                         "amount": "numeric(12,2)", "stage": "text", "status": "text",
                                         "closed_at": "timestamp"})
        history = pd.DataFrame({"deal_id": ["00-000001", "00-000001", "00-000009"], "stage": ["Контакт"] * 3,
                                "entered_at": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-01-05"])})
        _load(conn, "crm.deal_stages", history, {"deal_id": "text", "stage": "text", "entered_at": "timestamp"})
    return pg_server


def _unit_profile(tmp_path: Path, server: Server, tables: str, *, env: bool = True) -> Path:
    folder = tmp_path / "params"
    if env:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".env").write_text(f"# credentials\nexport PGPASSWORD='{server.password}'\n", encoding="utf-8")
    return _profile(folder, "unit", f"data:\n  url: {server.url('unit')}\n  format: 1c\n"
                                    f"  tables: {tables}\nperiod: 2026Q1\n")


GOOD = "{customers: crm.customers, orders: 'select * from crm.orders where amount::text not like ''%x%'''}"


def test_pushed_down_facts_equal_the_duckdb_facts(unit_db, tmp_path, cache):
    prepared = prepare(load_profile(_unit_profile(tmp_path, unit_db, GOOD)))
    facts = prepared.cache_dir / "facts-2026-03-31"
    known = _orders().query("customer_id != 'C9'").assign(
        status=lambda f: f["status"].map({"Отменён": "cancelled"}).fillna(f["status"]))
    daily, cube = cube_from_lines(known, as_of=AS_OF)
    pd.testing.assert_frame_equal(read_facts(facts / "cube.parquet", "cube"), cube)
    pd.testing.assert_frame_equal(read_facts(facts / "daily.parquet", "daily"), daily)
    assert cube["revenue"].sum() == pytest.approx(440.0)  # 150 + 70 − 20 + 0 + 40 + 200; D3, D5, D8 out


def test_top_products_and_meta_from_the_database(unit_db, tmp_path, cache):
    profile = load_profile(_unit_profile(tmp_path, unit_db, GOOD))
    prepared = prepare(profile)
    wb = Workbook(profile, prepared, language="en", currency="RUB", mask_pii=True, output_dir=None, report=None)
    lines = tmp_path / "lines.parquet"
    _orders().query("customer_id != 'C9' and order_id != 'D3'").to_parquet(lines)
    expected = top_products(lines, start=pd.Timestamp("2025-04-01"), as_of=AS_OF, n=2)
    pd.testing.assert_frame_equal(wb.top_products(months=12, n=2), expected)
    assert wb.meta["rows"] == {"customers": 3, "orders": 9}  # the unknown customer's line is dropped
    assert wb.meta["orders"] == {"date_min": "2026-01-10", "date_max": "2026-04-01", "has_cost": True}
    assert wb.meta["tables"]["orders"]["columns"] == ["order_id", "date", "customer_id", "amount", "cost",
                                                     "quantity", "product_id", "status"]
    assert wb.customers["customer_id"].tolist() == ["C1", "C2", "C3"]  # trimmed, as from a file
    warning = wb.problems.set_index("severity").loc["warning"]
    assert warning["file"] == "orders (query)" and warning["column"] == "customer_id"
    assert warning["message"] == "unknown customer 'C9': customer_id not in the customers table; 1 row dropped; amount 500.00"
    orders = next(i for i in wb.inputs if i["table"] == "orders")
    assert (orders["rows"], orders["rows_used"], orders["amount_dropped"]) == (10, 9, 500.0)


def test_invoices_and_payments_cross_whole_and_are_checked_like_files(unit_db, tmp_path, cache):
    tables = "{customers: crm.customers, orders: crm.orders, invoices: crm.invoices, payments: crm.payments}"
    profile = load_profile(_unit_profile(tmp_path, unit_db, tables))
    wb = Workbook(profile, prepare(profile), language="en", currency="RUB", mask_pii=True, output_dir=None,
                  report=None)
    invoices, payments = wb.table("invoices"), wb.table("payments")
    assert invoices["invoice_id"].tolist() == ["00-000123", "00-000124"]  # the presentation read as its number
    assert invoices["amount"].tolist() == [1200.5, -100.0]  # a credit note is negative
    assert payments["invoice_id"].tolist() == ["00-000123", "X9"]
    assert wb.meta["rows"]["invoices"] == 2 and wb.meta["rows"]["payments"] == 2
    warnings = wb.problems[wb.problems["severity"] == "warning"]
    assert any(f == "payments (crm.payments)" or "payments" in f for f in warnings["file"])
    assert warnings["message"].str.contains("not in the invoices file").any()


def test_deals_and_their_history_cross_whole_and_are_checked_like_files(unit_db, tmp_path, cache):
    tables = "{customers: crm.customers, orders: crm.orders, deals: crm.deals, deal_stages: crm.deal_stages}"
    path = _unit_profile(tmp_path, unit_db, tables)
    path.write_text(path.read_text(encoding="utf-8") + "deal_funnel:\n  stages: [Контакт, Переговоры]\n",
                    encoding="utf-8")
    profile = load_profile(path)
    wb = Workbook(profile, prepare(profile), language="en", currency="RUB", mask_pii=True, output_dir=None,
                  report=None)
    deals, history = wb.table("deals"), wb.table("deal_stages")
    assert deals["deal_id"].tolist() == ["00-000001", "00-000002"]  # the presentation read as its number
    assert deals["status"].tolist() == ["won", "open"]
    assert deals["stage"].tolist() == ["Переговоры", "Контакт"]  # spelled as in the profile's list
    assert history["deal_id"].tolist() == ["00-000001", "00-000001"]  # the unknown deal's entry is dropped
    counts = {i["table"]: (i["rows"], i["rows_used"]) for i in wb.inputs}
    assert counts["deal_stages"] == (3, 2)
    assert wb.problems["message"].str.contains("names a deal that is not in the deals file").any()
    # a stage the profile does not list is an error naming the table, the row and the value
    path.write_text(path.read_text(encoding="utf-8").replace("[Контакт, Переговоры]", "[Контакт, Договор]"),
                    encoding="utf-8")
    with pytest.raises(DataError) as err:
        prepare(load_profile(path))
    (problem,) = [p for p in err.value.problems if p.severity == "error"]
    assert problem.file == "crm.deals" and problem.row == 1 and "'переговоры'" in problem.message


def test_bad_tables_name_the_table_row_and_column(unit_db, tmp_path, cache):
    tables = "{customers: crm.bad_customers, orders: crm.bad_orders, leads: crm.leads}"
    with pytest.raises(DataError) as err:
        prepare(load_profile(_unit_profile(tmp_path, unit_db, tables)))
    text = str(err.value)
    assert "crm.bad_customers, row 1, column 'customer_id': duplicate customer_id 'C1' in rows 1, 2" in text
    assert "crm.bad_customers, row 3, column 'name': empty required value (name) in row 3" in text
    assert "crm.leads, row 1, column 'created_at': cannot read date '31.02.2026'" in text
    assert "crm.bad_orders, column 'date': required column 'date' not found" in text
    assert "crm.bad_orders, column 'amount': is of type text; expected a number" in text
    assert not list(cache.glob("*/meta.json"))  # nothing cached


def test_a_missing_relation_is_a_data_error(unit_db, tmp_path, cache):
    with pytest.raises(DataError, match=r"crm\.nothing: cannot read it from the database: relation "):
        prepare(load_profile(_unit_profile(tmp_path, unit_db, "{customers: crm.nothing, orders: crm.orders}")))


def test_the_cache_key_follows_the_data(unit_db, tmp_path, cache):
    profile = load_profile(_unit_profile(tmp_path, unit_db, "{customers: crm.customers, orders: crm.orders}"))
    first = prepare(profile).cache_dir
    assert prepare(profile).cache_dir == first  # unchanged data: the cache is reused
    with unit_db.admin("unit") as conn:
        # moving a document to another card keeps count, dates and sums: the row hash sees it
        conn.execute("UPDATE crm.orders SET customer_id = 'C2' WHERE order_id = 'D2'")
        try:
            moved = prepare(profile)
        finally:
            conn.execute("UPDATE crm.orders SET customer_id = 'C1' WHERE order_id = 'D2'")
    assert moved.cache_dir != first
    cube = read_facts(moved.cache_dir / "facts-2026-03-31" / "cube.parquet", "cube")
    january = cube[cube["month"] == pd.Timestamp("2026-01-01")].set_index("customer_id")["revenue"]
    assert january.to_dict() == {"C1": 130.0, "C2": 70.0}
    assert prepare(profile).cache_dir == first


def test_credentials_come_from_the_environment_or_env_file(unit_db, tmp_path, cache, monkeypatch):
    path = _unit_profile(tmp_path, unit_db, GOOD, env=False)
    with pytest.raises(ClientbaseError, match="cannot connect to postgresql://analytics@127.0.0.1") as err:
        prepare(load_profile(path))
    assert unit_db.password not in str(err.value)
    monkeypatch.setenv("PGPASSWORD", unit_db.password)
    assert prepare(load_profile(path)).period.label == "2026Q1"
    # the environment wins over the .env file
    (path.parent / ".env").write_text("PGPASSWORD=wrong-one\n", encoding="utf-8")
    assert prepare(load_profile(path)).period.label == "2026Q1"
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(ClientbaseError, match="password authentication failed") as err:
        prepare(load_profile(path))
    assert "wrong-one" not in str(err.value)


# --- pieces that need no server -----------------------------------------------------------
@pytest.mark.parametrize(
    "spec, sql",
    [
        ("crm.customers", "crm.customers"),
        ('"Продажи"."Строки"', '"Продажи"."Строки"'),
        ("select * from sales.order_lines;", "(select * from sales.order_lines)"),
        ("-- lines\nWITH x AS (SELECT 1) SELECT * FROM x", "(-- lines\nWITH x AS (SELECT 1) SELECT * FROM x)"),
    ],
    ids=["schema-table", "quoted", "query-semicolon", "comment-with"],
)
def test_relation_is_a_name_or_a_query(spec, sql):
    assert relation("orders", spec).sql == sql


def test_relation_refuses_anything_else():
    with pytest.raises(ProfileError, match="data.tables.orders"):
        relation("orders", "drop table x; select 1")


def test_env_file_and_display_url(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# c\nexport PGUSER=me\nPGPASSWORD=\"a b#c\"\nPGHOST=h # comment\nnoise\n", encoding="utf-8")
    assert read_env_file(env) == {"PGUSER": "me", "PGPASSWORD": "a b#c", "PGHOST": "h"}
    assert display_url("postgresql://u:pw@h/db?sslmode=require&password=x") == \
        "postgresql://u@h/db?sslmode=require&password=***"


@pytest.mark.parametrize("url", ["postgresql://me:secret@db/erp", "postgresql://me@db/erp?password=secret"],
                         ids=["userinfo", "query-parameter"])
def test_a_password_in_the_url_is_refused(tmp_path, url):
    with pytest.raises(ProfileError, match="must not contain a password"):
        load_profile(_profile(tmp_path, "p", f"data: {{url: '{url}'}}\n"))


def test_the_shipped_example_profile_is_valid():
    profile = load_profile(ROOT / "params" / "example_postgres.yaml")
    assert profile.data.url == "postgresql://analytics@db.internal:5432/erp"
    specs = {t: relation(t, spec) for t, spec in profile.data.tables.items()}
    assert specs["orders"].label == "orders (query)" and specs["customers"].sql == "crm.customers"


# --- the reports: PostgreSQL against files ------------------------------------------------
def _reports() -> list[str]:
    return [r for r in catalog.REPORTS if catalog.notebook_path(r).is_file()]


@pytest.fixture(scope="module")
def demo_twice(pg_server, tmp_path_factory):
    """The CI demo data as canonical Parquet files AND as tables of a PostgreSQL database."""
    from clientbase.demo import generate_demo
    from clientbase.sources import load_source

    root = tmp_path_factory.mktemp("pgdemo")
    generate_demo(root / "export", customers=300, years=3, seed=7, file_format="1c")
    source = load_source(root / "export", "1c")
    (root / "files").mkdir()
    _create_db(pg_server, "erp")
    with pg_server.admin("erp") as conn:
        conn.execute("CREATE SCHEMA crm; CREATE SCHEMA sales")
        for name, frame in source.tables.items():
            frame.to_parquet(root / "files" / f"{name}.parquet", index=False)
            target = "sales.order_lines" if name == "orders" else f"crm.{name}"
            _load(conn, target, frame, _canonical_types(name))
    return root


@pytest.mark.slow
def test_reports_from_postgresql_equal_reports_from_files(demo_twice, pg_server, tmp_path):
    from clientbase.demo.deals import STAGES

    reports = f"[{', '.join(_reports())}]\ndeal_funnel: {{stages: [{', '.join(STAGES)}]}}"
    files = _profile(tmp_path / "f", "demo", f"data: {{path: {demo_twice / 'files'}, format: canonical}}\n"
                                             f"reports: {reports}\n")
    tables = ("{customers: crm.customers, contacts: crm.contacts, campaigns: crm.campaigns, "
              "campaign_members: crm.campaign_members, leads: 'select * from crm.leads', "
              "invoices: crm.invoices, payments: crm.payments, deals: crm.deals, deal_stages: crm.deal_stages, "
              "orders: 'select * from sales.order_lines'}")
    pg = _profile(tmp_path / "p", "demo", f"data:\n  url: {pg_server.url('erp')}\n  format: canonical\n"
                                          f"  tables: {tables}\nreports: {reports}\n")
    (pg.parent / ".env").write_text(f"PGPASSWORD={pg_server.password}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env |= {"PYTHONWARNINGS": "error", "CLIENTBASE_CACHE": str(tmp_path / "cache")}
    procs = {
        kind: subprocess.Popen(
            [sys.executable, "-m", "clientbase.cli", "run", str(path), "--no-pdf", "--jobs", "2",
             "--out", str(tmp_path / f"out-{kind}")],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for kind, path in (("pg", pg), ("files", files))
    }
    logs = {}
    for kind, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        logs[kind] = out + err
        assert proc.returncode == 0, f"{kind}: {err[-3000:]}"
    assert "building the sales cube as of 2026-09-30 in the database" in logs["pg"]
    runs = {k: next(p for p in (tmp_path / f"out-{k}" / "demo").iterdir() if not p.name.startswith("."))
            for k in procs}
    csvs = {k: sorted(str(p.relative_to(d)) for p in d.rglob("*.csv")) for k, d in runs.items()}
    assert csvs["pg"] == csvs["files"]
    assert len(csvs["pg"]) >= 2 * len(_reports())
    for name in csvs["pg"]:
        assert_same_table(runs["pg"] / name, runs["files"] / name, name)

    # the password is nowhere: not in the run folders, the cache, the logs
    for folder in (tmp_path / "out-pg", tmp_path / "cache"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert pg_server.password.encode() not in path.read_bytes(), path
    assert pg_server.password not in logs["pg"]
