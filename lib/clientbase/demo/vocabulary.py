"""The demo world's words and parameters.

The word lists (managers, sources, regions, company and personal names, products) are data,
in `vocabulary.yaml`; their order matters, since the random draws index them. The shares,
weights and scales that shape the world stay here as named constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import yaml


def _tuples(value: Any) -> Any:
    """Lists read from YAML as tuples (the generator's word lists are immutable), dicts kept."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


# the word lists, as data (vocabulary.yaml beside this module); their order matters: draws index them
VOCABULARY: dict[str, Any] = _tuples(
    yaml.safe_load(resources.files("clientbase.demo").joinpath("vocabulary.yaml").read_text(encoding="utf-8"))
)


DEMO_END = pd.Timestamp("2026-11-15")


FILE_FORMATS = ("1c", "parquet")


# the generation of the demo data: raised when it writes new tables or columns (2: deals and
# their stages; 3: loyalty levels on the cards), so that a profile's demo folder written by an
# older one is generated again
GENERATION = 3


MIN_CUSTOMERS = 200


MIN_YEARS = 2


BEHAVIOURS = ("steady", "irregular", "one_off", "churned", "declining", "reactivated", "new", "potential")


# shares of the population; reactivated customers come out of the churned ones
_BEHAVIOUR_SHARES = {
    "steady": 0.065, "declining": 0.03, "irregular": 0.40, "churned": 0.12,
    "one_off": 0.12, "new": 0.07, "potential": 0.195,
}


_COMPANY, _SOLE_TRADER, _PERSON = 0, 1, 2


_TYPE_CODES = ("company", "sole_trader", "person")


_TYPE_RU = VOCABULARY["type_ru"]


_TYPE_SHARES = (0.6, 0.2, 0.2)


_MANAGERS = VOCABULARY["managers"]


_MANAGER_WEIGHTS = (0.17, 0.15, 0.14, 0.13, 0.12, 0.11, 0.10, 0.08)


_NO_MANAGER_SHARE = 0.05


# how often each manager leaves a field of the card empty, relative to the base rate; the
# last entry is for cards without a manager (per-manager fill rates must differ)
_CARELESSNESS = (0.4, 0.7, 1.0, 0.8, 1.2, 1.6, 2.8, 0.9, 2.0)


_SOURCES = VOCABULARY["sources"]


_SOURCE_WEIGHTS = (0.28, 0.18, 0.10, 0.16, 0.14, 0.14)


_SOURCE_CAC = (6_000.0, 18_000.0, 45_000.0, 12_000.0, 9_000.0, 25_000.0)  # rubles per new customer


_ACQUISITION_NAMES = VOCABULARY["acquisition_names"]


_EMPTY_FIELD_RATE = 0.05  # source, category, region before carelessness


_CATEGORIES = VOCABULARY["categories"]


_CATEGORY_SCALE = (2.0, 1.1, 1.6, 1.8, 0.8, 0.35)


_CATEGORY_BY_TYPE = (
    (0.22, 0.28, 0.17, 0.13, 0.12, 0.08),
    (0.20, 0.40, 0.00, 0.00, 0.10, 0.30),
    (0.00, 0.10, 0.00, 0.00, 0.00, 0.90),
)


_TYPE_SCALE = (1.0, 0.6, 0.25)


_MEDIAN_DOCUMENT = 25_000.0  # rubles, before category and type


# business region, its city, tax-office region codes (first two ИНН digits), phone codes
_REGIONS = VOCABULARY["regions"]


_REGION_WEIGHTS = (0.30, 0.14, 0.14, 0.05, 0.09, 0.08, 0.06, 0.07, 0.05, 0.02)


_CITIES = VOCABULARY["cities"]


_ROOTS = VOCABULARY["roots"]


_PARTS = VOCABULARY["parts"]


# legal forms: short, long
_FORMS = VOCABULARY["forms"]


_FORM_WEIGHTS = (0.78, 0.12, 0.02, 0.05, 0.03)


_COMPANY_STYLE_WEIGHTS = (0.35, 0.25, 0.2, 0.1, 0.1)  # see _render_names


_TRADER_STYLE_WEIGHTS = (0.45, 0.3, 0.15, 0.1)


_SURNAMES = VOCABULARY["surnames"]


_MALE_NAMES = VOCABULARY["male_names"]


_FEMALE_NAMES = VOCABULARY["female_names"]


_PATRONYMICS = VOCABULARY["patronymics"]


_ROLES = VOCABULARY["roles"]


_COMPANY_MAILBOXES = VOCABULARY["company_mailboxes"]


_MAIL_DOMAINS = VOCABULARY["mail_domains"]


# phone notations seen in 1C cards, see _render_phones
_PHONE_NOTATION_WEIGHTS = (0.3, 0.15, 0.2, 0.1, 0.05, 0.1, 0.05, 0.05)


_GROUPS = VOCABULARY["groups"]


# (group, name, price in as_of's prices, quantity step)
_PRODUCTS = VOCABULARY["products"]


# which product groups each category buys (rows: _CATEGORIES, then "no category")
_GROUP_WEIGHTS = np.array((
    (0.26, 0.18, 0.14, 0.12, 0.08, 0.10, 0.04, 0.08),
    (0.30, 0.20, 0.10, 0.08, 0.08, 0.12, 0.04, 0.08),
    (0.28, 0.22, 0.05, 0.12, 0.14, 0.10, 0.04, 0.05),
    (0.30, 0.16, 0.14, 0.14, 0.10, 0.10, 0.02, 0.04),
    (0.20, 0.20, 0.12, 0.20, 0.10, 0.08, 0.04, 0.06),
    (0.12, 0.10, 0.25, 0.22, 0.03, 0.06, 0.12, 0.10),
    (0.25, 0.18, 0.13, 0.13, 0.08, 0.10, 0.05, 0.08),
))


_PRICE_GROWTH = 0.08  # a year: older lines carry older prices


_LINES_PER_DOCUMENT = (2, 3, 4, 5, 6)


_LINES_WEIGHTS = (0.35, 0.28, 0.18, 0.12, 0.07)


_RETURN_SHARE = 0.015


_CANCELLED_SHARE = 0.005


_DOCS_PER_CHUNK = 500_000


_CANDIDATES_PER_SLICE = 200_000  # company names rendered and checked at a time


@dataclass(frozen=True)
class _CampaignSpec:
    name: str  # with {year}
    kind: str  # canonical kind
    channel: str
    month: int  # start month relative to as_of's month
    days: int
    target_share: float  # of the population (of the pool for a reactivation campaign)
    control_share: float
    pool: str  # "active", "active_no_declining", "churned"
    response_rate: float
    amount_factor: float  # extra order = factor × the member's usual document
    cost_per_member: float


# Attribution windows (start to end + 30 days) do not overlap, so one campaign's extra
# orders never land in another's window.
_CAMPAIGNS = (
    _CampaignSpec("Весенняя акция {year}", "promo", "Email-рассылка", -17, 30, 0.05, 0.025, "active", 0.20, 0.8, 40),
    _CampaignSpec("Удержание ключевых клиентов {year}", "retention", "Телефонный обзвон", -11, 31, 0.10, 0.05,
                  "active", 0.30, 0.8, 450),
    _CampaignSpec("Новогодняя акция {year}", "promo", "Email-рассылка", -9, 20, 0.08, 0.0, "active", 0.15, 0.6, 30),
    _CampaignSpec("Скидка на кабель и провод {year}", "promo", "Email-рассылка", -7, 28, 0.10, 0.05, "active",
                  0.25, 0.8, 60),
    _CampaignSpec("Рассылка каталога {year}", "promo", "Email-рассылка", -5, 30, 0.06, 0.03, "active", 0.0, 0.0, 35),
    _CampaignSpec("Возврат ушедших клиентов {year}", "reactivation", "Телефонный обзвон", -3, 30, 2 / 3, 1 / 3,
                  "churned", 0.35, 1.0, 500),
    _CampaignSpec("Осенняя распродажа {year}", "promo", "SMS-рассылка", 0, 30, 0.05, 0.025, "active_no_declining",
                  0.20, 0.6, 25),
)


_KIND_RU = VOCABULARY["kind_ru"]


_RESPONSE_WINDOW_DAYS = 30


_EXTRA_ORDER_SIGMA = 0.25


_FILES_1C = VOCABULARY["files_1c"]


_NBSP = "\xa0"


_NAME_PARTS = ("core", "lat", "form", "style", "surname", "first", "patronymic", "surname_lat", "first_lat",
               "suffix")


_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)


