"""Prepared data for a run: validate the source once, cache canonical tables and the cube.

`prepare` is what the runner calls once per run; `setup` is the one call at the top of
every notebook. Both go through the same cache (DESIGN.md "Data flow"): a folder keyed by
the package version, the format and the sha256 of every input file, holding the canonical
tables as Parquet and, per as_of, the customer × day facts and the customer × month cube.
An analyst's notebook builds it on first load and reuses it while the inputs are unchanged;
every notebook of a run opens the same folder, so all reports see exactly the same data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from clientbase.cache import Prepared, open_prepared, prepare
from clientbase.cube import read_facts, top_products, top_products_monthly
from clientbase.errors import ClientbaseError
from clientbase.frames import csv_numbers
from clientbase.periods import window_start
from clientbase.profiles import Profile, load_profile
from clientbase.schema import TABLES


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
        self._forecast: pd.DataFrame | bool | None = None  # False: asked for, could not be made

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
        """What each customer bought most in the `months` months ending at as_of.

        A pass over the order lines (4 s at 10M lines), so kept with the prepared data
        (`clientbase.shared`) like the other shared results: a re-run of the same data reads it.
        """
        from clientbase import shared

        def compute() -> pd.DataFrame:
            start = window_start(self.as_of, months)
            monthly = self._facts / "products.parquet"
            lines = self.cache_dir / "tables" / "orders.parquet"
            if monthly.is_file() or not lines.is_file():
                # the engine that made the facts (PostgreSQL, Spark) summed the products by month too
                return top_products_monthly(monthly, start=start, as_of=self.as_of, n=n)
            return top_products(lines, start=start, as_of=self.as_of, n=n)

        return shared.load_or_compute(self._facts, "top_products", {"months": months, "n": n}, compute)

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
        in every report of a run (REFERENCE.md "ABC"). Computed once per data, options and code
        and kept with the prepared data (`clientbase.shared`): the runner computes it before the
        notebooks start, and each notebook reads it.
        """
        from clientbase import shared
        from clientbase.abc_xyz import abc_xyz_classes

        if options is None:
            options = self.options("abc_xyz", **self.profile.report_settings("abc_xyz"))
        if options not in self._classes:
            def compute() -> pd.DataFrame:
                daily = self.daily if options.grain == "week" else None
                return abc_xyz_classes(self.cube, self.customers, as_of=self.as_of, daily=daily,
                                       **options.classify_keywords())

            self._classes[options] = shared.load_or_compute(self._facts, "abc_xyz_classes", options, compute)
        return self._classes[options]

    def abc_xyz_migration(self, options: Any) -> Any:
        """`abc_xyz.migration` at as_of with `options` (the ABC-XYZ report's own call), kept with the
        prepared data (`clientbase.shared`) so that a re-run of the same data reads it.

        The day facts are read only for weekly XYZ (`grain: week`).
        """
        from clientbase import shared
        from clientbase.abc_xyz import migration

        def compute() -> Any:
            daily = self.daily if options.grain == "week" else None
            return migration(self.cube, self.customers, as_of=self.as_of, daily=daily,
                             **options.classify_keywords())

        return shared.load_or_compute(self._facts, "abc_xyz_migration", options, compute)

    def clv_result(self, options: Any = None) -> Any:
        """`clv.clv_report` at as_of with `options` (default: the profile's `clv:` section), computed
        once per data, options and code and kept with the prepared data (`clientbase.shared`): the
        CLV report and the reports that read its forecast share one fit."""
        from clientbase import shared
        from clientbase.clv import clv_report

        if options is None:
            options = self.options("clv", **self.profile.report_settings("clv"))
        return shared.load_or_compute(
            self._facts, "clv", options,
            lambda: clv_report(self.daily, as_of=self.as_of, options=options, gross_profit=self.has_cost))

    def clv_forecast(self, *, priority_by: str = "lost_revenue") -> pd.DataFrame | None:
        """customer_id, p_alive, clv of the run's repeat-purchase forecast (`clv_result()`: the profile's
        `clv:` options, the fit the CLV report of the same run shows), when the profile runs the `clv`
        report (or a list is to be ranked by it: `priority_by="clv"`) and the forecast could be made;
        None otherwise.
        """
        if not (priority_by == "clv" or "clv" in self.profile.reports):
            return None
        if self._forecast is None:
            result = self.clv_result()
            self._forecast = result.customers[["customer_id", "p_alive", "clv"]] if result.ok else False
        return None if self._forecast is False else self._forecast

    def other_kpi_inputs(self) -> Any:
        """What the KPIs owned by other reports need (`kpis.OtherInputs`): their tables and the options the
        profile gives those reports, so that CAC and LTV, DSO and the pipeline are computed as the
        Campaign ROI, Receivables and Deal funnel reports of the same run compute them."""
        from clientbase.kpis import OtherInputs

        settings = self.profile.report_settings
        return OtherInputs(
            cube=self.cube, customers=self.customers, campaigns=self.campaigns,
            campaign_options=self.options("campaign_roi", **settings("campaign_roi")),
            invoices=self.table("invoices"), payments=self.table("payments"),
            receivables_options=self.options("receivables", **settings("receivables")),
            deals=self.table("deals"), deal_stages=self.table("deal_stages"),
            deal_options=self.options("deal_funnel", **settings("deal_funnel")),
        )

    def manual_segments(self, options: Any) -> dict[str, list[str]]:
        """The customer codes of each manual segment of the segments `options`, read from the file
        it names (relative to the profile's folder): one code per line, or a column «Код» /
        customer_id of a `;` or `,` separated file, UTF-8 or Windows-1251 as 1C saves it."""
        out = {}
        for seg in options.segments:
            if seg.kind == "manual":
                path = Path(seg.file)
                out[seg.name] = read_codes(path if path.is_absolute() else Path(self.profile.file).parent / path,
                                           segment=seg.name)
        return out

    def known_classes(self) -> pd.DataFrame | None:
        """`abc_xyz_classes()` (stage, ABC, XYZ of every client), or None when this data cannot be
        classified (gross profit as the metric and orders without cost)."""
        try:
            return self.abc_xyz_classes()
        except ValueError:
            return None

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

    def previous_table(self, name: str) -> pd.DataFrame | None:
        """This report's table `name` as the run of the previous quarter published it (the
        profile's reports folder, `<previous quarter>/<report>/<name>`), read with text ids;
        None in an analyst's session or when that run is not there.

        A report keeps what cannot be recomputed later (a periodic segment's members) this way.
        """
        if self.output_dir is None or self.report is None:
            return None
        # a run writes into <reports>/<profile>/.run-…/<report>; it publishes to <reports>/<profile>/<period>
        profile_dir = Path(self.output_dir).resolve().parent.parent
        path = profile_dir / self.period.previous().label / self.report / name
        if not path.is_file():
            return None
        return pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])

    def save_table(self, frame: pd.DataFrame, name: str, *, columns: Sequence[str] | None = None) -> Path | None:
        """Write a machine-readable table (UTF-8, comma, ISO dates) into the run's folder.

        `columns`: the columns written, in this order (default: all). Money keeps its exact
        kopecks up to 10^13 and loses the binary noise of summed decimals (12345688563.230001
        is written 12345688563.23): `csv_numbers`.
        """
        path = self.output_path(name)
        if path is None:
            return None
        out = frame[list(columns)].copy() if columns is not None else frame.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
            elif pd.api.types.is_float_dtype(out[col]):
                out[col] = csv_numbers(out[col])
        out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        return path

    def save_tables(self, tables: dict[str, pd.DataFrame]) -> list[Path]:
        """Write several machine-readable tables ({file name: frame}, see `save_table`); none is fine."""
        return [p for name, frame in tables.items() if (p := self.save_table(frame, name)) is not None]

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
        prepared = open_prepared(Path(cache), period or prof.period)
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


def _read_table(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def read_codes(path: Path, *, segment: str) -> list[str]:
    """Customer codes from a file of a manual segment (see `Workbook.manual_segments`)."""
    if not path.is_file():
        raise ClientbaseError(f"segment {segment!r}: the file of its customer codes {path} does not exist")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # as 1C saves it
        text = raw.decode("cp1251")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sep = ";" if lines and ";" in lines[0] else ","
    header = [h.strip().strip('"').lower() for h in lines[0].split(sep)] if lines else []
    column = next((i for i, h in enumerate(header) if h in ("код", "customer_id", "код контрагента")), None)
    rows = lines[1:] if column is not None else lines
    return [r.split(sep)[column or 0].strip().strip('"') for r in rows]
