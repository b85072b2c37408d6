"""The tiny cards and cube the tests of `clientbase.audit` share (not a test module).

`cards` builds a canonical customers frame; `rows_of` reads a result back as tuples; the
frames below are checked by hand in the test of the module they belong to (named in each
comment) and reused by `test_audit.py`, which runs every check on all of them at once.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = (
    "customer_id", "name", "inn", "kpp", "customer_type", "partner_id", "manager", "source",
    "category", "region", "email", "phone",
)


def cards(*rows: dict) -> pd.DataFrame:
    """A canonical customers frame: every column present, missing values NA."""
    frame = pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype="str") for c in COLUMNS})
    frame["created_at"] = pd.to_datetime(pd.Series([r.get("created_at") for r in rows], dtype=object))
    frame["is_deleted"] = pd.Series([bool(r.get("is_deleted", False)) for r in rows], dtype=bool)
    return frame


def rows_of(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[list(columns)].itertuples(index=False)]


# invalid ИНН/КПП (test_audit_ids.py)
ID_CARDS = cards(
    {"customer_id": "C1", "name": "Сбербанк", "inn": "7707083893", "kpp": "770701001"},
    {"customer_id": "C2", "name": "Опечатка", "inn": "7707083894", "kpp": "7701AB001"},
    {"customer_id": "C3", "name": "Буквы", "inn": "77O7083893", "kpp": "770701001"},
    {"customer_id": "C4", "name": "Нули", "inn": "0000000000", "kpp": "77070100"},
    {"customer_id": "C5", "name": "ИП Иванов", "inn": "500100732259", "kpp": "770701001"},
    {"customer_id": "C6", "name": "Без КПП", "inn": "7736050003"},
    {"customer_id": "C7", "name": "Без ИНН"},
    {"customer_id": "C8", "name": "Удалён", "inn": "123", "is_deleted": True},
    {"customer_id": "C0", "name": "Короткий", "inn": " 770708389 ", "kpp": "770701001"},
)


# fill rates (test_audit_fill.py)
FILL_CARDS = cards(
    {"customer_id": "F1", "name": "Полная", "manager": "Иванов", "source": "сайт", "category": "опт",
     "region": "Москва", "customer_type": "company", "inn": "7707083893", "email": "a@x.ru"},
    {"customer_id": "F2", "name": "Без источника", "manager": "Иванов", "category": "опт",
     "region": "Москва", "customer_type": "company", "phone": "123"},
    {"customer_id": "F3", "name": "Физлицо", "manager": "Петров", "source": "выставка", "region": " ",
     "customer_type": "person", "email": "нет"},
    {"customer_id": "F4", "name": "ИП без менеджера", "source": "сайт", "category": "розница",
     "region": "СПб", "customer_type": "sole_trader", "inn": "500100732259", "phone": "+7 495 1234567"},
    {"customer_id": "F5", "name": "Удалён", "manager": "Петров", "is_deleted": True},
)
FILL_CONTACTS = pd.DataFrame(
    {
        "contact_id": ["K1", "K2", "K3"],
        "customer_id": ["F2", "F3", "F5"],
        "name": ["Анна", "Борис", "Вера"],
        "role": [None, None, None],
        "email": [None, " ", "v@x.ru"],
        "phone": ["8 916 000-00-00", None, None],
    },
    dtype="str",
)


# the base in time (test_audit_activity.py)
AS_OF = pd.Timestamp("2026-06-30")
PREVIOUS = pd.Timestamp("2026-03-31")
BASE = cards(
    {"customer_id": "K1", "name": "Регулярный", "manager": "Иванов", "created_at": "2025-01-10"},
    {"customer_id": "K2", "name": "Уснувший", "manager": "Петров", "created_at": "2025-02-01"},
    {"customer_id": "K3", "name": "Новый", "source": "сайт", "created_at": "2026-04-05"},
    {"customer_id": "K4", "name": "Потенциальный", "created_at": "2024-01-01"},
    {"customer_id": "K5", "name": "Удалён", "created_at": "2024-01-01", "is_deleted": True},
    {"customer_id": "K6", "name": "Ровно 90 дней", "source": "выставка"},
    {"customer_id": "K7", "name": "Давно", "created_at": "2024-05-01"},
)


def cube_rows(*rows: tuple) -> pd.DataFrame:
    """(customer_id, month, orders, first, last) → a sales cube."""
    frame = pd.DataFrame(rows, columns=["customer_id", "month", "orders", "first_order_date", "last_order_date"])
    frame["customer_id"] = frame["customer_id"].astype("str")
    for column in ("month", "first_order_date", "last_order_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["orders"] = frame["orders"].astype("int64")
    frame["revenue"] = 100.0
    return frame


CUBE = cube_rows(
    ("K1", "2025-06-01", 1, "2025-06-15", "2025-06-15"),
    ("K1", "2026-05-01", 2, "2026-05-10", "2026-05-20"),
    ("K2", "2025-11-01", 1, "2025-11-03", "2025-11-03"),
    ("K2", "2026-03-01", 1, "2026-03-15", "2026-03-15"),
    ("K3", "2026-04-01", 1, "2026-04-10", "2026-04-10"),
    ("K4", "2026-07-01", 1, "2026-07-02", "2026-07-02"),  # after as_of: never read
    ("K5", "2026-06-01", 1, "2026-06-01", "2026-06-01"),
    ("K6", "2026-01-01", 1, "2026-01-15", "2026-01-15"),
    ("K6", "2026-04-01", 1, "2026-04-01", "2026-04-01"),
    ("K7", "2025-01-01", 1, "2025-01-20", "2025-01-20"),
    ("K7", "2026-06-01", 0, None, None),  # a return: not activity
)


# tasks (test_audit_tasks.py)
TASK_CARDS = cards(
    {"customer_id": "T1", "name": "Первый", "manager": "Иванов"},
    {"customer_id": "T2", "name": "Второй"},
    {"customer_id": "T3", "name": "Третий", "manager": "  "},
    {"customer_id": "T4", "name": "Четвёртый"},
    {"customer_id": "T5", "name": "Удалён", "is_deleted": True},
)
