"""Customer cards as 1C holds them: company and personal names, ИНН and КПП with valid
check digits, phones in the notations people type, emails, and contact people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase import identifiers
from clientbase.demo.vocabulary import (
    _CANDIDATES_PER_SLICE,
    _CITIES,
    _COMPANY,
    _COMPANY_MAILBOXES,
    _COMPANY_STYLE_WEIGHTS,
    _FEMALE_NAMES,
    _FORM_WEIGHTS,
    _FORMS,
    _MAIL_DOMAINS,
    _MALE_NAMES,
    _NAME_PARTS,
    _PARTS,
    _PATRONYMICS,
    _PERSON,
    _PHONE_NOTATION_WEIGHTS,
    _REGIONS,
    _ROLES,
    _ROOTS,
    _SOLE_TRADER,
    _SURNAMES,
    _TRADER_STYLE_WEIGHTS,
    _W10,
    _W11,
    _W12,
)


def _company_candidates(rng: np.random.Generator, tier: int) -> pd.DataFrame:
    """Company cores: root + part (tier 0), + a city (tier 1), + a number (tier 2)."""
    roots = np.repeat(np.arange(len(_ROOTS)), len(_PARTS) + 1)
    parts = np.tile(np.arange(-1, len(_PARTS)), len(_ROOTS))
    join = rng.choice(3, len(roots), p=(0.55, 0.15, 0.30))  # hyphen, space, one word
    root_ru = pd.Series([r for r, _ in _ROOTS], dtype="str").iloc[roots].reset_index(drop=True)
    root_lat = pd.Series([r for _, r in _ROOTS], dtype="str").iloc[roots].reset_index(drop=True)
    part_ru = pd.Series(["", *(p for p, _ in _PARTS)], dtype="str").iloc[parts + 1].reset_index(drop=True)
    part_lat = pd.Series(["", *(p for _, p in _PARTS)], dtype="str").iloc[parts + 1].reset_index(drop=True)
    core = np.select(
        [parts < 0, join == 0, join == 1],
        [root_ru, root_ru + "-" + part_ru, root_ru + " " + part_ru],
        root_ru + part_ru.str.lower(),
    )
    lat = np.where(parts < 0, root_lat, np.where(join == 2, root_lat + part_lat, root_lat + "-" + part_lat))
    base = pd.DataFrame({"core": pd.Series(core, dtype="str"), "lat": pd.Series(lat, dtype="str")})
    if tier == 1:
        city = np.repeat(np.arange(len(_CITIES)), len(base))
        base = pd.concat([base] * len(_CITIES), ignore_index=True)
        base["core"] = base["core"] + " " + pd.Series([c for c, _ in _CITIES], dtype="str").iloc[city].to_numpy()
        base["lat"] = base["lat"] + "-" + pd.Series([c for _, c in _CITIES], dtype="str").iloc[city].to_numpy()
    elif tier >= 2:
        numbers = np.repeat(np.arange(2, 1000), len(base))
        base = pd.concat([base] * 998, ignore_index=True)
        text = pd.Series(numbers, dtype="int64").astype("str").to_numpy()
        base["core"] = base["core"] + " " + text
        base["lat"] = base["lat"] + text
    return base.iloc[rng.permutation(len(base))].reset_index(drop=True)


def _person_candidates(rng: np.random.Generator, size: int, tier: int) -> pd.DataFrame:
    """Random people; tier 1 adds a city, tier 2 a birth year (how 1C users tell namesakes)."""
    female = rng.random(size) < 0.45
    surname = rng.integers(0, len(_SURNAMES), size)
    first_m = rng.integers(0, len(_MALE_NAMES), size)
    first_f = rng.integers(0, len(_FEMALE_NAMES), size)
    patronymic = rng.integers(0, len(_PATRONYMICS), size)
    sur_ru = pd.Series([s for s, _ in _SURNAMES], dtype="str").iloc[surname].reset_index(drop=True)
    sur_lat = pd.Series([s for _, s in _SURNAMES], dtype="str").iloc[surname].reset_index(drop=True)
    sur_ru = sur_ru.where(~female, sur_ru + "а")
    sur_lat = sur_lat.where(~female, sur_lat + "a")
    m_ru = pd.Series([s for s, _ in _MALE_NAMES], dtype="str").iloc[first_m].reset_index(drop=True)
    m_lat = pd.Series([s for _, s in _MALE_NAMES], dtype="str").iloc[first_m].reset_index(drop=True)
    f_ru = pd.Series([s for s, _ in _FEMALE_NAMES], dtype="str").iloc[first_f].reset_index(drop=True)
    f_lat = pd.Series([s for _, s in _FEMALE_NAMES], dtype="str").iloc[first_f].reset_index(drop=True)
    p_m = pd.Series([m for m, _ in _PATRONYMICS], dtype="str").iloc[patronymic].reset_index(drop=True)
    p_f = pd.Series([f for _, f in _PATRONYMICS], dtype="str").iloc[patronymic].reset_index(drop=True)
    out = pd.DataFrame({
        "surname": sur_ru, "first": m_ru.where(~female, f_ru), "patronymic": p_m.where(~female, p_f),
        "surname_lat": sur_lat, "first_lat": m_lat.where(~female, f_lat),
        "suffix": pd.Series("", index=range(size), dtype="str"),
    })
    if tier == 1:
        city = rng.integers(0, len(_CITIES), size)
        out["suffix"] = " (" + pd.Series([c for c, _ in _CITIES], dtype="str").iloc[city].reset_index(drop=True) + ")"
    elif tier >= 2:
        year = pd.Series(rng.integers(1950, 2004, size), dtype="int64").astype("str")
        out["suffix"] = " " + year + " г.р."
    return out


def _render_names(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Наименование and Полное наименование as 1C users type them, from the parts.

    Company styles: 0 ``Альфа-Снаб ООО``, 1 ``ООО «Альфа-Снаб»``, 2 ``ООО "Альфа-Снаб"``,
    3 ``ООО Альфа-Снаб``, 4 ``Альфа-Снаб, ООО`` — one name key. Sole traders: 0 ``ИП Волков
    Д. С.`` and 2 ``Волков Д.С. ИП`` (one key), 1 ``ИП Волков Дмитрий Сергеевич`` and 3
    ``Индивидуальный предприниматель Волков Дмитрий Сергеевич`` (another). People: the full
    name; style 1 upper case, 2 lower case, 3 ``ё`` written as ``е`` (one key). ``suffix``
    (a branch's city, a namesake's city or birth year) goes last.
    """
    ctype, style = frame["ctype"].to_numpy(), frame["style"].to_numpy()
    form = frame["form"].to_numpy()
    short = pd.Series([f for f, _ in _FORMS], dtype="str").iloc[form].to_numpy()
    long = pd.Series([f for _, f in _FORMS], dtype="str").iloc[form].to_numpy()
    core = frame["core"]
    fio = frame["surname"] + " " + frame["first"] + " " + frame["patronymic"]
    initials = frame["first"].str[0] + "." + " " + frame["patronymic"].str[0] + "."
    initials2 = frame["first"].str[0] + "." + frame["patronymic"].str[0] + "."
    suffix = frame["suffix"]
    company = ctype == _COMPANY
    trader = ctype == _SOLE_TRADER
    person = ctype == _PERSON
    name = np.select(
        [
            company & (style == 0), company & (style == 1), company & (style == 2), company & (style == 3),
            company & (style == 4),
            trader & (style == 0), trader & (style == 1), trader & (style == 2), trader & (style == 3),
            person & (style == 1), person & (style == 2), person & (style == 3),
        ],
        [
            core + " " + short + suffix, short + " «" + core + "»" + suffix, short + ' "' + core + '"' + suffix,
            short + " " + core + suffix, core + ", " + short + suffix,
            "ИП " + frame["surname"] + " " + initials + suffix, "ИП " + fio + suffix,
            frame["surname"] + " " + initials2 + " ИП" + suffix, "Индивидуальный предприниматель " + fio + suffix,
            (fio + suffix).str.upper(), (fio + suffix).str.lower(), (fio + suffix).str.replace("ё", "е"),
        ],
        fio + suffix,
    )
    full = np.select(
        [company, trader], [long + ' "' + core + '"' + suffix, "Индивидуальный предприниматель " + fio], fio
    )
    return pd.Series(name, index=frame.index, dtype="str"), pd.Series(full, index=frame.index, dtype="str")


