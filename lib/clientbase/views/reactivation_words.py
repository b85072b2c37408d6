"""The reactivation list's parameters and labels in the report's words: `Settings` (the options a
list was built with), the quarter, day and multiplier phrases of both languages, manager and
reason labels. Shared by the view, its charts and the call lists.
"""

from __future__ import annotations

import pandas as pd

from clientbase.formatting import Formatter
from clientbase.periods import Period
from clientbase.reactivation import (
    ACTIVITY_DROP,
    OVERDUE,
    ReactivationOptions,
)
from clientbase.text import fill, quarter_values, t, texts

NBSP = "\u00a0"



class Settings(ReactivationOptions):
    """The options the list was built with (`ReactivationOptions`) and whether ABC classes were known."""

    # whether the run's ABC classes were given to the list (Workbook.abc_classes)
    abc_known: bool = True
    # whether the run's repeat-purchase forecast was given to the list (Workbook.clv_forecast)
    forecast_known: bool = False



class ReportWords:
    """The parameters and the quarter in words of the report language."""

    def __init__(self, fmt: Formatter, settings: Settings, period: Period | None):
        self.fmt = fmt
        self.lang = fmt.language
        self.settings = settings
        self.period = period

    def _say(self, key: str, **values: object) -> str:
        return t(f"reactivation.phrases.{key}", self.lang, **values)

    @property
    def lookback(self) -> str:
        """"24" (en, "the last 24 months") or "24 месяца" (ru, "за последние 24 месяца")."""
        return self._say("lookback", n=self.settings.lookback_months)

    def days(self, n: int) -> str:
        """"90" (en, "more than 90 days") or "90 дней" (ru, genitive after "более")."""
        return self._say("days_after_more_than", n=n)

    def days_nominative(self, n: int) -> str:
        return self._say("days", n=n)

    @property
    def times(self) -> str:
        """"2" (en, "2 times") or "2 раза" / "5 раз" (ru, "в 2 раза дольше")."""
        return self._say("times", n=self.settings.rhythm_multiplier)

    @property
    def percent(self) -> str:
        return self.fmt.percent(self.settings.drop_threshold, digits=0)

    def _quarter(self, key: str) -> str:
        """The run's quarter: "Q3 2026" in English, "III квартале 2026 г." (and other cases) in Russian."""
        p = self.period
        return "" if p is None else self._say(key, **quarter_values(p.quarter, p.year))

    @property
    def quarter(self) -> str:
        """"Q3 2026" / "III квартале 2026 г." (after "in" / "в")."""
        return self._quarter("quarter_in")

    @property
    def quarter_genitive(self) -> str:
        return self._quarter("quarter_of")

    @property
    def quarter_short(self) -> str:
        return self._quarter("quarter_short")


def plain_number(value: float, language: str) -> str:
    """A multiplier or threshold as a plain number (`Formatter.plain`)."""
    return Formatter(language).plain(value)



def reason_label(code: str, words: ReportWords, *, short: bool = False) -> str:
    labels = texts("reactivation", words.lang)["reason_short" if short else "reason"]
    if code == OVERDUE:
        return labels[OVERDUE]
    if code == ACTIVITY_DROP:
        return fill(labels[ACTIVITY_DROP], words.lang, percent=words.percent)
    days = words.settings.no_order_days
    if short:
        return fill(labels["no_orders"], words.lang, days=days)
    return fill(labels["no_orders"], words.lang, days=words.days_nominative(days))



def _short_person(name: str) -> str:
    """"Смирнова Ольга Викторовна" → "Смирнова О. В.": a manager's name that fits a table column."""
    parts = name.split()
    if len(parts) not in (2, 3) or not all(p[:1].isalpha() for p in parts):
        return name
    # no-break spaces: the initials stay on the surname's line
    return NBSP.join([parts[0], *(f"{p[0]}." for p in parts[1:])])



def manager_label(manager: object, language: str, *, short: bool = False) -> str:
    if manager is None or pd.isna(manager):
        return texts("reactivation", language)["unassigned"]
    return _short_person(str(manager)) if short else str(manager)
