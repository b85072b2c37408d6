"""Loyalty levels on the demo's cards (1C's additional field «Лояльность»), some deliberately wrong.

A card's declared level follows its behaviour as a manager would set it — steady buyers
«Высокая», declining, irregular and new ones «Средняя», churned and one-off ones «Низкая» —
on about 60 % of the cards (the rest leave the field empty, as in real bases). Then the
level is planted wrong on a few cards: «Высокая» on churned clients (max(5, 2 %) of the
cards) and «Низкая» on steady ones (max(2, 0.5 %)); `truth/loyalty.csv` lists them. The
numbers come from their own random stream (spawn key 15): the other tables are as they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LEVELS = ("Высокая", "Средняя", "Низкая")
_BY_BEHAVIOUR = {"steady": 0, "declining": 1, "irregular": 1, "new": 1, "churned": 2, "one_off": 2}
_FILLED_SHARE = 0.6


def plan_loyalty(rng: np.random.Generator, cust: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each card's level (index into LEVELS, -1: empty) and the planted wrong ones (row, declared, behaviour)."""
    n = len(cust)
    behaviour = cust["behaviour"].to_numpy()
    level = np.array([_BY_BEHAVIOUR.get(b, -1) for b in behaviour], dtype=np.int64)
    level[rng.random(n) >= _FILLED_SHARE] = -1
    wrong = []
    for kind, declared, count in (("churned", 0, max(5, round(0.02 * n))), ("steady", 2, max(2, round(0.005 * n)))):
        rows = np.flatnonzero(behaviour == kind)
        chosen = rng.choice(rows, size=min(count, len(rows)), replace=False) if len(rows) else rows
        level[chosen] = declared
        wrong += [(int(r), LEVELS[declared], kind) for r in sorted(chosen)]
    return level, pd.DataFrame(wrong, columns=["row", "declared", "behaviour"])
