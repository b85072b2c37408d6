"""The ABC-XYZ options and dates in the report's words (window, metric, grain, the previous
quarter), shared by the view and its charts.
"""

from __future__ import annotations

from clientbase.abc_xyz import (
    AbcXyzOptions,
    Migration,
)
from clientbase.formatting import Formatter
from clientbase.periods import quarter_of, window_start
from clientbase.text import quarter_values, t, texts

# the options the classes were built with are the words' parameters too
Settings = AbcXyzOptions



class ReportWords:
    """Dates, the window and the metric in words of the report language."""

    def __init__(self, fmt: Formatter, settings: Settings | None, result: Migration | None):
        self.fmt = fmt
        self.lang = fmt.language
        self.settings = settings or Settings()
        self.result = result

    @property
    def metric(self) -> str:
        return texts("abc_xyz", self.lang)["metric"][self.settings.metric]

    @property
    def window(self) -> str:
        """"12 months" / "12 месяцев"."""
        return t("abc_xyz.phrases.window", self.lang, n=self.settings.window_months)

    @property
    def grain_plural(self) -> str:
        return texts("abc_xyz", self.lang)["grain_plural"][self.settings.grain]

    @property
    def as_of(self) -> str:
        return self.fmt.date(self.result.as_of) if self.result is not None else ""

    @property
    def window_start(self) -> str:
        return self.fmt.date(window_start(self.result.as_of, self.settings.window_months))

    @property
    def previous_as_of(self) -> str:
        return self.fmt.date(self.result.previous_as_of)

    @property
    def previous_start(self) -> str:
        return self.fmt.date(window_start(self.result.previous_as_of, self.settings.window_months))

    @property
    def previous_since(self) -> str:
        """"the end of Q2 2026" / "конца II кв. 2026 г." (after "since" / "с")."""
        quarter = quarter_of(self.result.previous_as_of)
        return t("abc_xyz.phrases.previous_since", self.lang, **quarter_values(quarter.quarter, quarter.year))
