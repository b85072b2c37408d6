"""Run profiles (`params/*.yaml`): loading and strict validation.

Every key but `data` has a default, so a profile of three lines runs. An unknown key, a
wrong type or an impossible value is an error naming the key and the file. Per-report
sections (`abc_xyz: {...}`) are checked against the parameters the report's notebook
declares, so a notebook is the one place a report parameter is defined.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from clientbase import catalog
from clientbase.errors import ClientbaseError, ProfileError
from clientbase.schema import TABLES

_STRICT = ConfigDict(extra="forbid", frozen=True)


class DemoData(BaseModel):
    """Generate the synthetic demo dataset into `data.path` when it is missing."""

    model_config = _STRICT
    customers: int = Field(5000, ge=20, le=5_000_000)
    years: int = Field(3, ge=2, le=15)
    seed: int = 42


class SparkOrders(BaseModel):
    """Order lines that Spark reads itself (`data.spark.orders`): a location or a catalog table."""

    model_config = _STRICT
    path: str | None = None
    table: str | None = None
    format: Literal["parquet", "csv"] = "parquet"

    @model_validator(mode="after")
    def _one_location(self) -> SparkOrders:
        if (self.path is None) == (self.table is None):
            raise ValueError("give exactly one of 'path' (Parquet or CSV: a file, a folder or a URL Spark reads) "
                             "or 'table' (a table of the Spark catalog)")
        if self.table is not None and "format" in self.model_fields_set:
            raise ValueError("'format' is for a path; a catalog table has its own")
        return self


class SparkSettings(BaseModel):
    """Where Spark runs (`data.spark`): a master URL and Spark settings, as spark-submit takes them,
    and optionally the order lines Spark reads itself instead of the folder's orders file."""

    model_config = _STRICT
    master: str = "local[*]"
    conf: dict[str, str] = {}
    orders: SparkOrders | None = None

    @field_validator("conf", mode="before")
    @classmethod
    def _settings_as_text(cls, value: Any) -> Any:
        # YAML reads `spark.sql.shuffle.partitions: 8` as a number; Spark takes every setting as text
        if isinstance(value, dict):
            return {k: str(v).lower() if isinstance(v, bool) else str(v) if isinstance(v, int | float) else v
                    for k, v in value.items()}
        return value



class DataSource(BaseModel):
    model_config = _STRICT
    path: str | None = None
    url: str | None = None
    engine: Literal["duckdb", "postgres", "spark"] | None = None
    spark: SparkSettings | None = None
    format: str = "canonical"
    files: dict[str, str] = {}
    tables: dict[str, str] = {}
    demo: DemoData | None = None

    @field_validator("files", "tables")
    @classmethod
    def _known_tables(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(TABLES))
        if unknown:
            raise ValueError(f"unknown table {unknown[0]!r}; expected one of {', '.join(TABLES)}")
        return value

    @model_validator(mode="after")
    def _one_location(self) -> DataSource:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of 'path' (a folder of exports) or 'url' (a database)")
        if self.url is not None:
            userinfo = self.url.split("//", 1)[-1].split("/", 1)[0].rpartition("@")[0]
            # libpq also takes key=value strings and ?password=... parameters
            if ":" in userinfo or re.search(r"(?i)(^|[?&\s])password\s*=", self.url):
                raise ValueError("the url must not contain a password: set PGPASSWORD or use a .env file")
        if self.spark is not None and self.spark.orders is not None and "orders" in self.files:
            raise ValueError("the order lines are named twice, in data.files.orders and in data.spark.orders: "
                             "keep one")
        return self

    @field_validator("engine")
    @classmethod
    def _engine_fits_the_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        url = info.data.get("url")
        if value == "postgres" and url is None:
            raise ValueError("engine 'postgres' computes the facts in the database of data.url; "
                             "with data.path (a folder of exports) use engine duckdb or spark")
        if value in ("duckdb", "spark") and url is not None:
            raise ValueError(f"engine {value!r} reads a folder of exports (data.path), not a database: with "
                             "data.url the facts are computed in PostgreSQL (engine postgres, or leave engine out)")
        return value

    @field_validator("spark")
    @classmethod
    def _spark_needs_the_engine(cls, value: SparkSettings | None, info: ValidationInfo) -> SparkSettings | None:
        if value is not None and info.data.get("engine") != "spark":
            raise ValueError("Spark settings are given but data.engine is not spark: "
                             "add 'engine: spark' or remove data.spark")
        return value

    @property
    def resolved_engine(self) -> str:
        """The engine that computes the facts: the `engine` key, else postgres for a url, else duckdb."""
        return self.engine or ("postgres" if self.url is not None else "duckdb")

    @property
    def spark_settings(self) -> SparkSettings:
        return self.spark or SparkSettings()


