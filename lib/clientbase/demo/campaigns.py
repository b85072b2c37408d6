"""Campaigns with target and control groups and the effect each has on its members' orders;
acquisition campaigns and the leads they bring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.demo.cards import _digits_text
from clientbase.demo.model import _Calendar
from clientbase.demo.orders import _docs_frame, _no_sundays, _year
from clientbase.demo.vocabulary import (
    _ACQUISITION_NAMES,
    _CAMPAIGNS,
    _EXTRA_ORDER_SIGMA,
    _RESPONSE_WINDOW_DAYS,
    _SOURCE_CAC,
    _SOURCE_WEIGHTS,
    _SOURCES,
)


def _campaign_effects(
    rng: np.random.Generator, cust: pd.DataFrame, cal: _Calendar, first_day: np.ndarray, last_day: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The campaigns with members: groups, contact dates and the extra orders they cause.

    Returns campaigns (one row per `_CAMPAIGNS` entry), members, extra documents and the
    customers reactivated by the reactivation campaign.
    """
    n = len(cust)
    b = cust["behaviour"].to_numpy()
    scale = cust["scale"].to_numpy()
    m_as_of = int(cal.months(np.array([cal.as_of_day]))[0])
    rows, members, extras, reactivated = [], [], [], []
    for c, spec in enumerate(_CAMPAIGNS):
        start = int(cal.month_first_day(np.array([m_as_of + spec.month]))[0])
        end = start + spec.days - 1
        attribution_end = end + _RESPONSE_WINDOW_DAYS
        if spec.pool == "churned":
            pool = np.flatnonzero((b == "churned") & (last_day >= 0) & (last_day <= start - 60))
            n_target = round(spec.target_share * len(pool))
            n_control = len(pool) - n_target
        else:
            kinds = ["steady", "irregular"] + (["declining"] if spec.pool == "active" else [])
            pool = np.flatnonzero(np.isin(b, kinds) & (first_day >= 0) & (first_day < start))
            n_target, n_control = round(spec.target_share * n), round(spec.control_share * n)
            if n_target + n_control > len(pool):
                fit = len(pool) / (n_target + n_control)
                n_target, n_control = int(n_target * fit), int(n_control * fit)
        order = rng.permutation(pool)
        target, control = order[:n_target], order[n_target:n_target + n_control]
        contact = start + rng.integers(0, spec.days, n_target + n_control)
        members.append(pd.DataFrame({
            "campaign": c, "owner": np.concatenate([target, control]),
            "group": np.repeat(["target", "control"], [n_target, n_control]), "day": contact,
        }))
        responders = round(spec.response_rate * n_target) if spec.response_rate > 0 else 0
        responders = max(responders, 1) if spec.response_rate > 0 and n_target > 0 else responders
        who = rng.choice(n_target, responders, replace=False)
        owner = target[who]
        day = _no_sundays(contact[who] + rng.integers(2, 26, responders), cal)
        amount = scale[owner] * spec.amount_factor * rng.lognormal(0.0, _EXTRA_ORDER_SIGMA, responders)
        keep = day <= cal.last_day
        extras.append(_docs_frame(owner[keep], day[keep], amount[keep], campaign=c))
        expected = 0.0
        if n_target:
            expected = (responders / n_target) * spec.amount_factor * float(np.exp(_EXTRA_ORDER_SIGMA**2 / 2)) * float(
                scale[target].mean())
        if spec.kind == "reactivation":
            reactivated.append(owner)
            # back to buying after the attribution window: these orders are not the campaign's
            later = rng.integers(0, 4, responders) * (attribution_end < cal.last_day)
            low = attribution_end + 1
            when = low + np.floor(rng.random(int(later.sum())) * (cal.last_day - low + 1)).astype(np.int64)
            when = _no_sundays(when, cal)
            follow = np.repeat(owner, later)[when > attribution_end]
            when = when[when > attribution_end]
            extras.append(_docs_frame(follow, when, scale[follow] * rng.lognormal(0.0, 0.35, len(follow))))
        rows.append({
            "cid": c, "name": spec.name.format(year=_year(cal.dates(np.array([start])))[0]),
            "kind": spec.kind, "channel": spec.channel, "start_day": start, "end_day": end,
            "attribution_end_day": attribution_end, "has_control": n_control > 0, "target_size": n_target,
            "control_size": n_control, "responders": responders, "effect": expected,
            "cost": round(spec.cost_per_member * n_target * rng.uniform(0.9, 1.1), -2),
        })
    campaigns = pd.DataFrame(rows)
    return (campaigns, pd.concat(members, ignore_index=True), pd.concat(extras, ignore_index=True),
            np.concatenate(reactivated))


