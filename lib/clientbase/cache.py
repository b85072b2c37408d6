"""The prepared data of a run: canonical tables and the sales cube, built once and reused.

`prepare(profile, period)` validates the source and writes the canonical tables, the
customer × month cube and the customer × day facts into a cache folder keyed by the
inputs' fingerprints and the as_of (`cache_root()`), so that every notebook of a run (and an
analyst's session) reads exactly the same data. A folder appears whole or not at all
(`files.fill_dir_atomically`); a database source keeps its order lines on the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from clientbase import __version__, catalog
from clientbase.cube import build_facts
from clientbase.errors import ClientbaseError, DataError
from clientbase.files import fill_dir_atomically, sha256_of
from clientbase.periods import Period, parse_period
from clientbase.profiles import Profile
from clientbase.schema import TABLES

if TYPE_CHECKING:
    from clientbase.sources.finding import RowCount

_CACHE_LAYOUT = "3"  # bump when the cache's files change meaning



@dataclass(frozen=True)
class Prepared:
    """Where a run's prepared data is, and for which period."""

    cache_dir: Path
    period: Period
    inputs: tuple[dict[str, Any], ...]
    seconds: float



def cache_root() -> Path:
    env = os.environ.get("CLIENTBASE_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    try:
        return catalog.project_root() / ".cache" / "clientbase"
    except ClientbaseError:
        return Path.home() / ".cache" / "clientbase"



def prepare(
    profile: Profile,
    *,
    period: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Prepared:
    """Validate the profile's data source and build (or reuse) the cache for the period.

    Raises DataError with every problem of every input file; nothing is cached then.
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    if profile.data.url is not None:
        return _prepare_database(profile, period=period, say=say, started=started)
    if profile.spark_orders is not None:
        return _prepare_spark_lines(profile, period=period, say=say, started=started)
    folder = _ensure_data(profile, say)
    from clientbase.sources import find_files, load_format

    fmt = load_format(profile.data_format)
    files = find_files(folder, fmt, files=profile.data.files or None)
    inputs = [
        {"table": table, "file": str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path),
         "path": str(path), "sha256": sha256_of(path), "bytes": path.stat().st_size}
        for table, path in sorted(files.items())
    ]
    key = _cache_key(profile, inputs)
    cache_dir = cache_root() / key
    _drop_if_damaged(cache_dir, say)
    if not (cache_dir / "meta.json").is_file():
        say(f"reading {len(files)} input files from {folder}")
        _build_tables(profile, folder, fmt, cache_dir, inputs)
    meta, resolved, facts = _period_of(cache_dir, period or profile.period)
    _drop_if_damaged(facts, say)
    if not (facts / "cube.parquet").is_file():
        _build_facts(profile, cache_dir / "tables" / "orders.parquet", facts, as_of=resolved.as_of, say=say)
    inputs = _counted([{k: v for k, v in i.items() if k != "path"} for i in inputs], meta)
    return Prepared(cache_dir, resolved, tuple(inputs), time.perf_counter() - started)



# --- helpers ------------------------------------------------------------------------------
def _build_facts(profile: Profile, lines: Path, facts: Path, *, as_of: pd.Timestamp,
                 say: Callable[[str], None]) -> None:
    """The facts of the canonical order lines `lines` into the folder `facts`, by the profile's engine.

    The engine choice changes only this step: the small tables and the canonical lines are
    prepared the same way for DuckDB and Spark (docs/ARCHITECTURE.md, "The engine seam").
    """
    if profile.data.resolved_engine == "spark":
        from clientbase.spark import spark_session, write_parquet_facts

        spark = spark_session(profile.data.spark_settings)
        say(f"building the sales cube as of {as_of.date()} in Spark ({spark.sparkContext.master})")
        _fill(facts, lambda tmp: write_parquet_facts(spark, lines, tmp, as_of=as_of))
        return
    say(f"building the sales cube as of {as_of.date()}")
    _fill(facts, lambda tmp: build_facts(lines, tmp, as_of=as_of))


def open_prepared(cache_dir: Path, period: str) -> Prepared:
    meta_path = cache_dir / "meta.json"
    if not meta_path.is_file():
        raise ClientbaseError(f"{cache_dir}: not a prepared data folder (no meta.json)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    last = pd.Timestamp(meta["orders"]["date_max"]) if meta["orders"]["date_max"] else None
    resolved = parse_period(period, last_date=last)
    if not (cache_dir / f"facts-{resolved.as_of.date().isoformat()}" / "cube.parquet").is_file():
        raise ClientbaseError(f"{cache_dir}: no cube prepared for {resolved.label}")
    return Prepared(cache_dir, resolved, tuple(meta["inputs"]), 0.0)



def _prepare_database(
    profile: Profile, *, period: str | None, say: Callable[[str], None], started: float
) -> Prepared:
    """`prepare` for a PostgreSQL source: the same cache, filled by push-down queries.

    The cache key digests every table's fingerprint (row count and row-hash sum, taken in
    the same snapshot as the data; see clientbase.database), so a changed row rebuilds it.
    """
    from clientbase.database import open_database
    from clientbase.sources import load_format

    fmt = load_format(profile.data_format)
    with open_database(profile, fmt) as db:
        say(f"fingerprinting {len(db.relations)} tables in {db.url}")
        inputs = db.inputs()
        cache_dir = cache_root() / _cache_key(profile, inputs)
        _drop_if_damaged(cache_dir, say)
        if not (cache_dir / "meta.json").is_file():
            say(f"reading tables from {db.url} (order lines stay there)")
            tables, problems, counts = db.load_tables(stages=deal_stages(profile))
            orders = db.orders_meta()
            _fill(cache_dir, lambda tmp: _write_cache(
                tmp, profile=profile, tables=tables, problems=problems, inputs=inputs,
                location={"data_url": db.url, "timezone": db.timezone}, orders=orders,
                counts=counts | {"orders": orders["count"]}))
        meta, resolved, facts = _period_of(cache_dir, period or profile.period)
        _drop_if_damaged(facts, say)
        if not (facts / "cube.parquet").is_file():
            say(f"building the sales cube as of {resolved.as_of.date()} in the database")
            _fill(facts, lambda tmp: db.write_facts(tmp, as_of=resolved.as_of))
    inputs = _counted(inputs, meta)
    return Prepared(cache_dir, resolved, tuple(inputs), time.perf_counter() - started)



def _prepare_spark_lines(
    profile: Profile, *, period: str | None, say: Callable[[str], None], started: float
) -> Prepared:
    """`prepare` when Spark reads the order lines itself (`data.spark.orders`).

    The small tables come from the folder through the sources' checks; the lines are
    checked, counted and aggregated in Spark (clientbase.spark.source) and never copied
    into the cache: `products.parquet` stands in for them, as for a database. The cache key
    digests the lines' fingerprint (count and row-hash sum), so a changed row rebuilds it.
    """
    from clientbase.sources import load_format, load_source
    from clientbase.sources.finding import _find
    from clientbase.spark import spark_session, write_facts
    from clientbase.spark.facts import nanoseconds_as_integers
    from clientbase.spark.source import SparkLines

    folder = _ensure_data(profile, say)
    fmt = load_format(profile.data_format)
    named = {t: f for t, f in (profile.data.files or {}).items() if t != "orders"}
    found, problems = _find(folder, fmt, named, required=["customers"])
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    files = {t: p for t, p in found.items() if t != "orders"}
    inputs = [
        {"table": table, "file": str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path),
         "path": str(path), "sha256": sha256_of(path), "bytes": path.stat().st_size}
        for table, path in sorted(files.items())
    ]
    spark = spark_session(profile.data.spark_settings)
    master = spark.sparkContext.master  # spark-submit's, when it started the session
    with nanoseconds_as_integers(spark):
        lines = SparkLines(spark, profile.spark_orders, fmt)
        say(f"fingerprinting {lines.label} in Spark ({master})")
        inputs.append(lines.input())
        cache_dir = cache_root() / _cache_key(profile, inputs)
        _drop_if_damaged(cache_dir, say)
        if not (cache_dir / "meta.json").is_file():
            say(f"reading {len(files)} input files from {folder} (the order lines stay in Spark)")
            source = load_source(folder, fmt, files={t: str(p) for t, p in files.items()},
                                 tables=list(files), stages=deal_stages(profile))
            ids = source.tables["customers"]["customer_id"]
            found = lines.problems(ids)
            if any(p.severity == "error" for p in found):
                raise DataError([p for p in found if p.severity == "error"] + list(source.problems))
            orders = lines.meta(ids)
            _fill(cache_dir, lambda tmp: _write_cache(
                tmp, profile=profile, tables=source.tables, problems=list(source.problems) + found,
                inputs=inputs, location={"data_path": str(folder), "orders_location": lines.label}, orders=orders,
                counts=dict(source.counts) | {"orders": orders["count"]}))
        meta, resolved, facts = _period_of(cache_dir, period or profile.period)
        _drop_if_damaged(facts, say)
        if not (facts / "cube.parquet").is_file():
            say(f"building the sales cube as of {resolved.as_of.date()} in Spark ({master})")
            ids = pd.read_parquet(cache_dir / "tables" / "customers.parquet", columns=["customer_id"])["customer_id"]
            _fill(facts, lambda tmp: write_facts(spark, lines.known_lines(ids), tmp, as_of=resolved.as_of))
    inputs = _counted([{k: v for k, v in i.items() if k != "path"} for i in inputs], meta)
    return Prepared(cache_dir, resolved, tuple(inputs), time.perf_counter() - started)


def _ensure_data(profile: Profile, say: Callable[[str], None]) -> Path:
    folder = profile.data_path
    assert folder is not None
    if profile.data.demo is not None and (not folder.exists() or _older_demo(folder)):
        from clientbase.demo import generate_demo

        if folder.exists():
            say(f"the demo data in {folder} was written by an older generator (without the newer tables): "
                "generating it again")
        say(f"generating the demo data into {folder}")
        generate_demo(folder, **profile.data.demo.model_dump(), progress=say)
    if not folder.is_dir():
        raise ClientbaseError(f"{profile.file}: data.path {folder} is not a folder")
    return folder


def _older_demo(folder: Path) -> bool:
    """Whether `folder` holds demo data of an older generation (its truth's manifest says so).

    Only a folder the demo generator wrote (its `<folder>_truth/manifest.json` names it) is
    ever replaced: anything else is the user's data and is left as it is.
    """
    from clientbase.demo import GENERATION

    manifest = folder.parent / f"{folder.name}_truth" / "manifest.json"
    try:
        written = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(written, dict) and written.get("generator") == "clientbase.demo"
            and written.get("generation", 1) < GENERATION)


_MANIFEST = "manifest.json"


def _fill(target: Path, fill: Callable[[Path], Any]) -> None:
    """`fill_dir_atomically`, with a manifest written last: the size and sha256 of every file."""

    def with_manifest(tmp: Path) -> None:
        fill(tmp)
        files = {p.relative_to(tmp).as_posix(): {"bytes": p.stat().st_size, "sha256": sha256_of(p)}
                 for p in sorted(tmp.rglob("*")) if p.is_file()}
        manifest = {"clientbase_version": __version__, "layout": _CACHE_LAYOUT, "files": files}
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")

    fill_dir_atomically(target, with_manifest)


def _damage(folder: Path) -> str | None:
    """Why a prepared folder cannot be trusted (a file missing, truncated or changed by hand,
    or written by another version); None when it is whole."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return "no readable manifest"
    if (manifest.get("clientbase_version"), manifest.get("layout")) != (__version__, _CACHE_LAYOUT):
        return f"written by clientbase {manifest.get('clientbase_version')}, this is {__version__}"
    for name, want in files.items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != want["bytes"]:
            return f"{name} has {path.stat().st_size:,} bytes, {want['bytes']:,} were written"
        if sha256_of(path) != want["sha256"]:
            return f"{name} has changed since it was written"
    return None


def _drop_if_damaged(folder: Path, say: Callable[[str], None]) -> None:
    """Remove a damaged prepared folder (see `_damage`), saying why, so that it is built again."""
    if folder.is_dir() and (why := _damage(folder)):
        say(f"the prepared data in {folder} is damaged ({why}): building it again")
        shutil.rmtree(folder)


def _cache_key(profile: Profile, inputs: list[dict[str, Any]]) -> str:
    h = hashlib.sha256()
    h.update(f"{__version__}|{_CACHE_LAYOUT}|{profile.data.format}|".encode())
    if profile.data.resolved_engine == "spark":
        # the facts are Spark's (and products.parquet is there): never taken for DuckDB's, nor
        # DuckDB's for Spark's
        h.update(b"engine=spark|")
    if profile.data_format not in ("1c", "canonical"):
        h.update(sha256_of(Path(profile.data_format)).encode())
    for item in inputs:
        h.update(f"{item['table']}|{item['sha256']}|".encode())
    # the deals are checked against the stage list, and their stages spelled as in it
    h.update(json.dumps(deal_stages(profile), ensure_ascii=False).encode())
    return h.hexdigest()[:20]


def deal_stages(profile: Profile) -> list[str] | None:
    """The deal funnel's stage order from the profile (`deal_funnel: {stages: [...]}`), if given."""
    stages = profile.report_settings("deal_funnel").get("stages")
    return [str(s) for s in stages] if stages else None



def _build_tables(profile: Profile, folder: Path, fmt: Any, cache_dir: Path, inputs: list[dict]) -> None:
    from clientbase.sources import load_source

    def fill(tmp: Path) -> None:
        # Parquet order lines go from the input to the cache through DuckDB, never through
        # pandas: memory follows the customers, not the lines (issue 7)
        (tmp / "tables").mkdir()
        source = load_source(folder, fmt, files=profile.data.files or None,
                             orders_parquet=tmp / "tables" / "orders.parquet", stages=deal_stages(profile))
        _write_cache(tmp, profile=profile, tables=source.tables, problems=list(source.problems),
                     inputs=inputs, location={"data_path": str(folder)}, written=source.written,
                     counts=source.counts)

    _fill(cache_dir, fill)



def _write_cache(
    tmp: Path,
    *,
    profile: Profile,
    tables: dict[str, pd.DataFrame],
    problems: list[Any],
    inputs: list[dict],
    location: dict[str, Any],
    orders: dict[str, Any] | None = None,
    written: dict[str, Path] | None = None,
    counts: Mapping[str, RowCount] | None = None,
) -> None:
    """Write the canonical tables, problems.json and meta.json into a new cache folder.

    `orders` is None when the order lines are among `tables` or already `written` as
    Parquet into ``tmp/tables`` (a file source); a database source gives their statistics
    instead (``DatabaseSource.orders_meta``). `counts` are the rows each input had and the
    rows used (``Source.counts``): each input of meta.json carries them.
    """
    (tmp / "tables").mkdir(exist_ok=True)
    rows = {}
    for name, frame in tables.items():
        frame.to_parquet(tmp / "tables" / f"{name}.parquet", index=False)
        rows[name] = len(frame)
    stats = {name: _table_stats(frame, name) for name, frame in tables.items()}
    for name, path in (written or {}).items():
        stats[name] = _parquet_stats(path, name)
        rows[name] = stats[name]["rows"]
    if orders is None:
        orders_stats = _orders_stats(tmp / "tables" / "orders.parquet")
    else:
        rows["orders"], stats["orders"], orders_stats = orders["rows"], orders["table"], orders["orders"]
    (tmp / "problems.json").write_text(json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    meta = {
        "clientbase_version": __version__,
        "format": profile.data.format,
        **location,
        "inputs": [{k: v for k, v in i.items() if k != "path"} | _input_count(i["table"], rows, counts or {})
                   for i in inputs],
        "rows": {name: rows[name] for name in TABLES if name in rows},
        "tables": {name: stats[name] for name in TABLES if name in stats},
        "orders": orders_stats,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")



def _input_count(table: str, rows: Mapping[str, int], counts: Mapping[str, RowCount]) -> dict[str, Any]:
    """rows (read from the input), rows_used and amount_dropped of one input for meta.json."""
    if table in counts:
        return counts[table].as_dict()
    used = rows.get(table)
    return {"rows": used, "rows_used": used, "amount_dropped": None}


def _counted(inputs: list[dict[str, Any]], meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The inputs with the counts meta.json keeps for their tables (rows, rows_used, amount_dropped)."""
    kept = {i["table"]: i for i in meta["inputs"]}
    keys = ("rows", "rows_used", "amount_dropped")
    return [i | {k: kept.get(i["table"], {}).get(k) for k in keys} for i in inputs]


def _table_stats(frame: pd.DataFrame, name: str) -> dict[str, Any]:
    dates = [c for c, kind in TABLES[name].columns.items() if kind == "date" and c in frame]
    lo = [frame[c].min() for c in dates if frame[c].notna().any()]
    hi = [frame[c].max() for c in dates if frame[c].notna().any()]
    filled = [c for c in frame.columns if frame[c].notna().any()]
    return {
        "rows": len(frame),
        "columns": filled,
        "date_min": min(lo).date().isoformat() if lo else None,
        "date_max": max(hi).date().isoformat() if hi else None,
    }



def _parquet_stats(path: Path, name: str) -> dict[str, Any]:
    """`_table_stats` of a canonical table written as Parquet, computed by DuckDB."""
    src = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
    cols = list(TABLES[name].columns)
    dates = [c for c, kind in TABLES[name].columns.items() if kind == "date"]
    parts = ["count(*)", *(f'count("{c}") > 0' for c in cols),
             *(f'min("{c}")' for c in dates), *(f'max("{c}")' for c in dates)]
    with duckdb.connect() as con:
        got = con.execute(f"SELECT {', '.join(parts)} FROM {src}").fetchone()
    filled = [c for c, f in zip(cols, got[1:1 + len(cols)], strict=True) if f]
    lo = [v for v in got[1 + len(cols):1 + len(cols) + len(dates)] if v is not None]
    hi = [v for v in got[1 + len(cols) + len(dates):] if v is not None]
    return {
        "rows": int(got[0]),
        "columns": filled,
        "date_min": pd.Timestamp(min(lo)).date().isoformat() if lo else None,
        "date_max": pd.Timestamp(max(hi)).date().isoformat() if hi else None,
    }



def _orders_stats(path: Path) -> dict[str, Any]:
    con = duckdb.connect()
    src = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
    cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
    live = "WHERE status IS NULL OR status <> 'cancelled'" if "status" in cols else ""
    lo, hi = con.execute(f'SELECT min("date"), max("date") FROM {src} {live}').fetchone()
    has_cost = "cost" in cols and con.execute(f"SELECT count(cost) > 0 FROM {src}").fetchone()[0]
    return {
        "date_min": pd.Timestamp(lo).date().isoformat() if lo is not None else None,
        "date_max": pd.Timestamp(hi).date().isoformat() if hi is not None else None,
        "has_cost": bool(has_cost),
    }


def _period_of(cache_dir: Path, period: str) -> tuple[dict[str, Any], Period, Path]:
    """The cache's meta, the run's period resolved against the last order date, and its facts folder."""
    meta = json.loads((cache_dir / "meta.json").read_text(encoding="utf-8"))
    last = pd.Timestamp(meta["orders"]["date_max"]) if meta["orders"]["date_max"] else None
    resolved = parse_period(period, last_date=last)
    return meta, resolved, cache_dir / f"facts-{resolved.as_of.date().isoformat()}"
