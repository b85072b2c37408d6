"""The synthetic 1C-style demo dataset and its ground truth (`generate_demo`).

A deterministic world of customers, contacts, orders, campaigns and leads, written as
1C users save them (cp1251 CSV with `;`, decimal commas, Russian headers, counterparties
named in the orders), with the truth beside it (`truth/`): who is a duplicate, which ИНН is
wrong, which customers churn or slow down, what each campaign added. One module per concept:

- `vocabulary`: the word lists (`vocabulary.yaml`) and the generator's parameters;
- `model`: the calendar and the world every step adds to;
- `world`: the world of customers and their behaviours, built step by step;
- `cards`: customer cards, names, ИНН/КПП, phones, emails, contact people;
- `planted`: the duplicates and invalid identifiers planted for the base audit;
- `orders`: order documents by behaviour (regular, declining, churned, one-off, new);
- `campaigns`: campaigns with target and control groups, their effect, leads;
- `truth`: the ground truth, verified against the generated tables;
- `receivables`: invoices and payments (terms, limits, late and partial payers, advances,
  credit notes, refunds) and their exact truth at as_of;
- `deals`: deals through a six-stage funnel with their stage history (skipped stages, steps
  back, open deals at as_of) and the exact win probability of each stage;
- `export`: writing the 1C-shaped files (CSV, XLSX, Parquet);
- `generate`: `generate_demo`, the one entry point.
"""

from __future__ import annotations

from clientbase.demo.generate import DemoSummary, generate_demo  # noqa: F401
from clientbase.demo.vocabulary import (  # noqa: F401
    BEHAVIOURS,
    DEMO_END,
    FILE_FORMATS,
    GENERATION,
    MIN_CUSTOMERS,
    MIN_YEARS,
    VOCABULARY,
)

__all__ = [
    "BEHAVIOURS",
    "DEMO_END",
    "DemoSummary",
    "FILE_FORMATS",
    "GENERATION",
    "MIN_CUSTOMERS",
    "MIN_YEARS",
    "VOCABULARY",
    "generate_demo",
]