class Profile(BaseModel):
    """A validated run profile. `name` is the file's stem; paths are resolved."""

    model_config = _STRICT
    name: str
    file: Path
    data: DataSource
    period: str = "latest"
    language: Literal["en", "ru"] = "en"
    currency: str = "RUB"
    reports: tuple[str, ...] = catalog.REPORTS
    mask_pii: bool = True
    timeout_minutes: float = Field(20.0, gt=0, le=24 * 60)
    settings: dict[str, dict[str, Any]] = {}

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"expected an ISO 4217 code such as RUB, got {value!r}")
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        from clientbase.periods import parse_period

        if str(value).strip().lower() != "latest":
            parse_period(value)
        return str(value)

    @field_validator("reports")
    @classmethod
    def _reports(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in value if r not in catalog.REPORTS]
        if unknown:
            raise ValueError(f"unknown report {unknown[0]!r}; expected some of {', '.join(catalog.REPORTS)}")
        if not value:
            raise ValueError("name at least one report")
        return tuple(dict.fromkeys(value))

    @property
    def data_path(self) -> Path | None:
        if self.data.path is None:
            return None
        return (self.file.parent / self.data.path).resolve()

    @property
    def data_format(self) -> str:
        """`1c`, `canonical`, or the absolute path of a mapping file."""
        fmt = self.data.format
        if fmt in ("1c", "canonical"):
            return fmt
        return str((self.file.parent / fmt).resolve())

    @property
    def spark_orders(self) -> SparkOrders | None:
        """`data.spark.orders` with a local path resolved against the profile's folder (a URL as it is)."""
        orders = self.data.spark_settings.orders
        if orders is None or orders.path is None or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", orders.path):
            return orders
        return orders.model_copy(update={"path": str((self.file.parent / orders.path).resolve())})

    def report_settings(self, report: str) -> dict[str, Any]:
        return dict(self.settings.get(report, {}))


_TOP_KEYS = {"data", "period", "language", "currency", "reports", "mask_pii", "timeout_minutes"}


def load_profile(path: str | Path, *, check_reports: bool = True) -> Profile:
    """Read and validate a profile; every problem is a ProfileError naming key and file."""
    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise ProfileError(f"{path}: no such profile file")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{file}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ProfileError(f"{file}: expected a mapping of keys (data:, period:, ...), got {type(raw).__name__}")
    if "data" not in raw:
        raise ProfileError(f"{file}: key 'data' is required (where the exports are)")
    top = {k: v for k, v in raw.items() if k in _TOP_KEYS}
    sections = {k: v for k, v in raw.items() if k not in _TOP_KEYS}
    unknown = [k for k in sections if k not in catalog.REPORTS]
    if unknown:
        expected = ", ".join(sorted(_TOP_KEYS | set(catalog.REPORTS)))
        raise ProfileError(f"{file}: unknown key {unknown[0]!r}; expected one of {expected}")
    for name, section in sections.items():
        if section is not None and not isinstance(section, dict):
            raise ProfileError(f"{file}: key {name!r} must be a mapping of report settings")
    try:
        profile = Profile(
            name=file.stem, file=file, settings={k: dict(v or {}) for k, v in sections.items()}, **top
        )
    except ValidationError as exc:
        raise ProfileError(_describe(exc, file)) from None
    except ClientbaseError as exc:  # a period that does not parse
        raise ProfileError(f"{file}: key 'period': {exc}") from None
    if check_reports:
        for report, settings in profile.settings.items():
            check_report_settings(report, settings, file=file)
    return profile


def check_report_settings(report: str, settings: dict[str, Any], *, file: Path | str) -> None:
    """Check a report's section against the report's options model (`catalog.options_model`)."""
    for key in settings:
        if key in catalog.COMMON_PARAMETERS:
            raise ProfileError(f"{file}: key '{report}.{key}' is set for every report at the top level")
    model = catalog.options_model(report)
    unknown = [key for key in settings if key not in model.model_fields]
    if unknown:
        options = ", ".join(model.model_fields) or "none"
        raise ProfileError(f"{file}: unknown key '{report}.{unknown[0]}'; the report takes: {options}")
    try:
        model.parse(settings, where=f"{file}: {report}")
    except ValueError as exc:
        # "file: report: key: problem" → "file: key 'report.key': problem"
        message = str(exc).removeprefix(f"{file}: {report}: ")
        key, _, problem = message.partition(": ")
        raise ProfileError(f"{file}: key '{report}.{key}': {problem}") from None


def _describe(exc: ValidationError, file: Path) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(profile)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        lines.append(f"key {key!r}: {msg}")
    return f"{file}: " + "; ".join(lines)
