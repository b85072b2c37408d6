"""The options of the receivables report and its vocabulary of codes.

`ReceivablesOptions` declares every option once (default terms, windows, the reminder rules
as data). The bucket bounds are part of the bucket codes (`not_due`, `1_30`, `31_60`,
`61_90`, `over_90`) and the reserve bounds are the law (Tax Code art. 266): neither is an
option.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field, field_validator

from clientbase.options import Options

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")


_BUCKET_UPPER_DAYS = np.array([0, 30, 60, 90])  # inclusive upper bounds of all buckets but the last


# Tax Code art. 266 p. 4: law, not a choice of the run
_RESERVE_HALF_FROM_DAYS = 45


_RESERVE_FULL_AFTER_DAYS = 90


_RESERVE_CAP_SHARE = 0.10


INVOICE, REFUND = "invoice", "refund"


ACTIONS = ("remind", "call", "stop_shipments", "claim")


_DEFAULT_ACTIONS = (("remind", -7), ("call", 1), ("stop_shipments", 31), ("claim", 91))


ITEM_COLUMNS = ("item_id", "kind", "customer_id", "date", "due", "amount", "paid_linked", "paid_pool",
                "outstanding", "settled")


OPEN_ITEM_COLUMNS = ("item_id", "customer_id", "date", "due", "amount", "outstanding", "days_overdue", "bucket",
                     "kind", "reserve_rate", "reserve_266")


AGING_COLUMNS = ("customer_id", "manager", *BUCKETS, "outstanding", "advance", "credit_limit", "over_limit",
                 "reserve_266", "overdue", "max_days_overdue", "limit_breached")


DISCIPLINE_COLUMNS = ("customer_id", "invoices_due", "paid_on_time", "on_time_share", "invoices_settled",
                      "amount_settled", "mean_days_late")


REMINDER_COLUMNS = ("customer_id", "manager", "item_id", "kind", "date", "due", "outstanding", "days_overdue",
                    "bucket", "action", "customer_action")


TREND_COLUMNS = ("as_of", *BUCKETS, "outstanding", "overdue", "advance")


_NAT = np.iinfo(np.int64).min  # datetime64[ns] NaT as int64: below every date, so np.maximum skips it


_DAY_NS = 86_400 * 10**9


class ReceivablesOptions(Options):
    """The options of the receivables report (REFERENCE.md "Receivables")."""

    default_terms_days: int = Field(
        0, ge=0, le=3650, description="payment terms in days when neither the invoice nor the customer's card has any")
    window_months: int = Field(
        12, ge=1, le=120, description="months ending at as_of for payment discipline and the reserve's revenue cap")
    dso_days: int = Field(90, ge=1, le=3650, description="days of invoiced revenue ending at as_of that DSO divides by")
    trend_quarters: int = Field(4, ge=1, le=40, description="quarter ends (the last one is as_of) in the aging trend")
    top_n: int = Field(20, ge=1, description="debtors shown in the report's tables")
    reminder_rules: tuple[tuple[str, int], ...] = Field(
        _DEFAULT_ACTIONS,
        description="action code: first day overdue it applies from (negative: days before due), until the next one")

    @field_validator("reminder_rules", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        return tuple(value.items()) if isinstance(value, dict) else value

    @field_validator("reminder_rules")
    @classmethod
    def _increasing(cls, value: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
        days = [d for _, d in value]
        codes = [c for c, _ in value]
        if not value or any(b <= a for a, b in zip(days, days[1:], strict=False)):
            raise ValueError("needs at least one action and strictly increasing first days overdue")
        if len(set(codes)) != len(codes) or not set(codes) <= set(ACTIONS):
            raise ValueError(f"action codes must be distinct, each one of {', '.join(ACTIONS)}")
        return value


DEFAULTS = ReceivablesOptions()
