"""The receivables analysis finds what the demo generator planted, to the kopeck.

The demo writes invoices and payments as 1C lists them (documents by their presentation,
payments naming their invoice or not, advances, credit notes, refunds) with the truth at
as_of beside them: each customer's invoiced minus received money is its outstanding when
positive and its advance when negative, and a few chronic late payers are over their credit
limit. Read through the 1C format and allocated, every customer must come out exactly so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clientbase as cb
from clientbase import receivables
from clientbase.demo import generate_demo

PROFILE = "data:\n  path: demo\n  format: 1c\nperiod: latest\nlanguage: en\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("receivables-demo")
    generated = generate_demo(root / "demo", customers=400, years=3, seed=11)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTBASE_CACHE", str(root / "cache"))
        wb = cb.setup(root / "profile.yaml", period="latest", quiet=True)
        allocation = receivables.allocate(wb.table("invoices"), wb.table("payments"), wb.customers, as_of=wb.as_of)
        aging = receivables.aging(allocation, wb.customers).set_index("customer_id")
        discipline = receivables.payment_discipline(allocation).set_index("customer_id")
        problems = wb.problems
    truth = pd.read_csv(generated.truth / "receivables.csv", dtype={"customer_id": "str", "payer": "str"})
    return {"aging": aging, "truth": truth.set_index("customer_id"), "problems": problems,
            "discipline": discipline, "as_of": wb.as_of}


def test_every_customer_owes_or_has_paid_in_advance_exactly_as_planted(demo):
    truth, aging = demo["truth"], demo["aging"]
    owing = truth[(truth["outstanding"] > 0) | (truth["advance"] > 0)]
    assert len(owing) > 50  # the demo plants debts and advances
    assert set(aging.index) == set(owing.index)
    found = aging.loc[owing.index]
    assert np.allclose(found["outstanding"], owing["outstanding"], atol=0.005, rtol=0)
    assert np.allclose(found["advance"], owing["advance"], atol=0.005, rtol=0)


def test_the_planted_credit_limit_breaches_are_found_and_nothing_else(demo):
    truth, aging = demo["truth"], demo["aging"]
    planted = set(truth.index[truth["over_limit"]])
    assert planted  # a few chronic late payers
    assert set(aging.index[aging["limit_breached"]]) == planted


def test_chronic_late_payers_pay_late_and_the_punctual_pay_on_time(demo):
    truth, discipline = demo["truth"], demo["discipline"]
    share = discipline["on_time_share"]
    chronic = share.reindex(truth.index[truth["payer"] == "chronic"]).dropna()
    punctual = share.reindex(truth.index[truth["payer"] == "on_time"]).dropna()
    assert len(chronic) >= 5 and len(punctual) >= 50
    assert chronic.max() < 0.2 and punctual.median() == 1.0


def test_the_export_reads_without_errors_and_the_links_hold(demo):
    messages = demo["problems"].loc[demo["problems"]["file"].isin(["dokumenty_raschetov.csv", "postupleniya.csv"]),
                                    "message"]
    assert not messages.str.contains("not in the invoices file").any()
