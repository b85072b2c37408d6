"""The options of the segments report: the RF map as data and the segments of one's own."""

from __future__ import annotations

from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clientbase.options import Options
from clientbase.segments.rules import RuleError, parse_rule

# the per-customer facts a rule may read (REFERENCE.md "RFM and segments"); p_alive is there
# only when the run forecasts (the clv report), else it is empty
FACT_FIELDS = ("stage", "abc", "xyz", "rfm_segment", "r", "f", "m", "region", "source", "manager", "category",
               "loyalty", "days_since_last_order", "revenue", "frequency", "p_alive", "clv")

RFM_SEGMENTS = ("champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
                "about_to_sleep", "at_risk", "cant_lose", "hibernating")


class MapCell(BaseModel):
    """One segment of the RF map and the R and F scores (1–5) it covers."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    segment: str
    r: list[int] = Field(min_length=1)
    f: list[int] = Field(min_length=1)

    @field_validator("r", "f")
    @classmethod
    def _scores(cls, value: list[int]) -> list[int]:
        bad = [v for v in value if not 1 <= v <= 5]
        if bad:
            raise ValueError(f"scores are 1 to 5, got {bad}")
        return value


class Segment(BaseModel):
    """A segment of one's own: a rule over the facts (dynamic or periodic) or a file of codes (manual)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    kind: Literal["dynamic", "periodic", "manual"] = "dynamic"
    rule: str | None = None
    file: str | None = None

    @model_validator(mode="after")
    def _rule_or_file(self) -> Segment:
        if self.kind == "manual":
            if not self.file or self.rule:
                raise ValueError(f"segment {self.name!r}: a manual segment is a file of customer codes (file:), "
                                 "not a rule")
        else:
            if not self.rule or self.file:
                raise ValueError(f"segment {self.name!r}: a {self.kind} segment needs a rule (rule:), not a file")
            try:
                parse_rule(self.rule, FACT_FIELDS)
            except RuleError as exc:
                raise ValueError(f"segment {self.name!r}: {exc}") from None
        return self


def default_map() -> list[MapCell]:
    """The classic RF map shipped with the package (`segments/rf_map.yaml`)."""
    text = resources.files("clientbase.segments").joinpath("rf_map.yaml").read_text(encoding="utf-8")
    return [MapCell(**item) for item in yaml.safe_load(text)]


def check_map(cells: list[MapCell]) -> None:
    """Every cell of the 5 × 5 grid in exactly one segment, or a ValueError naming the cells."""
    owners: dict[tuple[int, int], list[str]] = {(r, f): [] for r in range(1, 6) for f in range(1, 6)}
    for cell in cells:
        for r in set(cell.r):
            for f in set(cell.f):
                owners[(r, f)].append(cell.segment)
    missing = [f"R{r}F{f}" for (r, f), who in owners.items() if not who]
    twice = [f"R{r}F{f} ({', '.join(who)})" for (r, f), who in owners.items() if len(who) > 1]
    problems = []
    if missing:
        problems.append(f"cells in no segment: {', '.join(missing)}")
    if twice:
        problems.append(f"cells in more than one segment: {'; '.join(twice)}")
    if problems:
        raise ValueError("the RF map must put every cell of the 5 × 5 grid in exactly one segment; "
                         + "; ".join(problems))


class SegmentsOptions(Options):
    """The options of the segments report (REFERENCE.md "RFM and segments")."""

    lookback_months: int = Field(24, ge=1, le=120, description="months ending at as_of whose revenue is scored")
    rf_map: list[MapCell] | None = Field(
        None, description="the RF map, segment by R and F scores; None: the classic map shipped with the package")
    segments: list[Segment] = Field(
        [], description="segments of one's own: name, kind (dynamic, periodic, manual), rule or file")
    top_n: int = Field(15, ge=1, le=500, description="clients shown in the report's tables")

    @field_validator("rf_map")
    @classmethod
    def _whole_grid(cls, value: list[MapCell] | None) -> list[MapCell] | None:
        if value is not None:
            check_map(value)
        return value

    @field_validator("segments")
    @classmethod
    def _distinct_names(cls, value: list[Segment]) -> list[Segment]:
        names = [s.name for s in value]
        twice = sorted({n for n in names if names.count(n) > 1} | ({n for n in names if n in RFM_SEGMENTS}))
        if twice:
            raise ValueError(f"segment names must differ from each other and from the RFM segments: {', '.join(twice)}")
        return value

    @property
    def map(self) -> list[MapCell]:
        return self.rf_map if self.rf_map is not None else default_map()



DEFAULTS = SegmentsOptions()
RFM_COLUMNS = ("customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment")
MEMBERS_COLUMNS = ("segment", "customer_id", "since")
CHANGES_COLUMNS = ("segment", "customer_id", "change", "quarter")
