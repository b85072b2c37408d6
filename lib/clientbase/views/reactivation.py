"""Presentation of the reactivation report: summary text, charts and tables, in en and ru.

Source of the rules shown: REFERENCE.md "Reactivation" (computed in
`clientbase.reactivation`); words per GLOSSARY.md (реактивация, клиенты без заказов за N
дней, падение активности, упущенная выручка, список для обзвона, основной менеджер).
Every sentence is generated from the numbers, in the report language. Stakeholder tables
mask personal data when asked to; the managers' Excel lists
(`clientbase.views.reactivation_lists`) carry it in full.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from clientbase.formatting import Formatter
from clientbase.periods import Period, window_start
from clientbase.reactivation import (
    ACTIVITY_DROP,
    BASELINE_QUARTERS,
    MIN_DATES,
    NO_ORDERS,
    OVERDUE,
    REASON_SEPARATOR,
    ReactivationOptions,
    revenue_at_stake,
)
from clientbase.tables import Table, table
from clientbase.text import Words, fill, t, texts
from clientbase.views.common import Section, client_names, plain, section
from clientbase.views.reactivation_plots import (
    plot_rhythm,
    plot_stake_by_manager,
    plot_stake_by_reason,
    stake_bars,
    with_rhythm,
)
from clientbase.views.reactivation_words import NBSP, ReportWords, Settings, manager_label, plain_number, reason_label

__all__ = [
    "Settings",
    "appendix",
    "build_section",
    "build_table",
    "headlines",
    "settings_for",
    "plot_stake_by_manager",
    "plot_stake_by_reason",
    "plot_rhythm",
    "reading",
    "rhythm_section",
    "stake_section",
    "summary",

    "top_section",
    "top_table",
]

# managers named in the summary
_SUMMARY_MANAGERS = 5
# every word of this report: lib/clientbase/text/reactivation.yaml


def settings_for(options: ReactivationOptions, abc: pd.Series | None,
                 forecast: pd.DataFrame | None = None) -> Settings:
    """The Settings of a list built with `options`, the run's ABC classes `abc` (None: unknown)
    and its repeat-purchase forecast (None: none)."""
    values = options.model_dump(exclude={"abc_known", "forecast_known"})
    return Settings(**values, abc_known=abc is not None, forecast_known=forecast is not None)


# --- executive summary ------------------------------------------------------------------------


def summary(
    funnel: pd.DataFrame,
    candidates: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    fmt: Formatter,
    period: Period,
    settings: Settings,
    mask_pii: bool = True,
) -> Markdown:
    """The executive summary: how many clients are slipping away, what it costs, class A, managers.

    Parameters
    ----------
    funnel, candidates
        `reactivation.reactivation_funnel` and `reactivation.rank_candidates` of the run:
        every number of the summary is read from them.
    customers
        The customers table, for the name of the first call (masked when `mask_pii`).
    """
    lang = fmt.language
    tx = Words("reactivation", lang)
    words = ReportWords(fmt, settings, period)
    step = funnel.set_index("step")
    listed, scope = step.loc["listed"], step.loc["scope"]
    if not listed["customers"]:
        return Markdown("- " + tx("nobody", scope=int(scope["customers"]), lookback=words.lookback,
                                  quarter=words.quarter))
    parts = [
        tx("slipping",
            n=int(listed["customers"]), scope=int(scope["customers"]), lookback=words.lookback,
            share=fmt.percent(listed["share"]), days=words.days(settings.no_order_days),
            no_orders=int(step.loc[NO_ORDERS, "customers"]), overdue=int(step.loc[OVERDUE, "customers"]),
            multiplier=words.times, drop=int(step.loc[ACTIVITY_DROP, "customers"]), percent=words.percent,
            quarter=words.quarter,
        ),
        tx("lost",
            lost=fmt.money(listed["lost_revenue"]), quarter=words.quarter, quarter_genitive=words.quarter_genitive,
            share=fmt.percent(listed["lost_share_of_baseline"]), lookback=words.lookback,
        ),
    ]
    if settings.abc_known:
        class_a = step.loc["class_a"]
        parts.append(tx("class_a",
            a=int(class_a["customers"]), a_share=fmt.percent(class_a["share_of_listed"]),
            a_lost=fmt.percent(class_a["lost_share_of_listed"]), urgent=int(step.loc["urgent", "customers"]),
            urgent_days=words.days(settings.urgent_days),
        ))
    else:
        parts.append(tx["class_unknown"])
    if settings.forecast_known:
        lost = candidates["probably_lost"].fillna(False).astype(bool)
        key = "probably_lost" if lost.any() else "none_probably_lost"
        parts.append(tx(key, n=int(lost.sum()), threshold=fmt.percent(settings.p_alive_lost, 0),
                        lost=fmt.money(candidates.loc[lost, "lost_revenue"].sum()),
                        ranked=tx(f"ranked_by.{settings.priority_by}")))
    parts.append(_managers_sentence(candidates, fmt))
    first = candidates.iloc[[0]]
    first = first.merge(client_names(customers, first["customer_id"], mask_pii=mask_pii), on="customer_id",
                        how="left")
    parts.append(tx("first_call",
        client=plain(_or_dash(first["client"].iloc[0])), manager=plain(manager_label(first["manager"].iloc[0], lang)),
        lost=fmt.money(first["lost_revenue"].iloc[0]),
    ))
    return Markdown("\n".join(f"- {p}" for p in parts))


def _managers_sentence(candidates: pd.DataFrame, fmt: Formatter) -> str:
    lang = fmt.language
    tx = Words("reactivation", lang)
    by_manager = revenue_at_stake(candidates).by_manager
    unassigned = by_manager[by_manager["manager"].isna()]
    named = by_manager[by_manager["manager"].notna()]
    shown, rest = named.iloc[:_SUMMARY_MANAGERS], named.iloc[_SUMMARY_MANAGERS:]
    items = [
        tx("manager_item", manager=plain(m), customers=_clients(int(c), lang), lost=fmt.money(v))
        for m, c, v in zip(shown["manager"], shown["customers"], shown["lost_revenue"], strict=True)
    ]
    if len(rest):
        items.append(tx("managers_more",
            n=fmt.number(len(rest)), customers=_clients(int(rest["customers"].sum()), lang)
        ))
    sentence = tx("managers", items="; ".join(items)) if items else ""
    if len(unassigned):
        note = tx("unassigned_note", customers=_clients(int(unassigned["customers"].iloc[0]), lang))
        sentence = f"{sentence} {note}".strip()
    return sentence


# --- charts -----------------------------------------------------------------------------------


def reading(
    section: str,
    *,
    fmt: Formatter,
    settings: Settings,
    scope: pd.DataFrame | None = None,
    mask_pii: bool = True,
) -> Markdown:
    """How to read a section ("stake", "rhythm", "top", "build"), with its numbers filled in.

    "rhythm" needs `scope` (it counts the clients the chart cannot place); "top" says
    whether names are masked.
    """
    lang = fmt.language
    tx = Words("reactivation", lang)
    words = ReportWords(fmt, settings, None)
    if section == "stake":
        return Markdown(tx["read_stake"])
    if section == "rhythm":
        if scope is None:
            raise ValueError("reading('rhythm') needs the scope frame")
        unknown = int(scope["expected_interval_days"].isna().sum())
        if unknown:
            sentence = tx("rhythm_unknown", n=_clients(unknown, lang), min_dates=MIN_DATES)
        else:
            sentence = tx("rhythm_all_known", min_dates=MIN_DATES)
        return Markdown(tx("read_rhythm",
            lookback=words.lookback, multiplier=words.times, days=words.days(settings.no_order_days),
            unknown_sentence=sentence,
        ))
    if section == "top":
        return Markdown(tx("read_top", n=fmt.number(settings.top_n))
                        + (tx["read_top_masked"] if mask_pii else ""))
    if section == "build":
        return Markdown(tx("read_build", lookback=words.lookback))
    raise ValueError(f"no reading for section {section!r}: expected stake, rhythm, top or build")


# --- tables -----------------------------------------------------------------------------------


def top_table(
    candidates: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    fmt: Formatter,
    period: Period,
    settings: Settings,
    mask_pii: bool = True,
) -> Table:
    """The first `settings.top_n` rows of the list for the report, personal data masked.

    Client names of individuals and sole traders are masked by `masking.mask_frame` when
    `mask_pii`; managers are "Фамилия И. О."; reasons are short words; the ABC class reads
    "unknown" when no classes were available, "—" for a client without one. The columns
    are the pairs a reader compares (days without orders against the usual interval, the
    average quarter against the lost revenue) so that an A4 page holds them without
    wrapping; dates and this quarter's revenue are in the call lists and candidates.csv.
    """
    lang = fmt.language
    tx = Words("reactivation", lang)
    words = ReportWords(fmt, settings, period)
    rows = candidates.iloc[: settings.top_n]
    rows = rows.merge(client_names(customers, rows["customer_id"], mask_pii=mask_pii), on="customer_id", how="left")
    shown = pd.DataFrame({
        "priority": rows["priority"].astype("int64"),
        "client": rows["client"].astype("str"),
        "manager": pd.Series([manager_label(m, lang, short=True) for m in rows["manager"]], dtype="str"),
        "abc": rows["abc"].astype("str") if settings.abc_known else pd.Series(tx["unknown"], index=rows.index,
                                                                                dtype="str"),
        "days_since_last_order": rows["days_since_last_order"],
        "expected_interval_days": rows["expected_interval_days"],
        "baseline_revenue": rows["baseline_revenue"],
        "lost_revenue": rows["lost_revenue"],
        "reason": pd.Series([_reasons_short(r, words) for r in rows["reason"]], dtype="str"),
        "urgent": pd.Series([t("yes", lang) if u else "" for u in rows["urgent"]], dtype="str"),
    })
    if settings.forecast_known:  # P(alive) from the run's forecast; "probably lost" said in the column
        shown["p_alive"] = rows["p_alive"].to_numpy(dtype=float)
    labels = tx["col"]
    return table(
        shown, fmt=fmt, max_rows=None, interactive=True,
        labels={c: labels[c] for c in shown.columns},
        kinds={
            "priority": "number", "days_since_last_order": "number", "expected_interval_days": "number",
            "baseline_revenue": "money", "lost_revenue": "money", "p_alive": "percent:0",
        },
    )


def build_table(funnel: pd.DataFrame, *, fmt: Formatter, period: Period, settings: Settings) -> Table:
    """How the list was built (`reactivation.reactivation_funnel`), each step in words."""
    lang = fmt.language
    steps = texts("reactivation", lang)["build"]
    words = ReportWords(fmt, settings, period)
    values = {
        "scope": {"lookback": words.lookback, "as_of": fmt.date(period.as_of)},
        "no_orders": {"days": words.days(settings.no_order_days)},
        OVERDUE: {"multiplier": words.times},
        ACTIVITY_DROP: {"percent": words.percent, "quarter": words.quarter},
        "urgent": {"urgent_days": words.days(settings.urgent_days)},
    }
    keys = funnel["step"].replace({NO_ORDERS: "no_orders"})
    worded = pd.Series([fill(steps[k], lang, **values.get(k, {})) for k in keys], dtype="str")
    frame = funnel[["step", "customers", "share", "lost_revenue"]].assign(step=worded)
    labels = texts("reactivation", lang)["col"]
    return table(
        frame, fmt=fmt, max_rows=None, labels={c: labels[c] for c in frame.columns},
        kinds={"customers": "number", "share": "percent", "lost_revenue": "money"},
    )


def headlines(candidates: pd.DataFrame, *, fmt: Formatter, settings: Settings) -> list[tuple[str, str]]:
    """The run index's headline numbers: clients slipping away, lost revenue, urgent calls."""
    tx = Words("reactivation", fmt.language)
    urgent = fmt.number(int(candidates["urgent"].sum())) if settings.abc_known else "—"
    return [(tx["headline_customers"], fmt.number(len(candidates))),
            (tx["headline_lost"], fmt.money(candidates["lost_revenue"].sum())),
            (tx["headline_urgent"], urgent)]


