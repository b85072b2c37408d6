"""The canonical tables: their columns, types and which columns are required.

Source of the contract: DESIGN.md "Canonical input contract". Every format maps its files
onto these names once, at loading; everything downstream uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

# column kinds: "str" text id or label, "float" number, "date" timestamp (day precision
# for analyses, time kept), "bool" flag
_STR, _FLOAT, _DATE, _BOOL = "str", "float", "date", "bool"


@dataclass(frozen=True)
class Table:
    """One canonical table: ordered columns with kinds, and the required subset."""

    name: str
    columns: dict[str, str]
    required: tuple[str, ...]
    # a column that may stand in for customer_id: the customer's name, resolved later
    by_name: str | None = None


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            {
                "customer_id": _STR, "name": _STR, "inn": _STR, "kpp": _STR, "customer_type": _STR,
                "partner_id": _STR, "manager": _STR, "source": _STR, "category": _STR,
                "region": _STR, "email": _STR, "phone": _STR, "created_at": _DATE,
                "is_deleted": _BOOL, "credit_limit": _FLOAT, "payment_terms_days": _FLOAT, "loyalty": _STR,
            },
            ("customer_id", "name"),
        ),
        Table(
            "contacts",
            {
                "contact_id": _STR, "customer_id": _STR, "name": _STR, "role": _STR,
                "email": _STR, "phone": _STR,
            },
            ("contact_id", "customer_id"),
            by_name="customer_name",
        ),
        Table(
            "orders",
            {
                "order_id": _STR, "date": _DATE, "customer_id": _STR, "amount": _FLOAT,
                "cost": _FLOAT, "quantity": _FLOAT, "product_id": _STR, "manager": _STR,
                "status": _STR,
            },
            ("order_id", "date", "customer_id", "amount"),
            by_name="customer_name",
        ),
        Table(
            "campaigns",
            {
                "campaign_id": _STR, "name": _STR, "channel": _STR, "kind": _STR,
                "start_date": _DATE, "end_date": _DATE, "cost": _FLOAT,
            },
            ("campaign_id", "name", "cost"),
        ),
        Table(
            "campaign_members",
            {
                "campaign_id": _STR, "customer_id": _STR, "group": _STR, "contacted_at": _DATE,
                "responded": _BOOL,
            },
            ("campaign_id", "customer_id"),
            by_name="customer_name",
        ),
        Table(
            "leads",
            {
                "lead_id": _STR, "created_at": _DATE, "source": _STR, "campaign_id": _STR,
                "customer_id": _STR, "converted_at": _DATE,
            },
            ("lead_id", "created_at"),
            by_name="customer_name",
        ),
        Table(
            "invoices",
            {
                "invoice_id": _STR, "customer_id": _STR, "date": _DATE, "amount": _FLOAT, "due_date": _DATE,
                "manager": _STR,
            },
            ("invoice_id", "customer_id", "date", "amount"),
            by_name="customer_name",
        ),
        Table(
            "payments",
            {"payment_id": _STR, "customer_id": _STR, "date": _DATE, "amount": _FLOAT, "invoice_id": _STR},
            ("payment_id", "customer_id", "date", "amount"),
            by_name="customer_name",
        ),
        Table(
            "deals",
            {
                "deal_id": _STR, "created_at": _DATE, "amount": _FLOAT, "stage": _STR, "status": _STR,
                "closed_at": _DATE, "loss_reason": _STR, "manager": _STR, "source": _STR, "customer_id": _STR,
            },
            ("deal_id", "created_at", "amount", "stage", "status"),
            by_name="customer_name",
        ),
        Table(
            "deal_stages",
            {"deal_id": _STR, "stage": _STR, "entered_at": _DATE},
            ("deal_id", "stage", "entered_at"),
        ),
    )
}

REQUIRED_TABLES = ("customers", "orders")

CUSTOMER_TYPES = ("company", "sole_trader", "person")
CAMPAIGN_KINDS = ("acquisition", "reactivation", "retention", "promo")
GROUPS = ("target", "control")
DEAL_STATUSES = ("open", "won", "lost")
