"""The calendar of the demo data and the world it generates: customers with their types,
behaviours and attributes, then their cards, orders, campaigns and leads, in one pass.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from clientbase.demo.campaigns import _acquisition_campaigns, _campaign_effects, _leads
from clientbase.demo.cards import _contact_details, _contact_people, _identities, _only_contacts_reachable
from clientbase.demo.deals import plan_deals
from clientbase.demo.loyalty import plan_loyalty
from clientbase.demo.model import _Calendar, _World
from clientbase.demo.orders import _created_and_codes, _finish_documents, _regular_documents
from clientbase.demo.planted import _plant
from clientbase.demo.receivables import plan_receivables
from clientbase.demo.truth import _verified_truth
from clientbase.demo.vocabulary import (
    _BEHAVIOUR_SHARES,
    _CARELESSNESS,
    _CATEGORIES,
    _CATEGORY_BY_TYPE,
    _CATEGORY_SCALE,
    _EMPTY_FIELD_RATE,
    _MANAGER_WEIGHTS,
    _MANAGERS,
    _MEDIAN_DOCUMENT,
    _NO_MANAGER_SHARE,
    _PERSON,
    _REGION_WEIGHTS,
    _REGIONS,
    _SOURCE_WEIGHTS,
    _SOURCES,
    _TYPE_SCALE,
    _TYPE_SHARES,
)


def _build_world(n: int, seed: int, cal: _Calendar, say: Callable[[str], None]) -> _World:
    streams = np.random.SeedSequence(seed).spawn(8)
    rng = {name: np.random.default_rng(s) for name, s in zip(
        ("attributes", "names", "contacts", "plants", "orders", "campaigns", "leads", "spare"), streams,
        strict=True)}
    say("customers")
    cust = _attributes(rng["attributes"], n)
    cust = _identities(rng["names"], cust)
    contacts = _contact_people(rng["contacts"], cust)
    cust, contacts = _contact_details(rng["contacts"], cust, contacts)
    cust, planted = _plant(rng["plants"], cust)
    contacts = _only_contacts_reachable(rng["contacts"], cust, contacts, planted["used"])
    say("orders")
    docs, first_day, last_day = _regular_documents(rng["orders"], cust, cal)
    campaigns, members, extra, reactivated = _campaign_effects(rng["campaigns"], cust, cal, first_day, last_day)
    cust.loc[reactivated, "behaviour"] = "reactivated"
    docs = _finish_documents(rng["orders"], cust, pd.concat([docs, extra], ignore_index=True), cal)
    cust = _created_and_codes(rng["leads"], cust, docs, cal, planted)
    campaigns = _acquisition_campaigns(rng["campaigns"], cust, campaigns, cal)
    leads = _leads(rng["leads"], cust, docs, campaigns, cal)
    say("checking the planted problems")
    truth = _verified_truth(cust, contacts, planted)
    say("invoices and payments")
    settlements = plan_receivables(rng["spare"], cust, docs, cal)
    say("deals")
    deals = plan_deals(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(14,))), cust, cal, len(_MANAGERS))
    level, wrong = plan_loyalty(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(15,))), cust)
    cust = cust.assign(loyalty=level)
    truth = {**truth, "loyalty": wrong.assign(customer_id=cust["code"].to_numpy()[wrong["row"].to_numpy()])[
        ["customer_id", "declared", "behaviour"]]}
    return _World(cal, cust, contacts, docs, campaigns, members, leads, truth, settlements, deals)


def _exact_counts(rng: np.random.Generator, n: int, shares: tuple[float, ...]) -> np.ndarray:
    """A random arrangement of category numbers with exactly round(share × n) of each."""
    counts = np.floor(np.asarray(shares) * n).astype(np.int64)
    counts[np.argmax(shares)] += n - counts.sum()
    return rng.permutation(np.repeat(np.arange(len(shares)), counts))


def _attributes(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Behaviour, type, manager, source, category, region, usual document and gaps."""
    names = tuple(_BEHAVIOUR_SHARES)
    behaviour = np.array(names)[_exact_counts(rng, n, tuple(_BEHAVIOUR_SHARES.values()))]
    ctype = _exact_counts(rng, n, _TYPE_SHARES)
    manager = rng.choice(len(_MANAGERS), n, p=_MANAGER_WEIGHTS)
    manager[rng.random(n) < _NO_MANAGER_SHARE] = -1
    careless = np.asarray(_CARELESSNESS)[manager]  # -1 picks the last entry: no manager
    source = rng.choice(len(_SOURCES), n, p=_SOURCE_WEIGHTS)
    source[rng.random(n) < _EMPTY_FIELD_RATE * careless] = -1
    category = np.empty(n, dtype=np.int64)
    for t in range(3):
        rows = ctype == t
        category[rows] = rng.choice(len(_CATEGORIES), rows.sum(), p=_CATEGORY_BY_TYPE[t])
    category[rng.random(n) < _EMPTY_FIELD_RATE * careless] = -1
    region = rng.choice(len(_REGIONS), n, p=_REGION_WEIGHTS)
    region_known = rng.random(n) >= 0.8 * _EMPTY_FIELD_RATE * careless
    scale = (
        _MEDIAN_DOCUMENT * np.asarray(_TYPE_SCALE)[ctype]
        * np.where(category >= 0, np.asarray(_CATEGORY_SCALE)[np.maximum(category, 0)], 1.0)
        * rng.lognormal(0.0, 0.7, n)
    )
    # monthly buyers are businesses with real orders: their documents are never tiny, so
    # the price of the cheapest product does not make their monthly revenue jumpy
    scale = np.maximum(scale, np.where(np.isin(behaviour, ["steady", "declining"]), 12_000.0, 1_500.0))
    has_phone = rng.random(n) >= (1 - np.array((0.88, 0.85, 0.70))[ctype]) * careless
    has_email = rng.random(n) >= (1 - np.array((0.80, 0.65, 0.45))[ctype]) * careless
    has_inn = rng.random(n) >= np.array((0.02, 0.01, 0.40))[ctype] * np.where(ctype == _PERSON, 1.0, careless)
    return pd.DataFrame({
        "behaviour": pd.Series(behaviour, dtype="str"), "ctype": ctype, "manager": manager, "source": source,
        "category": category, "region": region, "region_known": region_known, "scale": scale,
        "has_phone": has_phone, "has_email": has_email, "has_inn": has_inn,
        "is_deleted": np.zeros(n, dtype=bool),
    })
