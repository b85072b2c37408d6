"""What the base audit must find, planted on purpose: duplicate cards (the same ИНН+КПП,
phone, email or name written differently) and invalid ИНН / КПП.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from clientbase import identifiers
from clientbase.demo.cards import _render_names, _render_phones
from clientbase.demo.model import _share
from clientbase.demo.vocabulary import _CITIES, _COMPANY, _NAME_PARTS, _PERSON, _SOLE_TRADER


def _plant(rng: np.random.Generator, cust: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Duplicates of every rule, branches, invalid ИНН/КПП and deleted look-alikes.

    Returns the customers and what was planted: ``used`` (customers taking part),
    ``duplicates`` (lists of customer positions per group), ``branches`` (likewise),
    ``invalid`` (position, field, problem) and ``deleted_of`` (deleted card → its original).
    Every other card keeps its distinct name key, ИНН, phone and email.
    """
    out = cust.copy()
    n = len(out)
    used = np.zeros(n, dtype=bool)
    ctype = out["ctype"].to_numpy()
    company = ctype == _COMPANY
    active = out["behaviour"].to_numpy() != "potential"
    has_inn = out["inn"].notna().to_numpy()
    has_phone = out["phone"].notna().to_numpy()
    has_email = out["email"].notna().to_numpy()
    anyone = np.ones(n, dtype=bool)

    def take(mask: np.ndarray, size: int) -> np.ndarray:
        pool = np.flatnonzero(mask & ~used)
        if len(pool) < size:
            raise RuntimeError("demo generator: too few customers to plant the audit's problems")
        chosen = rng.choice(pool, size, replace=False)
        used[chosen] = True
        return chosen

    def take_like(originals: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One customer of the same type per original."""
        chosen = np.empty(len(originals), dtype=np.int64)
        for t in range(3):
            rows = ctype[originals] == t
            chosen[rows] = take(mask & (ctype == t), int(rows.sum()))
        return chosen

    def copy_name(dst: np.ndarray, src: np.ndarray, *, variant: bool) -> None:
        for col in _NAME_PARTS:
            out.loc[dst, col] = out.loc[src, col].to_numpy()
        if variant:
            out.loc[dst, "style"] = _variant_style(rng, ctype[src], out.loc[src, "style"].to_numpy())

    def copy_tax(dst: np.ndarray, src: np.ndarray) -> None:
        for col in ("inn", "kpp", "tax_code"):
            out.loc[dst, col] = out.loc[src, col].to_numpy()

    def copy_phone(dst: np.ndarray, src: np.ndarray) -> None:
        number = out.loc[src, "phone_number"].to_numpy()
        notation = (out.loc[src, "phone_notation"].to_numpy() + rng.integers(1, 8, len(src))) % 8
        out.loc[dst, "phone"] = _render_phones(number, notation).to_numpy()

    def copy_email(dst: np.ndarray, src: np.ndarray) -> None:
        out.loc[dst, "email"] = _email_variants(rng, out.loc[src, "email"]).to_numpy()

    duplicates: list[np.ndarray] = []
    # deleted look-alikes first: they are potential customers (no orders) of the original's type
    n_deleted = _share(n, 0.004, 3)
    modes = np.arange(n_deleted) % 3  # same ИНН+КПП, same phone, same email; all with a name variant
    originals = np.concatenate([
        take(company & has_inn & active, int((modes == 0).sum())),
        take(has_phone & active, int((modes == 1).sum())),
        take(has_email & active, int((modes == 2).sum())),
    ])
    deleted = take_like(originals, ~active)
    copy_name(deleted, originals, variant=True)
    sorted_modes = np.sort(modes)
    copy_tax(deleted[sorted_modes == 0], originals[sorted_modes == 0])
    copy_phone(deleted[sorted_modes == 1], originals[sorted_modes == 1])
    copy_email(deleted[sorted_modes == 2], originals[sorted_modes == 2])
    out.loc[deleted, "is_deleted"] = True

    # same ИНН+КПП: with a name variant (also the name rule), with a name that differs more,
    # and groups of three with both
    pairs = _share(n, 0.002, 1)
    a = take(company & has_inn, pairs)
    b = take(company, pairs)
    copy_name(b, a, variant=True)
    copy_tax(b, a)
    duplicates += list(np.column_stack([a, b]))
    a = take(company & has_inn, pairs)
    b = take(company, pairs)
    copy_name(b, a, variant=False)
    _rename_more(rng, out, b)
    copy_tax(b, a)
    duplicates += list(np.column_stack([a, b]))
    triples = _share(n, 0.0005, 1)
    a = take(company & has_inn, triples)
    b = take(company, triples)
    c = take(company, triples)
    copy_name(b, a, variant=True)
    copy_name(c, a, variant=False)
    _rename_more(rng, out, c)
    copy_tax(b, a)
    copy_tax(c, a)
    duplicates += list(np.column_stack([a, b, c]))
    # same phone in another notation; same email in another case or with spaces
    pairs = _share(n, 0.003, 2)
    a = take(has_phone, pairs)
    b = take(anyone, pairs)
    copy_phone(b, a)
    duplicates += list(np.column_stack([a, b]))
    a = take(has_email, pairs)
    b = take(anyone, pairs)
    copy_email(b, a)
    duplicates += list(np.column_stack([a, b]))
    # same name key: half companies (the copy without ИНН or with its own), half people
    half = (pairs + 1) // 2
    a = np.concatenate([take(company, half), take(~company, pairs - half)])
    b = take_like(a, anyone)
    copy_name(b, a, variant=True)
    no_inn = b[company[b] & (rng.random(len(b)) < 0.5)]
    out.loc[no_inn, ["inn", "kpp"]] = pd.NA
    duplicates += list(np.column_stack([a, b]))
    # chains: a and b share a phone, b and c an email — one group of three
    chains = _share(n, 0.001, 1)
    a = take(has_phone, chains)
    b = take(has_email, chains)
    c = take(anyone, chains)
    copy_phone(b, a)
    copy_email(c, b)
    duplicates += list(np.column_stack([a, b, c]))

    # branches: the head's ИНН, a КПП of reason code 43 (обособленное подразделение)
    heads = take(company & has_inn, _share(n, 0.003, 2))
    threes = rng.random(len(heads)) < 0.2
    first = take(company, len(heads))
    second = take(company, int(threes.sum()))
    city = rng.integers(0, len(_CITIES), len(heads))
    for members, kpp_tail, shift in ((first, "43001", 0), (second, "43002", 1)):
        src = heads if shift == 0 else heads[threes]
        copy_name(members, src, variant=False)
        town = (city if shift == 0 else city[threes] + 1 + rng.integers(0, len(_CITIES) - 1, len(src))) % len(_CITIES)
        out.loc[members, "suffix"] = (" (филиал г. " + pd.Series(np.array([c for c, _ in _CITIES])[town],
                                                                 dtype="str") + ")").to_numpy()
        out.loc[members, "inn"] = out.loc[src, "inn"].to_numpy()
        out.loc[members, "kpp"] = (out.loc[members, "tax_code"] + kpp_tail).to_numpy()
    third = np.full(len(heads), -1)
    third[threes] = second
    branches = [group[group >= 0] for group in np.column_stack([heads, first, third])]

    invalid = _plant_invalid_ids(rng, out, take, company, has_inn)
    out["name"], out["full_name"] = _render_names(out)
    # a person's "ё → е" variant of a name without ё is the same string: write it in capitals
    same = out["name"].duplicated(keep=False) & (out["ctype"] == _PERSON) & (out["style"] == 3)
    out.loc[same, "style"] = 1
    out["name"], out["full_name"] = _render_names(out)
    planted = {
        "used": used, "duplicates": duplicates, "branches": branches, "invalid": invalid,
        "deleted_of": dict(zip(deleted.tolist(), originals.tolist(), strict=True)),
    }
    return out, planted


def _variant_style(rng: np.random.Generator, ctype: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Another way of writing the same name key (see `_render_names`)."""
    company = (style + rng.integers(1, 5, len(style))) % 5
    trader = np.where(style % 2 == 0, 2 - style, 4 - style)  # 0 <-> 2, 1 <-> 3
    person = rng.integers(1, 4, len(style))
    return np.select([ctype == _COMPANY, ctype == _SOLE_TRADER], [company, trader], person)


def _rename_more(rng: np.random.Generator, out: pd.DataFrame, rows: np.ndarray) -> None:
    """A duplicate card whose name differs by more than spelling (the name rule misses it)."""
    core = out.loc[rows, "core"]
    more = np.where(rng.random(len(rows)) < 0.5, "ТД " + core, core + "-М")
    out.loc[rows, "core"] = more


def _email_variants(rng: np.random.Generator, email: pd.Series) -> pd.Series:
    """The same address in other case or with spaces around it."""
    how = rng.integers(0, 4, len(email))
    email = email.reset_index(drop=True)
    out = np.select([how == 0, how == 1, how == 2], [email.str.upper(), email.str.title(), " " + email],
                    email.str.title() + " ")
    return pd.Series(out, dtype="str")


def _plant_invalid_ids(
    rng: np.random.Generator, out: pd.DataFrame, take: Callable[[np.ndarray, int], np.ndarray],
    company: np.ndarray, has_inn: np.ndarray,
) -> pd.DataFrame:
    """One customer per row below gets exactly one problem (REFERENCE.md "Base audit")."""
    n = len(out)
    per_code = _share(n, 0.001, 2)
    individual = ~company
    trader = out["ctype"].to_numpy() == _SOLE_TRADER
    records: list[pd.DataFrame] = []

    def record(rows: np.ndarray, field: str, problem: str) -> None:
        records.append(pd.DataFrame({"pos": rows, "field": field, "problem": problem}))

    half = (per_code + 1) // 2
    rows = take(company & has_inn, half)  # 9 digits next to a valid КПП
    out.loc[rows, "inn"] = out.loc[rows, "inn"].str[:9].to_numpy()
    record(rows, "inn", identifiers.LENGTH)
    rows = take(individual & has_inn, per_code - half)  # 11 digits
    out.loc[rows, "inn"] = out.loc[rows, "inn"].str[:11].to_numpy()
    record(rows, "inn", identifiers.LENGTH)
    rows = take(company & has_inn, per_code)  # a Cyrillic О typed for a zero, or a space inside
    inn = out.loc[rows, "inn"]
    letter = inn.str[:4] + "О" + inn.str[5:]
    spaced = inn.str[:4] + " " + inn.str[4:]
    out.loc[rows, "inn"] = np.where(np.arange(len(rows)) % 2 == 0, letter, spaced)
    record(rows, "inn", identifiers.NOT_DIGITS)
    rows = take(company & has_inn, 1)  # one placeholder of each width: more would be branches
    out.loc[rows, "inn"] = "0000000000"
    record(rows, "inn", identifiers.ALL_ZEROS)
    rows = take(individual & has_inn, 1)
    out.loc[rows, "inn"] = "000000000000"
    record(rows, "inn", identifiers.ALL_ZEROS)
    rows = np.concatenate([take(company & has_inn, half), take(individual & has_inn, per_code - half)])
    inn = out.loc[rows, "inn"]
    last = ((inn.str[-1].astype("int64") + 1) % 10).astype("str")
    out.loc[rows, "inn"] = (inn.str[:-1] + last).to_numpy()
    record(rows, "inn", identifiers.CHECKSUM)
    rows = take(company & has_inn, per_code)  # 8 characters, or dashes inside
    kpp = out.loc[rows, "kpp"]
    short = kpp.str[:8]
    dashed = kpp.str[:4] + "-" + kpp.str[4:6] + "-" + kpp.str[6:]
    out.loc[rows, "kpp"] = np.where(np.arange(len(rows)) % 2 == 0, short, dashed)
    record(rows, "kpp", identifiers.KPP_FORMAT)
    rows = take(company & has_inn, per_code)
    out.loc[rows, "kpp"] = pd.NA
    record(rows, "kpp", identifiers.KPP_MISSING)
    rows = take(trader & has_inn, per_code)
    out.loc[rows, "kpp"] = (out.loc[rows, "tax_code"] + "01001").to_numpy()
    record(rows, "kpp", identifiers.KPP_UNEXPECTED)
    return pd.concat(records, ignore_index=True)
