"""Numbers, money, percentages and dates for people, in Russian and English.

One module formats every value a stakeholder reads: table cells, summary sentences and
plot axes all go through a `Formatter`, so "1 234 567 ₽" looks the same everywhere.
Source: DESIGN.md "Rendering" (numbers formatted by one module for ru and en, Babel; the
same formatters on plot axes).

The strings are Babel's (CLDR) with three deliberate choices:

- a currency symbol made of letters (``RUB`` in English) is separated from the digits by
  a no-break space, as CLDR's ``currencySpacing`` rule says and Babel does not do
  (``RUB 1,234``; in Russian the pattern already has the space: ``1 234 ₽``);
- English dates are day-first (``30 Sep 2026``), the way Russian companies write them in
  English documents; Russian dates are ``30.09.2026`` as in 1C;
- `signed_percent` uses the typographic minus sign (U+2212) so that ``+4.2%`` and
  ``−3.1%`` line up in a column.

Missing values (None, NaN, NA, NaT) are shown as an em dash.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd
from babel import Locale
from babel import dates as _bdates
from babel import numbers as _bnumbers

if TYPE_CHECKING:
    from matplotlib.axes import Axes

LANGUAGES = ("en", "ru")
AXIS_KINDS = ("number", "money", "percent", "month")
MISSING = "—"
MINUS = "\u2212"
NBSP = "\xa0"

# day-first in both languages; Babel's "medium" English date is month-first
_DATE_PATTERNS = {"en": "d MMM y", "ru": "dd.MM.y"}
_DATETIME_PATTERNS = {"en": "d MMM y, HH:mm", "ru": "dd.MM.y HH:mm"}
# "LLL" is the stand-alone abbreviated month: "Sep", "сент." (not the genitive "сент." of a date)
_MONTH_PATTERN = "LLL y"
# numbers at least this large are shown compactly (1.2M / 1,2 млн) on plot axes
_AXIS_COMPACT_FROM = 100_000


_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True)
class Formatter:
    """Formats values for one report language and currency.

    Parameters
    ----------
    language : {"en", "ru"}
        The report language (profile key ``language``).
    currency : str
        ISO 4217 code of the money amounts (profile key ``currency``), e.g. ``"RUB"``.

    Examples
    --------
    >>> Formatter("ru").money(1234)
    '1\\xa0234\\xa0₽'
    >>> Formatter("en").percent(0.1234)
    '12.3%'
    """

    language: str = "en"
    currency: str = "RUB"

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language {self.language!r} is not supported: expected one of {LANGUAGES}")
        if not isinstance(self.currency, str) or not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"currency {self.currency!r} is not an ISO 4217 code such as 'RUB'")

    # -- numbers -----------------------------------------------------------------------

    def number(self, x: Any, digits: int = 0) -> str:
        """A number with grouped thousands: en ``1,234,567``, ru ``1 234 567`` (NBSP)."""
        value = _number_or_none(x, digits)
        if value is None:
            return MISSING
        return _bnumbers.format_decimal(value, format=_with_digits("#,##0", digits), locale=self.language)

    @property
    def decimal_symbol(self) -> str:
        """The decimal sign of the language's numbers: en ``.``, ru ``,``."""
        return _bnumbers.get_decimal_symbol(self.language)

    def plain(self, x: Any) -> str:
        """A plain number such as a multiplier: at most two decimals, none when whole (2, 1.5 / 1,5)."""
        value = _number_or_none(x, 2)
        if value is None:
            return MISSING
        digits = max(0, -value.normalize().as_tuple().exponent) if value != value.to_integral() else 0
        return self.number(value, digits=min(digits, 2))

    def number_compact(self, x: Any, digits: int = 1) -> str:
        """A large number in short form: en ``1.2M``, ru ``1,2 млн``."""
        value = _number_or_none(x, digits)
        if value is None:
            return MISSING
        return _bnumbers.format_compact_decimal(value, locale=self.language, fraction_digits=digits)

    def money(self, x: Any, digits: int = 0) -> str:
        """An amount in the report currency: en ``RUB 1,234``, ru ``1 234 ₽``."""
        value = _number_or_none(x, digits)
        if value is None:
            return MISSING
        pattern = _currency_pattern(self.language, self.currency, digits)
        return _bnumbers.format_currency(
            value, self.currency, format=pattern, locale=self.language, currency_digits=False
        )

    def money_compact(self, x: Any, digits: int = 1) -> str:
        """A large amount in short form for headlines and axes: en ``RUB 1.2M``, ru ``1,2 млн ₽``."""
        value = _number_or_none(x, digits)
        if value is None:
            return MISSING
        text = _bnumbers.format_compact_currency(
            value, self.currency, locale=self.language, fraction_digits=digits
        )
        return _space_letter_symbol(text, _bnumbers.get_currency_symbol(self.currency, self.language))

    def percent(self, share: Any, digits: int = 1) -> str:
        """A share as a percentage: 0.1234 → en ``12.3%``, ru ``12,3 %`` (NBSP)."""
        value = _number_or_none(share, digits + 2)
        if value is None:
            return MISSING
        return _bnumbers.format_percent(value, format=_percent_pattern(self.language, digits), locale=self.language)

    def signed_percent(self, share: Any, digits: int = 1) -> str:
        """A change as a percentage with its sign: ``+4.2%``, ``−3,1 %``; zero has no sign."""
        value = _number_or_none(share, digits + 2)
        if value is None:
            return MISSING
        text = self.percent(abs(value), digits)
        # `value` is already rounded as shown: a change shown as 0.0 % has no sign
        if value > 0:
            return "+" + text
        if value < 0:
            return MINUS + text
        return text

    def signed_number(self, x: Any, digits: int = 0) -> str:
        """A change in a count with its sign: ``+12``, ``−3``; a change shown as 0 has no sign."""
        return self._signed(x, lambda v: self.number(v, digits))

    def signed_money(self, x: Any, digits: int = 0) -> str:
        """A change in money with its sign: ``+RUB 1,200``, ``−1 200 ₽``; one shown as 0 has no sign."""
        return self._signed(x, lambda v: self.money(v, digits))

    def _signed(self, x: Any, shown: Any) -> str:
        value = _number_or_none(x, 6)
        if value is None:
            return MISSING
        text = shown(abs(value))
        if value == 0 or text == shown(0):
            return text
        return ("+" if value > 0 else MINUS) + text

    # -- dates -------------------------------------------------------------------------

    def date(self, d: Any) -> str:
        """A day: en ``30 Sep 2026``, ru ``30.09.2026``."""
        ts = _timestamp_or_none(d)
        if ts is None:
            return MISSING
        return _bdates.format_date(ts.date(), _DATE_PATTERNS[self.language], locale=self.language)

    def date_time(self, d: Any) -> str:
        """A moment: en ``30 Sep 2026, 14:05 UTC``, ru ``30.09.2026 14:05 UTC``.

        The time is shown in the time zone of the value; a zone-aware value gets its
        abbreviation so nobody has to guess which 14:05 it was.
        """
        ts = _timestamp_or_none(d)
        if ts is None:
            return MISSING
        text = _bdates.format_datetime(
            ts.floor("s").to_pydatetime().replace(tzinfo=None), _DATETIME_PATTERNS[self.language], locale=self.language
        )
        zone = ts.tzname() if ts.tzinfo is not None else None
        return f"{text} {zone}" if zone else text

    def month(self, d: Any) -> str:
        """A month: en ``Sep 2026``, ru ``сент. 2026`` (Babel's stand-alone abbreviations)."""
        ts = _timestamp_or_none(d)
        if ts is None:
            return MISSING
        return _bdates.format_date(ts.date(), _MONTH_PATTERN, locale=self.language)

    def quarter(self, period: Any) -> str:
        """A quarter: ``2026Q3`` (or a Period) → en ``Q3 2026``, ru ``3-й кв. 2026``; other text as it is."""
        match = _QUARTER.match(str(getattr(period, "label", period)))
        if not match:
            return str(period)
        year, quarter = int(match.group(1)), int(match.group(2))
        return _bdates.format_date(_dt.date(year, 3 * quarter, 1), "QQQ y", locale=self.language)

    # -- plot axes ---------------------------------------------------------------------

    def axis(self, ax: Axes, which: str = "y", kind: str = "number") -> Axes:
        """Format the tick labels of a matplotlib axis with these formatters.

        Parameters
        ----------
        ax : matplotlib.axes.Axes
        which : {"x", "y"}
        kind : {"number", "money", "percent", "month"}
            ``money`` is compact (``1,2 млн ₽``); ``number`` turns compact from 100 000;
            ``percent`` expects shares (0.25 → 25 %); ``month`` expects matplotlib date
            numbers (what plotting datetimes gives) and writes the month on every tick
            and the year under the first tick and under January.

        Returns
        -------
        matplotlib.axes.Axes
            The same axes, for chaining.
        """
        from matplotlib.ticker import FuncFormatter

        if which not in ("x", "y"):
            raise ValueError(f"which {which!r} is not an axis: expected 'x' or 'y'")
        if kind not in AXIS_KINDS:
            raise ValueError(f"axis kind {kind!r} is not supported: expected one of {AXIS_KINDS}")
        target = ax.xaxis if which == "x" else ax.yaxis
        target.set_major_formatter(FuncFormatter(self._tick_function(kind)))
        return ax

    def tick(self, value: float, kind: str = "number") -> str:
        """One tick label as `axis` writes it (useful for annotations next to ticks)."""
        if kind not in AXIS_KINDS:
            raise ValueError(f"axis kind {kind!r} is not supported: expected one of {AXIS_KINDS}")
        return self._tick_function(kind)(value, None)

    def _tick_function(self, kind: str):
        def money(value, _pos):
            return self.money_compact(value, digits=_tick_digits(value, compact=True))

        def number(value, _pos):
            if abs(value) >= _AXIS_COMPACT_FROM:
                return self.number_compact(value, digits=_tick_digits(value, compact=True))
            return self.number(value, digits=_tick_digits(value))

        def percent(value, _pos):
            return self.percent(value, digits=_tick_digits(value * 100))

        def month(value, pos):
            from matplotlib.dates import num2date

            day = num2date(value).replace(tzinfo=None)
            if pos is None:
                return self.month(day)
            # "Sep" on every tick, the year under the first tick and under each January:
            # twelve "Sep 2026" labels do not fit side by side
            name = _bdates.format_date(day.date(), "LLL", locale=self.language)
            return f"{name}\n{day.year}" if pos == 0 or day.month == 1 else name

        return {"money": money, "number": number, "percent": percent, "month": month}[kind]