def _identities(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    """Unique names (exactly and by name key), ИНН and КПП, for every customer."""
    ctype = cust["ctype"].to_numpy()
    chosen: list[pd.DataFrame] = []
    taken: set[str] = set()
    # companies: walk the tiers of cores in a random order
    want = int((ctype == _COMPANY).sum())
    got: list[pd.DataFrame] = []
    tier = 0
    while want > 0:
        cand = _company_candidates(rng, tier)
        cand["ctype"] = _COMPANY
        cand["form"] = rng.choice(len(_FORMS), len(cand), p=_FORM_WEIGHTS)
        cand["style"] = rng.choice(5, len(cand), p=_COMPANY_STYLE_WEIGHTS)
        for col in ("surname", "first", "patronymic", "surname_lat", "first_lat", "suffix"):
            cand[col] = pd.Series("", index=cand.index, dtype="str")
        # tier 2 holds millions of candidates: render and check them a slice at a time and
        # stop once enough are found (the kept ones are the same as checking all at once,
        # since a slice only drops names already seen in the slices before it)
        for low in range(0, len(cand), _CANDIDATES_PER_SLICE):
            fresh = _fresh(cand.iloc[low:low + _CANDIDATES_PER_SLICE], taken)
            got.append(fresh.iloc[:want])
            want -= len(got[-1])
            if want <= 0:
                break
        tier += 1
        if tier > 2 and want > 0:
            raise RuntimeError("demo generator: not enough distinct company names")
    chosen.append(pd.concat(got, ignore_index=True))
    # sole traders, then people: draw, drop names already taken, repeat with longer names
    for kind, styles in ((_SOLE_TRADER, _TRADER_STYLE_WEIGHTS), (_PERSON, (1.0,))):
        want = int((ctype == kind).sum())
        got = []
        for attempt in range(12):
            if want <= 0:
                break
            cand = _person_candidates(rng, 2 * want + 50, min(attempt // 2, 2))
            cand["ctype"] = kind
            cand["style"] = rng.choice(len(styles), len(cand), p=styles)
            cand["core"] = pd.Series("", index=cand.index, dtype="str")
            cand["lat"] = pd.Series("", index=cand.index, dtype="str")
            cand["form"] = 0
            cand = _fresh(cand, taken)
            got.append(cand.iloc[:want])
            want -= len(got[-1])
        if want > 0:
            raise RuntimeError("demo generator: not enough distinct personal names")
        chosen.append(pd.concat(got, ignore_index=True))
    # the pools were filled per type: hand them out to customers of that type
    parts = pd.DataFrame(index=cust.index, columns=list(_NAME_PARTS))
    for kind, pool in zip((_COMPANY, _SOLE_TRADER, _PERSON), chosen, strict=True):
        rows = np.flatnonzero(ctype == kind)
        parts.iloc[rows] = pool[list(_NAME_PARTS)].iloc[: len(rows)].to_numpy()
    out = cust.copy()
    for col in _NAME_PARTS:
        out[col] = parts[col].astype("int64" if col in ("form", "style") else "str")
    out["name"], out["full_name"] = _render_names(out)
    out["inn"], out["kpp"], out["tax_code"] = _tax_ids(rng, out)
    return out


def _fresh(cand: pd.DataFrame, taken: set[str]) -> pd.DataFrame:
    """Candidates whose name key is new (not taken, not repeated); adds them to `taken`."""
    name, _ = _render_names(cand)
    key = identifiers.normalize_names(name)
    keep = key.notna() & ~key.duplicated() & ~key.isin(taken)
    taken.update(key[keep].tolist())
    return cand.loc[keep.to_numpy()].reset_index(drop=True)


def _check_digits(body: np.ndarray, width: int) -> np.ndarray:
    """ИНН with the ФНС check digit(s) appended to 9-digit (width 10) or 10-digit (width 12) bodies.

    The algorithm of `identifiers.inn_check_digits`, on integer arrays.
    """
    n_body = 9 if width == 10 else 10
    digits = (body[:, None] // 10 ** np.arange(n_body - 1, -1, -1)) % 10
    if width == 10:
        return body * 10 + (digits @ np.array(_W10)) % 11 % 10
    eleventh = (digits @ np.array(_W11)) % 11 % 10
    twelfth = (np.column_stack([digits, eleventh]) @ np.array(_W12)) % 11 % 10
    return body * 100 + eleventh * 10 + twelfth


def _distinct(rng: np.random.Generator, head: np.ndarray, span: int, low: int = 0) -> np.ndarray:
    """head × span + a random tail in [low, span), redrawn until no two rows are equal."""
    values = head * span + rng.integers(low, span, len(head))
    for _ in range(100):
        repeat = pd.Series(values).duplicated().to_numpy()
        if not repeat.any():
            return values
        values[repeat] = head[repeat] * span + rng.integers(low, span, int(repeat.sum()))
    raise RuntimeError("demo generator: could not draw distinct numbers (too many customers per region?)")


def _tax_ids(rng: np.random.Generator, cust: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Valid, distinct ИНН (10 digits for companies, 12 for individuals), КПП, tax office code."""
    n = len(cust)
    ctype = cust["ctype"].to_numpy()
    region = cust["region"].to_numpy()
    pick = rng.integers(0, 3, n)
    code = np.zeros(n, dtype=np.int64)
    for r, (_, codes, _) in enumerate(_REGIONS):
        rows = region == r
        code[rows] = np.asarray(codes)[pick[rows] % len(codes)]
    tax_code = code * 100 + rng.integers(1, 37, n)  # region + inspection: the first 4 digits
    company = ctype == _COMPANY
    text = pd.Series("", index=cust.index, dtype="str")
    text[company] = _digits_text(_check_digits(_distinct(rng, tax_code[company], 10**5), 10), 10)
    text[~company] = _digits_text(_check_digits(_distinct(rng, tax_code[~company], 10**6), 12), 12)
    has_inn = cust["has_inn"].to_numpy()
    tax_text = _digits_text(tax_code, 4)
    tax_text.index = cust.index
    kpp = (tax_text + "01001").where(company & has_inn)
    return text.where(has_inn), kpp, tax_text


def _digits_text(values: np.ndarray, width: int) -> pd.Series:
    return pd.Series(values, dtype="int64").astype("str").str.zfill(width)


def _phone_numbers(rng: np.random.Generator, region: np.ndarray, mobile: np.ndarray) -> np.ndarray:
    """Distinct 10-digit national numbers: a landline code of the region or a 9XX mobile.

    Subscriber numbers start at 2 000 000; the range below is kept for `_only_contacts_reachable`.
    """
    landline = np.zeros(len(region), dtype=np.int64)
    pick = rng.integers(0, 3, len(region))
    for r, (_, _, codes) in enumerate(_REGIONS):
        rows = region == r
        landline[rows] = np.asarray(codes)[pick[rows] % len(codes)]
    prefix = np.where(mobile, rng.integers(900, 1000, len(region)), landline)
    return _distinct(rng, prefix, 10_000_000, low=2_000_000)


def _render_phones(numbers: np.ndarray, notation: np.ndarray) -> pd.Series:
    """Phones as typed into 1C: ``+7 (495) 555-12-34``, ``8 916 123-45-67``, ``84951234567``..."""
    d = pd.Series(numbers, dtype="int64").astype("str")
    a, b, c, e = d.str[0:3], d.str[3:6], d.str[6:8], d.str[8:10]
    dashed = b + "-" + c + "-" + e
    choices = [
        "+7 (" + a + ") " + dashed, "8 (" + a + ") " + dashed, "8 " + a + " " + dashed, "8" + d,
        "+7 " + a + " " + b + c + e, "+7" + d, "8-" + a + "-" + dashed, "7 " + a + " " + b + " " + c + " " + e,
    ]
    out = np.select([notation == i for i in range(len(choices))], choices, "")
    return pd.Series(out, dtype="str")


def _contact_people(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    """Contact persons of some companies (and a few sole traders): names and roles."""
    ctype = cust["ctype"].to_numpy()
    has = rng.random(len(cust)) < np.array((0.4, 0.1, 0.0))[ctype]
    count = np.where(has, rng.choice((1, 2, 3), len(cust), p=(0.6, 0.3, 0.1)), 0)
    owner = np.repeat(np.arange(len(cust)), count)
    people = _person_candidates(rng, len(owner), 0)
    return pd.DataFrame({
        "owner": owner,
        "name": people["surname"] + " " + people["first"] + " " + people["patronymic"],
        "role": pd.Series(np.array(_ROLES)[rng.integers(0, len(_ROLES), len(owner))], dtype="str"),
        "first_lat": people["first_lat"], "surname_lat": people["surname_lat"],
        "has_phone": rng.random(len(owner)) < 0.8, "has_email": rng.random(len(owner)) < 0.6,
    })


def _contact_details(
    rng: np.random.Generator, cust: pd.DataFrame, contacts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Phones and emails for customers and contacts, distinct by their normalised keys."""
    n, m = len(cust), len(contacts)
    ctype = cust["ctype"].to_numpy()
    region = np.concatenate([cust["region"].to_numpy(), cust["region"].to_numpy()[contacts["owner"].to_numpy()]])
    mobile = np.concatenate([rng.random(n) < np.array((0.3, 0.7, 0.9))[ctype], rng.random(m) < 0.85])
    numbers = _phone_numbers(rng, region, mobile)
    notation = rng.choice(len(_PHONE_NOTATION_WEIGHTS), n + m, p=_PHONE_NOTATION_WEIGHTS)
    phones = _render_phones(numbers, notation)

    tld = np.where(rng.random(n) < 0.88, ".ru", ".com")
    company_domain = cust["lat"] + pd.Series(tld, dtype="str")
    box = pd.Series(np.array(_COMPANY_MAILBOXES)[rng.integers(0, len(_COMPANY_MAILBOXES), n)], dtype="str")
    digits = pd.Series(rng.integers(1, 100, n), dtype="int64").astype("str").where(rng.random(n) < 0.6, "")
    mail = pd.Series(np.array(_MAIL_DOMAINS)[rng.integers(0, len(_MAIL_DOMAINS), n)], dtype="str")
    personal = cust["first_lat"] + "." + cust["surname_lat"] + digits + "@" + mail
    own_email = (box + "@" + company_domain).where(ctype == _COMPANY, personal)
    owner = contacts["owner"].to_numpy()
    contact_email = (contacts["first_lat"].str[0] + "." + contacts["surname_lat"] + "@"
                     + company_domain.iloc[owner].reset_index(drop=True))
    emails = pd.concat([own_email, contact_email], ignore_index=True)
    # the rare repeat (same initial and surname at one company, a namesake at mail.ru) is left empty
    emails = emails.mask(identifiers.normalize_emails(emails).duplicated())

    out = cust.copy()
    out["phone_number"] = numbers[:n]
    out["phone_notation"] = notation[:n]
    out["phone"] = phones.iloc[:n].where(out["has_phone"].to_numpy()).to_numpy()
    out["email"] = emails.iloc[:n].where(out["has_email"].to_numpy()).to_numpy()
    out["phone"] = out["phone"].astype("str")
    out["email"] = out["email"].astype("str")
    contacts = contacts.copy()
    contacts["phone"] = pd.Series(phones.iloc[n:].to_numpy(), dtype="str").where(contacts["has_phone"].to_numpy())
    contacts["email"] = pd.Series(emails.iloc[n:].to_numpy(), dtype="str").where(contacts["has_email"].to_numpy())
    return out, contacts


def _only_contacts_reachable(
    rng: np.random.Generator, cust: pd.DataFrame, contacts: pd.DataFrame, used: np.ndarray
) -> pd.DataFrame:
    """A fifth of the companies with contact persons have no phone or email of their own:
    only their contact person's (who then has a phone). Changes `cust` in place."""
    owners = np.unique(contacts["owner"].to_numpy())
    owners = owners[~used[owners] & ~cust["is_deleted"].to_numpy()[owners]]
    chosen = owners[rng.random(len(owners)) < 0.2]
    cust.loc[chosen, "phone"] = pd.NA
    cust.loc[chosen, "email"] = pd.NA
    first_contact = ~contacts["owner"].duplicated()
    needs = first_contact & contacts["owner"].isin(chosen) & contacts["phone"].isna()
    if needs.any():
        # a number nobody has: subscriber numbers below 2 000 000 are never drawn
        numbers = 9_990_000_000 + np.flatnonzero(needs.to_numpy()).astype(np.int64) % 2_000_000
        contacts = contacts.copy()
        contacts.loc[needs, "phone"] = _render_phones(numbers, np.zeros(len(numbers), dtype=np.int64)).to_numpy()
    return contacts
