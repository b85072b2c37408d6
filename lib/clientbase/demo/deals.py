"""Deals in the demo data: 1C's «Сделки с клиентами» with their stage history, and the truth.

About one deal per 2.5 customer cards over the years, each created on a random day and run
through a six-stage funnel (`STAGES`). At each stage a deal either moves on, with the chance
of that stage (`_ADVANCE`) times its manager's and its source's skill, or is lost there with
a reason typical of the stage; a deal that passes the last stage is won. Each stage lasts a
lognormal number of days around its typical length. The history (`deal_stages`) records the
entries as 1C does, with its irregularities: about 10 % of moves skip a stage's entry (the
deal still went through it), and about 8 % of deals step back to the previous stage for a
while. Deals still running at the end of the data are open, at the stage they last entered;
deals closed after as_of are closed in the export, so a snapshot at as_of must see them open.
Four in five deals belong to a customer card (named in «Контрагент»), the rest to prospects.

The truth (`truth/deals.csv`): per stage, the exact probability that a deal that reached it
is won, mixed over managers and sources as the deals are (no sampling); per manager, the
true win probability of a new deal. The demo and CI profiles carry `STAGES` as the funnel's
order.

The numbers come from their own random stream (spawn key 14), so the other tables are as
they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.demo.model import _Calendar

STAGES = ("Первичный контакт", "Квалификация", "Выявление потребностей", "Коммерческое предложение",
          "Переговоры", "Договор")
# the chance to move on from each stage (from the last: to be won), before skills
_ADVANCE = np.array([0.70, 0.75, 0.80, 0.65, 0.70, 0.85])
_STAGE_DAYS = np.array([3.0, 6.0, 9.0, 12.0, 10.0, 6.0])  # typical days in each stage
_REASONS = ("Пропал контакт", "Нет бюджета", "Дорого", "Выбрали конкурента", "Не устроили сроки")
# reasons by stage: early losses are lost contacts and budgets, late ones price and competitors
_REASON_WEIGHTS = np.array([
    [0.55, 0.25, 0.10, 0.05, 0.05],
    [0.40, 0.30, 0.15, 0.10, 0.05],
    [0.25, 0.25, 0.25, 0.15, 0.10],
    [0.10, 0.15, 0.40, 0.25, 0.10],
    [0.05, 0.10, 0.35, 0.35, 0.15],
    [0.05, 0.05, 0.30, 0.40, 0.20],
])
DEAL_SOURCES = ("Сайт", "Входящий звонок", "Рекомендация", "Выставка", "Холодный звонок")
_SOURCE_WEIGHTS = np.array([0.35, 0.20, 0.15, 0.10, 0.20])
_SOURCE_SKILL = np.array([1.0, 1.05, 1.12, 0.95, 0.85])
_MANAGER_SKILL = np.array([1.12, 1.0, 0.95, 1.06, 0.88, 1.0, 0.92, 1.08])
_SKIP_SHARE = 0.10  # moves whose next stage has no history entry
_STEP_BACK_SHARE = 0.08  # deals that go back to the previous stage once
_PROSPECT_SHARE = 0.2  # deals of no customer card
DEALS_PER_CUSTOMER = 0.4


def plan_deals(rng: np.random.Generator, cust: pd.DataFrame, cal: _Calendar, managers: int) -> dict[str, pd.DataFrame]:
    """Deals, their stage history and the truth.

    Returns
    -------
    dict with
        `deals`: number, created, amount, stage (index of the last stage entered by the end),
        status (open / won / lost), closed (day, -1: open), reason (index, -1: none), manager,
        source, owner (customer row, -1: a prospect);
        `history`: deal (row of `deals`), stage, day, in the order they happened;
        `truth`: per stage: stage, true_win_probability; per manager: manager, true_win_rate.
    """
    n = max(60, round(DEALS_PER_CUSTOMER * len(cust)))
    created = np.sort(rng.integers(0, cal.last_day + 1, n))
    manager = rng.integers(0, managers, n)
    source = rng.choice(len(DEAL_SOURCES), n, p=_SOURCE_WEIGHTS)
    skill = _skill(manager, source)
    owner = np.where(rng.random(n) < _PROSPECT_SHARE, -1, rng.integers(0, len(cust), n))
    scale = np.where(owner >= 0, cust["scale"].to_numpy()[np.maximum(owner, 0)], 40_000.0)
    amount = np.round(np.maximum(5_000.0, scale * 4 * rng.lognormal(0.0, 0.6, n)), -2)
    # the latent path: how far each deal goes (k = stages passed) and how long each stage lasts
    passes = rng.random((n, len(STAGES))) < np.minimum(0.97, _ADVANCE * skill[:, None])
    passed = np.where(passes.all(axis=1), len(STAGES), np.argmin(passes, axis=1))
    days = np.maximum(1, np.round(_STAGE_DAYS * rng.lognormal(0.0, 0.5, (n, len(STAGES))))).astype(np.int64)
    enter = created[:, None] + np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(days, axis=1)], axis=1)
    last = np.minimum(passed, len(STAGES) - 1)  # the stage where the deal ends (lost there, or won after it)
    end_day = enter[np.arange(n), last + 1]
    won = passed == len(STAGES)
    closed_by_end = end_day <= cal.last_day
    status = np.where(~closed_by_end, "open", np.where(won, "won", "lost"))
    closed = np.where(closed_by_end, end_day, -1)
    reasons = np.zeros(n, dtype=np.int64)
    for s in range(len(STAGES)):
        rows = last == s
        reasons[rows] = rng.choice(len(_REASONS), rows.sum(), p=_REASON_WEIGHTS[s])
    reason = np.where(status == "lost", reasons, -1)
    history, stage_now = _history(rng, enter, last, cal.last_day)
    deals = pd.DataFrame({
        "number": np.arange(1, n + 1), "created": created, "amount": amount, "stage": stage_now,
        "status": pd.Series(status, dtype="str"), "closed": closed, "reason": reason, "manager": manager,
        "source": source, "owner": owner,
    })
    return {"deals": deals, "history": history, "truth": _truth(managers)}


def _skill(manager: np.ndarray, source: np.ndarray) -> np.ndarray:
    return _MANAGER_SKILL[manager % len(_MANAGER_SKILL)] * _SOURCE_SKILL[source]


def _history(rng: np.random.Generator, enter: np.ndarray, last: np.ndarray, last_day: int
             ) -> tuple[pd.DataFrame, np.ndarray]:
    """The recorded entries: skipped stages left out, a step back for some; the stage at the end."""
    n = len(last)
    deal = np.repeat(np.arange(n), last + 1)
    stage = np.arange(len(deal)) - np.repeat(np.cumsum(last + 1) - (last + 1), last + 1)
    day = enter[deal, stage]
    skipped = (stage > 0) & (stage < last[deal]) & (rng.random(len(stage)) < _SKIP_SHARE)
    entries = pd.DataFrame({"deal": deal, "stage": stage, "day": day}).loc[~skipped]
    # a step back: from a stage k >= 2 to k - 1 a few days after entering k, then on to k again
    back = (last >= 2) & (rng.random(n) < _STEP_BACK_SHARE)
    rows = np.flatnonzero(back)
    at = rng.integers(2, last[rows] + 1).astype(np.int64)
    stay = enter[rows, at + 1] - enter[rows, at]
    went_back = enter[rows, at] + np.maximum(1, stay // 3)
    came_again = enter[rows, at] + np.maximum(2, 2 * stay // 3)
    extra = pd.DataFrame({
        "deal": np.concatenate([rows, rows]), "stage": np.concatenate([at - 1, at]),
        "day": np.concatenate([went_back, np.maximum(came_again, went_back + 1)]),
    })
    entries = pd.concat([entries, extra], ignore_index=True)
    entries = entries.loc[entries["day"] <= last_day]
    entries = entries.sort_values(["deal", "day", "stage"], kind="stable").reset_index(drop=True)
    stage_now = entries.groupby("deal")["stage"].last().reindex(range(n)).fillna(0).to_numpy(dtype=np.int64)
    return entries, stage_now


def _truth(managers: int) -> dict[str, pd.DataFrame]:
    """P(won | reached stage s), mixed exactly over managers and sources as the deals are drawn."""
    weights, probabilities = [], []
    for m in range(managers):
        for s, share in enumerate(_SOURCE_WEIGHTS):
            q = np.minimum(0.97, _ADVANCE * _skill(np.array([m]), np.array([s]))[0])
            reach = np.concatenate([[1.0], np.cumprod(q)[:-1]])  # P(reach stage k)
            win_from = np.cumprod(q[::-1])[::-1]  # P(won | at stage k)
            weights.append(share / managers * reach)
            probabilities.append(win_from)
    w, p = np.array(weights), np.array(probabilities)
    by_stage = (w * p).sum(axis=0) / w.sum(axis=0)
    per_manager = []
    for m in range(managers):
        q = np.minimum(0.97, _ADVANCE[None, :] * _skill(np.full(len(DEAL_SOURCES), m),
                                                         np.arange(len(DEAL_SOURCES)))[:, None])
        per_manager.append(float((_SOURCE_WEIGHTS * np.prod(q, axis=1)).sum()))
    return {
        "stages": pd.DataFrame({"stage": list(STAGES), "true_win_probability": np.round(by_stage, 6)}),
        "managers": pd.DataFrame({"manager": np.arange(managers), "true_win_rate": np.round(per_manager, 6)}),
    }


__all__ = ["DEAL_SOURCES", "STAGES", "plan_deals"]
