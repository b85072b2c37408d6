"""The deal funnel learns the win probabilities the demo generator planted.

The demo runs each deal through a six-stage funnel whose chance to move on depends on the
stage, the manager and the source, and writes the exact probability that a deal that reached
a stage is won (mixed over managers and sources as the deals are drawn) beside the export.
Read through the 1C format (deal presentations, Russian statuses, stage history with skipped
entries and steps back), the probabilities learned from the closed deals must agree with it
within sampling error: three binomial standard errors of the closed deals the stage learned
from, plus 0.03 for the deals still open at the end of the lookback (their quick losses are
already closed, their slower wins not yet).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clientbase as cb
from clientbase import deal_funnel
from clientbase.demo import generate_demo
from clientbase.demo.deals import STAGES

PROFILE = ("data:\n  path: demo\n  format: 1c\nperiod: latest\nlanguage: en\n"
           f"deal_funnel:\n  stages: [{', '.join(STAGES)}]\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("deal-funnel-demo")
    generated = generate_demo(root / "demo", customers=2500, years=3, seed=5)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTBASE_CACHE", str(root / "cache"))
        wb = cb.setup(root / "profile.yaml", period="latest", quiet=True)
        options = wb.options("deal_funnel", stages=list(STAGES))
        deals, history = wb.table("deals"), wb.table("deal_stages")
        result = deal_funnel.deal_funnel_report(deals, history, as_of=wb.as_of, options=options)
        problems = wb.problems
    truth = pd.read_csv(generated.truth / "deal_stages.csv")
    return {"result": result, "truth": truth, "deals": deals, "history": history, "problems": problems}


def test_the_export_reads_without_problems(demo):
    assert not (demo["problems"]["table"].isin(["deals", "deal_stages"])).any()
    assert len(demo["deals"]) == 1000  # 0.4 deals per card
    assert set(demo["deals"]["status"]) == {"open", "won", "lost"}


def test_learned_probabilities_agree_with_the_planted_ones(demo):
    stages = demo["result"].stages.set_index("stage")
    truth = demo["truth"].set_index("stage")["true_win_probability"]
    for stage in STAGES:
        n = stages.loc[stage, "closed_reached"]
        assert n >= 10, stage  # every stage has enough closed deals of its own
        p, learned = truth[stage], stages.loc[stage, "win_probability"]
        tolerance = 3 * np.sqrt(p * (1 - p) / n) + 0.03
        assert abs(learned - p) <= tolerance, (stage, learned, p, n)


def test_the_history_shows_skipped_stages_and_steps_back(demo):
    history = demo["history"].merge(demo["deals"][["deal_id", "status"]], on="deal_id")
    order = {s: i for i, s in enumerate(STAGES)}
    numbers = history.assign(k=history["stage"].map(order)).groupby("deal_id")["k"]
    stepped_back = numbers.apply(lambda k: bool((np.diff(k.to_numpy()) < 0).any()))
    skipped = numbers.apply(lambda k: bool((np.diff(np.sort(k.unique())) > 1).any()))
    assert stepped_back.sum() >= 10 and skipped.sum() >= 10
    assert demo["result"].pipeline.deals >= 10  # deals open at as_of, forecast


def test_managers_differ_as_planted(demo):
    managers = demo["result"].by_manager
    assert managers["win_rate"].max() - managers["win_rate"].min() > 0.1
