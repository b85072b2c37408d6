"""How a KPI of the base reads, wherever it is shown (the KPIs report, the run's index page, the
reports index): its value, its change against another quarter with the direction that is
better, and a sparkline as inline SVG (no script, no network, prints as drawn).

The kinds and directions are `clientbase.kpis.options.KPI_KINDS`; the words are `common.yaml`'s.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from clientbase.formatting import MISSING, Formatter
from clientbase.kpis.options import KPI_KINDS
from clientbase.text import t


def value_text(fmt: Formatter, kpi: str, value: Any, *, compact: bool = False) -> str:
    """The value of a KPI as the reader sees it: counts whole, money to the unit (`compact`: from a
    million in short form, 1.2M), shares as %, days to 0.1."""
    kind, _ = KPI_KINDS[kpi]
    if _missing(value):
        return MISSING
    if kind == "money":
        return fmt.money_compact(value) if compact and abs(float(value)) >= 1e6 else fmt.money(value)
    if kind == "share":
        return fmt.percent(value, 1)
    if kind == "days":
        return fmt.number(value, 1)
    return fmt.number(value)


def change_text(fmt: Formatter, kpi: str, now: Any, before: Any) -> str:
    """The change of a KPI from `before` to `now`: a count by its difference (+12), money by its relative
    change (+4.2 %), a share in percentage points (+1.5 p.p.), days by their difference (+2.1); "—" when
    either is missing (or the relative change of a zero)."""
    kind, _ = KPI_KINDS[kpi]
    if _missing(now) or _missing(before):
        return MISSING
    if kind == "money":
        return fmt.signed_percent((now - before) / abs(before), 1) if before else MISSING
    if kind == "share":
        return t("percentage_points", fmt.language, value=fmt.signed_number((now - before) * 100, 1))
    if kind == "days":
        return fmt.signed_number(now - before, 1)
    return fmt.signed_number(now - before)


def change_class(kpi: str, now: Any, before: Any) -> str:
    """`good`, `bad` or `flat` (no change, no direction, or a figure missing): the change's colour."""
    _, better = KPI_KINDS[kpi]
    if _missing(now) or _missing(before) or better == 0 or now == before:
        return "flat"
    return "good" if (now - before) * better > 0 else "bad"


def sparkline(values: Sequence[Any], *, labels: Sequence[str] = (), width: int = 120, height: int = 32,
              title: str = "") -> str:
    """An inline SVG line of `values` (oldest first; a missing value breaks the line), the last point
    marked. `labels` (one per value, e.g. "Q3 2026: 3,606") go into the SVG's title for a hover and a
    screen reader. Returns "" when no value is present."""
    points = [(i, float(v)) for i, v in enumerate(values) if not _missing(v)]
    if not points:
        return ""
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    pad = 3.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        y = height - pad - (v - low) / span * (height - 2 * pad) if high > low else height / 2
        return pad + i * step, y

    runs, run, last_index = [], [], None
    for i, v in points:
        if last_index is not None and i != last_index + 1:
            runs.append(run)
            run = []
        run.append(xy(i, v))
        last_index = i
    runs.append(run)
    lines = "".join(
        f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in r)}" fill="none" stroke="currentColor" '
        'stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>' for r in runs if len(r) > 1)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="currentColor"/>' for r in runs if len(r) == 1
                   for x, y in r)
    x, y = xy(*points[-1])
    tooltip = "; ".join(labels)
    heading = f"{title}: " if title and tooltip else title
    return (f'<svg class="cb-spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{html.escape(title)}"><title>{html.escape(heading + tooltip)}</title>{lines}{dots}'
            f'<circle class="cb-spark-last" cx="{x:.1f}" cy="{y:.1f}" r="2.6"/></svg>')


def _missing(value: Any) -> bool:
    if value is None or value == "":
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True
