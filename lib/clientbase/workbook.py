"""Prepared data for a run: validate the source once, cache canonical tables and the cube.

`prepare` is what the runner calls once per run; `setup` is the one call at the top of
every notebook. Both go through the same cache (DESIGN.md "Data flow"): a folder keyed by
the package version, the format and the sha256 of every input file, holding the canonical
tables as Parquet and, per as_of, the customer × day facts and the customer × month cube.
An analyst's notebook builds it on first load and reuses it while the inputs are unchanged;
every notebook of a run opens the same folder, so all reports see exactly the same data.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from clientbase import __version__, catalog
from clientbase.cube import build_facts, read_facts, top_products, top_products_monthly
from clientbase.errors import ClientbaseError
from clientbase.files import fill_dir_atomically, sha256_of
from clientbase.periods import Period, parse_period, window_start
from clientbase.profiles import Profile, load_profile
from clientbase.schema import TABLES

_CACHE_LAYOUT = "1"  # bump when the cache's files change meaning


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
    if not (cache_dir / "meta.json").is_file():
        say(f"reading {len(files)} input files from {folder}")
        _build_tables(profile, folder, fmt, cache_dir, inputs)
    meta = json.loads((cache_dir / "meta.json").read_text(encoding="utf-8"))
    last = pd.Timestamp(meta["orders"]["date_max"]) if meta["orders"]["date_max"] else None
    resolved = parse_period(period or profile.period, last_date=last)
    facts = cache_dir / f"facts-{resolved.as_of.date().isoformat()}"
    if not (facts / "cube.parquet").is_file():
        say(f"building the sales cube as of {resolved.as_of.date()}")
        fill_dir_atomically(facts, lambda tmp: build_facts(cache_dir / "tables" / "orders.parquet", tmp,
                                                   as_of=resolved.as_of))
    rows = meta["rows"]
    inputs = [{k: v for k, v in i.items() if k != "path"} | {"rows": rows.get(i["table"])} for i in inputs]
    return Prepared(cache_dir, resolved, tuple(inputs), time.perf_counter() - started)


class Workbook:
    """What a notebook works with: the profile, the period, the data and the formatters.

    Tables are read from the prepared cache; the cube and the daily facts are loaded on
    first use. Nothing here computes an analysis.
    """

    def __init__(
        self,
        profile: Profile,
        prepared: Prepared,
        *,
        language: str,
        currency: str,
        mask_pii: bool,
        output_dir: Path | None,
        report: str | None,
    ):
        from clientbase.formatting import Formatter

        self.profile = profile
        self.period = prepared.period
        self.as_of = prepared.period.as_of
        self.language = language
        self.currency = currency
        self.mask_pii = mask_pii
        self.cache_dir = prepared.cache_dir
        self.inputs = prepared.inputs
        self.output_dir = output_dir
        self.report = report
        self.fmt = Formatter(language=language, currency=currency)
        self.meta: dict[str, Any] = json.loads((self.cache_dir / "meta.json").read_text(encoding="utf-8"))
        self._facts = self.cache_dir / f"facts-{self.as_of.date().isoformat()}"
        self._classes: dict[Any, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return (f"Workbook(profile={self.profile.name!r}, period={self.period.label}, "
                f"as_of={self.as_of.date()}, language={self.language!r})")

    # --- data -------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame | None:
        """A canonical table (never the order lines), or None when the source lacks it."""
        if name == "orders":
            raise ValueError("order lines are not loaded into pandas: use wb.cube or wb.daily")
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
        path = self.cache_dir / "tables" / f"{name}.parquet"
        return _read_table(path) if path.is_file() else None

    @cached_property
    def customers(self) -> pd.DataFrame:
        return self.table("customers")

    @cached_property
    def contacts(self) -> pd.DataFrame | None:
        return self.table("contacts")

    @cached_property
    def campaigns(self) -> pd.DataFrame | None:
        return self.table("campaigns")

    @cached_property
    def campaign_members(self) -> pd.DataFrame | None:
        return self.table("campaign_members")

    @cached_property
    def leads(self) -> pd.DataFrame | None:
        return self.table("leads")

    @cached_property
    def cube(self) -> pd.DataFrame:
        """The customer × month cube (docs/ARCHITECTURE.md), months ≤ as_of."""
        return read_facts(self._facts / "cube.parquet", "cube")

    @cached_property
    def daily(self) -> pd.DataFrame:
        """The customer × day facts, days ≤ as_of."""
        return read_facts(self._facts / "daily.parquet", "daily")

    @cached_property
    def problems(self) -> pd.DataFrame:
        """Warnings found while loading (unknown customers, ambiguous names, ...)."""
        items = json.loads((self.cache_dir / "problems.json").read_text(encoding="utf-8"))
        columns = ["file", "row", "column", "message", "severity", "table"]
        return pd.DataFrame(items, columns=columns).astype({"row": "Int64"})

    @property
    def last_order_date(self) -> pd.Timestamp | None:
        """The last order line's date in the whole source (it may lie after as_of)."""
        value = self.meta["orders"]["date_max"]
        return pd.Timestamp(value) if value else None

    @property
    def has_cost(self) -> bool:
        return bool(self.meta["orders"].get("has_cost"))

    @property
    def table_stats(self) -> dict[str, Any]:
        """Per canonical table the statistics of the prepared data (rows, columns, dates)."""
        return self.meta["tables"]

    @property
    def row_counts(self) -> dict[str, int]:
        """Rows per canonical table in the prepared data."""
        return self.meta["rows"]

    def top_products(self, *, months: int = 12, n: int = 3) -> pd.DataFrame:
        """What each customer bought most in the `months` months ending at as_of."""
        start = window_start(self.as_of, months)
        lines = self.cache_dir / "tables" / "orders.parquet"
        if lines.is_file():
            return top_products(lines, start=start, as_of=self.as_of, n=n)
        # a database source: the lines stayed on the server, their monthly sums came over
        return top_products_monthly(self._facts / "products.parquet", start=start, as_of=self.as_of, n=n)

    def window_start(self, months: int = 12) -> pd.Timestamp:
        return window_start(self.as_of, months)

    # --- options and shared results ---------------------------------------------------------
    def options(self, report: str | None = None, /, **values: Any) -> Any:
        """The validated options model of `report` (default: this notebook's report) from `values`.

        A notebook passes its parameters; an impossible value is a `ValueError` naming the
        report and the key.
        """
        from clientbase.catalog import options_model

        name = report or self.report
        if name is None:
            raise ValueError("options: name the report (setup(..., report=...) or options('abc_xyz', ...))")
        return options_model(name).parse(values, where=f"{self.profile.file}: {name}")

    def abc_xyz_classes(self, options: Any = None) -> pd.DataFrame:
        """The run's one ABC-XYZ classification (`abc_xyz.abc_xyz_classes`), shared by every report.

        With `options` None, the classification uses the profile's `abc_xyz:` section — the
        options the ABC-XYZ report of the same run uses — so a client's class is the same
        in every report of a run (REFERENCE.md "ABC"). Computed once per session and options.
        """
        from clientbase.abc_xyz import abc_xyz_classes

        if options is None:
            options = self.options("abc_xyz", **self.profile.report_settings("abc_xyz"))
        if options not in self._classes:
            daily = self.daily if options.grain == "week" else None
            self._classes[options] = abc_xyz_classes(
                self.cube, self.customers, as_of=self.as_of, daily=daily, **options.classify_keywords())
        return self._classes[options]

    def abc_xyz_migration(self, options: Any) -> Any:
        """`abc_xyz.migration` at as_of with `options` (the ABC-XYZ report's own call).

        The day facts are read only for weekly XYZ (`grain: week`).
        """
        from clientbase.abc_xyz import migration

        daily = self.daily if options.grain == "week" else None
        return migration(self.cube, self.customers, as_of=self.as_of, daily=daily, **options.classify_keywords())

    def abc_classes(self) -> pd.Series | None:
        """customer_id → ABC class ("A"/"B"/"C", NA without one) of the run's classification.

        None when the classification cannot be made from this data (gross profit as the
        metric and orders without cost): the reports that show a class then say it is unknown.
        """
        try:
            classes = self.abc_xyz_classes()
        except ValueError:
            return None
        return pd.Series(classes["abc"].astype("str").to_numpy(), index=classes["customer_id"].astype("str"),
                         name="abc")

    # --- output -----------------------------------------------------------------------
    def output_path(self, name: str) -> Path | None:
        """Where a table or list of this report goes in a run; None in an analyst's session."""
        if self.output_dir is None:
            return None
        path = Path(self.output_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def save_table(self, frame: pd.DataFrame, name: str, *, columns: Sequence[str] | None = None) -> Path | None:
        """Write a machine-readable table (UTF-8, comma, ISO dates) into the run's folder.

        `columns`: the columns written, in this order (default: all). Numbers keep 12
        significant digits: kopecks of a billion survive, the binary noise of summed decimals
        (441057.35500000004) does not.
        """
        path = self.output_path(name)
        if path is None:
            return None
        out = frame[list(columns)].copy() if columns is not None else frame.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
        out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.12g")
        return path

    def write_list(self, name: str, write: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Path | None:
        """Write a list for people (an .xlsx) into the run's folder with `write(*args, path=..., **kwargs)`.

        In an analyst's session (no output folder) nothing is written and None is returned,
        so a notebook needs no condition around it.
        """
        path = self.output_path(name)
        if path is None:
            return None
        return write(*args, path=path, **kwargs)

    def headlines(self, items: Sequence[tuple[str, str]]) -> None:
        """Record the report's headline numbers, (label, value) pairs, for the run's index page."""
        for label, value in items:
            self.headline(label, value)

    def headline(self, label: str, value: str) -> None:
        """Record a headline number for the run's index page."""
        path = self.output_path("headline.json")
        if path is None:
            return
        items = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
        items = [i for i in items if i["label"] != label] + [{"label": label, "value": value}]
        path.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")


def setup(
    profile: str | Path = "../params/demo.yaml",
    *,
    period: str | None = None,
    language: str | None = None,
    currency: str | None = None,
    cache: str | Path | None = None,
    output_dir: str | Path | None = None,
    mask_pii: bool | None = None,
    report: str | None = None,
    quiet: bool = False,
) -> Workbook:
    """The one set-up call of a notebook: validate, load (from the cache), style the plots.

    In a run the runner passes `cache` (the prepared folder) and `output_dir`; in an
    analyst's session both are None and the cache is built or reused here.
    """
    prof = load_profile(profile, check_reports=False)
    if cache:
        prepared = _open_prepared(Path(cache), period or prof.period)
    else:
        prepared = prepare(prof, period=period, progress=None if quiet else print)
    from clientbase.plots import use_style

    use_style()
    return Workbook(
        prof,
        prepared,
        language=language or prof.language,
        currency=currency or prof.currency,
        mask_pii=prof.mask_pii if mask_pii is None else mask_pii,
        output_dir=Path(output_dir) if output_dir else None,
        report=report,
    )


# --- helpers ------------------------------------------------------------------------------
def _open_prepared(cache_dir: Path, period: str) -> Prepared:
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
        if not (cache_dir / "meta.json").is_file():
            say(f"reading tables from {db.url} (order lines stay there)")
            tables, problems = db.load_tables()
            fill_dir_atomically(cache_dir, lambda tmp: _write_cache(
                tmp, profile=profile, tables=tables, problems=problems, inputs=inputs,
                location={"data_url": db.url, "timezone": db.timezone}, orders=db.orders_meta()))
        meta = json.loads((cache_dir / "meta.json").read_text(encoding="utf-8"))
        last = pd.Timestamp(meta["orders"]["date_max"]) if meta["orders"]["date_max"] else None
        resolved = parse_period(period or profile.period, last_date=last)
        facts = cache_dir / f"facts-{resolved.as_of.date().isoformat()}"
        if not (facts / "cube.parquet").is_file():
            say(f"building the sales cube as of {resolved.as_of.date()} in the database")
            fill_dir_atomically(facts, lambda tmp: db.write_facts(tmp, as_of=resolved.as_of))
    rows = meta["rows"]
    inputs = [i | {"rows": rows.get(i["table"])} for i in inputs]
    return Prepared(cache_dir, resolved, tuple(inputs), time.perf_counter() - started)


def _ensure_data(profile: Profile, say: Callable[[str], None]) -> Path:
    folder = profile.data_path
    assert folder is not None
    if not folder.exists() and profile.data.demo is not None:
        from clientbase.demo import generate_demo

        say(f"generating the demo data into {folder}")
        generate_demo(folder, **profile.data.demo.model_dump(), progress=say)
    if not folder.is_dir():
        raise ClientbaseError(f"{profile.file}: data.path {folder} is not a folder")
    return folder


def _cache_key(profile: Profile, inputs: list[dict[str, Any]]) -> str:
    h = hashlib.sha256()
    h.update(f"{__version__}|{_CACHE_LAYOUT}|{profile.data.format}|".encode())
    if profile.data_format not in ("1c", "canonical"):
        h.update(sha256_of(Path(profile.data_format)).encode())
    for item in inputs:
        h.update(f"{item['table']}|{item['sha256']}|".encode())
    return h.hexdigest()[:20]


def _build_tables(profile: Profile, folder: Path, fmt: Any, cache_dir: Path, inputs: list[dict]) -> None:
    from clientbase.sources import load_source

    def fill(tmp: Path) -> None:
        # Parquet order lines go from the input to the cache through DuckDB, never through
        # pandas: memory follows the customers, not the lines (issue 7)
        (tmp / "tables").mkdir()
        source = load_source(folder, fmt, files=profile.data.files or None,
                             orders_parquet=tmp / "tables" / "orders.parquet")
        _write_cache(tmp, profile=profile, tables=source.tables, problems=list(source.problems),
                     inputs=inputs, location={"data_path": str(folder)}, written=source.written)

    fill_dir_atomically(cache_dir, fill)


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
) -> None:
    """Write the canonical tables, problems.json and meta.json into a new cache folder.

    `orders` is None when the order lines are among `tables` or already `written` as
    Parquet into ``tmp/tables`` (a file source); a database source gives their statistics
    instead (``DatabaseSource.orders_meta``).
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
        "inputs": [{k: v for k, v in i.items() if k != "path"} | {"rows": rows.get(i["table"])} for i in inputs],
        "rows": {name: rows[name] for name in TABLES if name in rows},
        "tables": {name: stats[name] for name in TABLES if name in stats},
        "orders": orders_stats,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


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


def _read_table(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)