def _tick_digits(value: float, *, compact: bool = False) -> int:
    """Decimals a tick needs: none for whole numbers, one otherwise (0.5, 2.5 %, 1.5M)."""
    if compact:
        magnitude = abs(value)
        for step in (1e12, 1e9, 1e6, 1e3):
            if magnitude >= step:
                value = value / step
                break
    return 0 if abs(value - round(value)) < 1e-9 else 1


def _number_or_none(x: Any, digits: int) -> decimal.Decimal | None:
    """The value rounded to `digits` decimals half away from zero, None when missing.

    Babel rounds half to even (1 234,5 → 1 234); people check report totals against
    Excel, which rounds half away from zero (→ 1 235), so the rounding is done here.
    A value that rounds to zero loses its sign: "−0" would read as a loss.
    """
    if x is None:
        return None
    if isinstance(x, bool):
        x = int(x)
    if hasattr(x, "item") and not isinstance(x, decimal.Decimal):
        x = x.item()  # numpy scalars
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    if not isinstance(x, int | float | decimal.Decimal):
        raise TypeError(f"cannot format {x!r} as a number")
    if isinstance(x, float) and math.isinf(x):
        return None
    # repr() of a float is its shortest exact-looking form: 2.675 stays 2.675
    value = decimal.Decimal(repr(x)) if isinstance(x, float) else decimal.Decimal(x)
    rounded = value.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    return rounded if rounded != 0 else decimal.Decimal(0).quantize(rounded)