# --- sections: one call per notebook cell ---------------------------------------------------------


def stake_section(candidates: pd.DataFrame, *, fmt: Formatter, settings: Settings) -> Section:
    """Revenue at stake by reason (left) and by manager (right): heading, how to read it, the chart."""
    import matplotlib.pyplot as plt

    tx = Words("reactivation", fmt.language)
    if candidates.empty:
        return section(tx["section_stake"], t("no_rows", fmt.language))
    # one line per manager and a low figure: it shares the first page with the summary
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, max(3.0, 0.28 * stake_bars(candidates) + 0.9)),
                                      gridspec_kw={"width_ratios": [1, 1.15]})
    plot_stake_by_reason(candidates, fmt=fmt, settings=settings, ax=left)
    plot_stake_by_manager(candidates, fmt=fmt, ax=right)
    fig.suptitle(tx["chart_title"], x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return section(tx["section_stake"], reading("stake", fmt=fmt, settings=settings), fig)


def rhythm_section(scope: pd.DataFrame, *, fmt: Formatter, settings: Settings) -> Section:
    """Days since the last order against each client's rhythm."""
    tx = Words("reactivation", fmt.language)
    if with_rhythm(scope).empty:
        return section(tx["section_rhythm"], t("no_rows", fmt.language))
    return section(tx["section_rhythm"], reading("rhythm", fmt=fmt, settings=settings, scope=scope),
                   plot_rhythm(scope, fmt=fmt, settings=settings))


def top_section(candidates: pd.DataFrame, customers: pd.DataFrame, *, fmt: Formatter, period: Period,
                settings: Settings, mask_pii: bool = True) -> Section:
    """The top of the call list (names masked when `mask_pii`)."""
    tx = Words("reactivation", fmt.language)
    return section(tx["section_top"], reading("top", fmt=fmt, settings=settings, mask_pii=mask_pii),
                   top_table(candidates, customers, fmt=fmt, period=period, settings=settings, mask_pii=mask_pii))


def build_section(funnel: pd.DataFrame, *, fmt: Formatter, period: Period, settings: Settings) -> Section:
    """How the list was built, step by step."""
    tx = Words("reactivation", fmt.language)
    return section(tx["section_build"], reading("build", fmt=fmt, settings=settings),
                   build_table(funnel, fmt=fmt, period=period, settings=settings))


# --- appendix ---------------------------------------------------------------------------------


def appendix(
    scope: pd.DataFrame, candidates: pd.DataFrame, *, fmt: Formatter, period: Period, settings: Settings,
    version: str,
) -> Markdown:
    """Definitions (REFERENCE.md "Reactivation"), parameters used, data period, version."""
    lang = fmt.language
    tx = Words("reactivation", lang)
    words = ReportWords(fmt, settings, period)
    as_of = period.as_of
    baseline_start = period.start - pd.DateOffset(months=3 * BASELINE_QUARTERS)
    values = {
        "lookback": settings.lookback_months,
        "lookback_start": fmt.date(window_start(as_of, settings.lookback_months)),
        "as_of": fmt.date(as_of),
        "min_dates": MIN_DATES,
        "quarter": words.quarter,
        "quarter_genitive": words.quarter_genitive,
        "quarter_start": fmt.date(period.start),
        "baseline_start": fmt.date(baseline_start),
        "baseline_end": fmt.date(period.start - pd.Timedelta(days=1)),
        "days_plain": settings.no_order_days,
        "days": words.days(settings.no_order_days),
        "multiplier": plain_number(settings.rhythm_multiplier, lang),
        "multiplier_plain": plain_number(settings.rhythm_multiplier, lang),
        "percent": words.percent,
        "urgent_days": words.days(settings.urgent_days),
    }
    lines = [f"### {t('definitions', lang)}", ""]
    lines += [f"- {d}" for d in tx("definitions", **values)]
    lines.append(f"- {tx('abc_known' if settings.abc_known else 'abc_unknown', as_of=fmt.date(as_of))}")
    lines += ["", f"### {t('parameters', lang)}", ""]
    names = tx["parameters"]
    shown = {
        "lookback_months": fmt.number(settings.lookback_months),
        "no_order_days": fmt.number(settings.no_order_days),
        "rhythm_multiplier": plain_number(settings.rhythm_multiplier, lang),
        "drop_threshold": fmt.percent(settings.drop_threshold, digits=0),
        "urgent_days": fmt.number(settings.urgent_days),
        "top_n": fmt.number(settings.top_n),
    }
    lines += [f"- `{key}` = {value} — {names[key]}" for key, value in shown.items()]
    lines += ["", f"### {t('data_period', lang)}", ""]
    lines.append(tx("data_period",
        quarter=words.quarter_short, quarter_start=fmt.date(period.start), as_of=fmt.date(as_of),
        scope=fmt.number(len(scope)), listed=fmt.number(len(candidates)),
    ))
    lines += ["", f"### {t('package_version', lang)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- helpers ----------------------------------------------------------------------------------


def _reasons_short(codes: object, words: ReportWords) -> str:
    if codes is None or pd.isna(codes):
        return ""
    # no-break spaces inside a reason: a narrow column wraps between reasons, not within one
    return ", ".join(
        reason_label(c, words, short=True).replace(" ", NBSP) for c in str(codes).split(REASON_SEPARATOR) if c
    )


def _clients(n: int, language: str) -> str:
    """"1 client" / "5 clients" (the English of these reports says client, as 1C's клиент)."""
    return t("n_clients", language, n=n)


def _or_dash(value: object) -> str:
    return "—" if value is None or pd.isna(value) else str(value)