def _acquisition_campaigns(
    rng: np.random.Generator, cust: pd.DataFrame, campaigns: pd.DataFrame, cal: _Calendar
) -> pd.DataFrame:
    """One acquisition campaign per source and calendar year, budget ≈ CAC × new customers.

    Then every campaign gets its 1C code in order of start.
    """
    alive = ~cust["is_deleted"].to_numpy()
    source, created = cust["source"].to_numpy(), cust["created_day"].to_numpy()
    rows = []
    for year in range(cal.start.year, cal.end.year + 1):
        start = max(0, int((np.datetime64(f"{year}-01-01") - cal.origin).astype(np.int64)))
        end = min(cal.last_day, int((np.datetime64(f"{year}-12-31") - cal.origin).astype(np.int64)))
        for s, name in enumerate(_ACQUISITION_NAMES):
            new = int((alive & (source == s) & (created >= start) & (created <= end)).sum())
            budget = max(5_000.0, round(new * _SOURCE_CAC[s] * float(rng.lognormal(0.0, 0.2)), -3))
            rows.append({
                "name": f"{name} {year}", "kind": "acquisition", "channel": _SOURCES[s], "start_day": start,
                "end_day": end, "attribution_end_day": end, "has_control": False, "target_size": 0,
                "control_size": 0, "responders": 0, "effect": np.nan, "cost": budget, "source": s, "year": year,
            })
    acq = pd.DataFrame(rows)
    acq["cid"] = len(campaigns) + np.arange(len(acq))
    out = pd.concat([campaigns.assign(source=-1, year=0), acq], ignore_index=True)
    out = out.sort_values(["start_day", "name"], kind="stable").reset_index(drop=True)
    out["code"] = "00-" + _digits_text(np.arange(1, len(out) + 1), 6).to_numpy()
    return out


def _leads(
    rng: np.random.Generator, cust: pd.DataFrame, docs: pd.DataFrame, campaigns: pd.DataFrame, cal: _Calendar
) -> pd.DataFrame:
    """Leads: most customers acquired inside the data came from one (converted), plus ~1.6
    unconverted leads per converted one; most carry their source's acquisition campaign."""
    alive = ~cust["is_deleted"].to_numpy()
    source = cust["source"].to_numpy()
    created = cust["created_day"].to_numpy()
    came = np.flatnonzero(alive & (source >= 0) & (created >= 0) & (rng.random(len(cust)) < 0.85))
    lead_day = np.maximum(0, created[came] - rng.integers(1, 31, len(came)))
    first = cust["first_day"].to_numpy()[came]
    converted = np.where(first >= 0, first, created[came])
    n_open = round(1.6 * len(came))
    open_source = rng.choice(len(_SOURCES), n_open, p=_SOURCE_WEIGHTS)
    open_day = rng.integers(0, cal.last_day + 1, n_open)
    frame = pd.DataFrame({
        "day": np.concatenate([lead_day, open_day]), "source": np.concatenate([source[came], open_source]),
        "owner": np.concatenate([came, np.full(n_open, -1)]),
        "converted_day": np.concatenate([converted, np.full(n_open, -1)]),
    })
    year = _year(cal.dates(frame["day"].to_numpy()))
    acq = campaigns[campaigns["kind"] == "acquisition"]
    code = pd.Series(acq["code"].to_numpy(), index=pd.MultiIndex.from_arrays([acq["source"], acq["year"]]))
    found = code.reindex(pd.MultiIndex.from_arrays([frame["source"], year])).to_numpy()
    frame["campaign_code"] = pd.Series(found, dtype="str").where(rng.random(len(frame)) < 0.9).to_numpy()
    frame = frame.iloc[np.lexsort((np.arange(len(frame)), frame["day"]))].reset_index(drop=True)
    frame["code"] = "00-" + _digits_text(np.arange(1, len(frame) + 1), 6).to_numpy()
    return frame