def _timestamp_or_none(d: Any) -> pd.Timestamp | None:
    if d is None:
        return None
    try:
        if pd.isna(d):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(d, _dt.date | _dt.datetime | pd.Timestamp | str) or hasattr(d, "dtype"):
        ts = pd.Timestamp(d)
        return None if pd.isna(ts) else ts
    raise TypeError(f"cannot format {d!r} as a date")


def _with_digits(pattern: str, digits: int) -> str:
    """Put `digits` fraction digits into the integer part of a number pattern."""
    if digits < 0:
        raise ValueError(f"digits must be >= 0, got {digits}")
    fraction = "." + "0" * digits if digits else ""
    # the last "0" of the integer part is followed by the fraction, if any
    return re.sub(r"0(?:\.[0#]*)?(?=[^0#.,]*$)", "0" + fraction, pattern, count=1)


@lru_cache(maxsize=64)
def _percent_pattern(language: str, digits: int) -> str:
    return _with_digits(Locale.parse(language).percent_formats[None].pattern, digits)


@lru_cache(maxsize=64)
def _currency_pattern(language: str, currency: str, digits: int) -> str:
    # the "standard" pattern may carry an explicit negative part; keep only the positive
    positive = Locale.parse(language).currency_formats["standard"].pattern.split(";")[0]
    pattern = _with_digits(positive, digits)
    symbol = _bnumbers.get_currency_symbol(currency, language)
    # CLDR currencySpacing: a symbol ending (starting) in a letter is spaced from the digits
    if symbol[-1:].isalpha():
        pattern = re.sub(r"¤(?=[#0])", "¤" + NBSP, pattern)
    if symbol[:1].isalpha():
        pattern = re.sub(r"(?<=[#0])¤", NBSP + "¤", pattern)
    return pattern


def _space_letter_symbol(text: str, symbol: str) -> str:
    if symbol[-1:].isalpha():
        text = re.sub(re.escape(symbol) + r"(?=\d)", symbol + NBSP, text)
    if symbol[:1].isalpha():
        text = re.sub(r"(?<=[\dKMBT])" + re.escape(symbol), NBSP + symbol, text)
    return text