_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


_SIGMA = {"steady": 0.15, "declining": 0.15, "irregular": 0.6, "churned": 0.35, "one_off": 0.6, "new": 0.5}


_RULES = ("inn_kpp", "phone", "email", "name")


# products of each group by the least amount one can buy (price × step), for the choice of a
# product that fits a line's amount
_PRODUCT_PRICE = np.array([p for _, _, p, _ in _PRODUCTS])


_PRODUCT_STEP = np.array([s for _, _, _, s in _PRODUCTS], dtype=float)


_PRODUCT_NAME = np.array([name for _, name, _, _ in _PRODUCTS], dtype=object)


_PRODUCT_IDS = pa.array(_PRODUCT_NAME, type=pa.string())


_STATUS_TEXT = pa.array(["posted", "cancelled"], type=pa.string())  # by the cancelled flag


_PRODUCT_COST_RATIO = 0.60 + 0.25 * ((np.arange(len(_PRODUCTS)) * 37) % 61) / 60  # 0.60-0.85, fixed per product


_GROUP_MEMBERS = tuple(
    np.array(sorted((i for i, p in enumerate(_PRODUCTS) if p[0] == g), key=lambda i: _PRODUCTS[i][2] * _PRODUCTS[i][3]))
    for g in range(len(_GROUPS))
)
