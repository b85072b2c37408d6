"""Small display helpers shared by every report notebook."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from clientbase.frames import isin
from clientbase.masking import mask_frame
from clientbase.text import t


def heading(key: str, language: str, *, level: int = 2) -> Markdown:
    """A section heading from the common strings (`text.t`)."""
    return Markdown(f"{'#' * level} {t(key, language)}")


def title(text: str, *, level: int = 2) -> Markdown:
    """A heading from a report's own text."""
    return Markdown(f"{'#' * level} {text}")


def paragraph(text: str) -> Markdown:
    return Markdown(text)


def client_names(customers: pd.DataFrame, ids: pd.Series, *, mask_pii: bool) -> pd.DataFrame:
    """DataFrame[customer_id, client]: the names of the customers `ids` (masked for
    individuals and sole traders when `mask_pii`; the card's customer_type decides).

    Only the cards asked for are masked: a report shows a few rows of a base that may hold
    hundreds of thousands of cards.
    """
    columns = ["customer_id", "name"] + (["customer_type"] if "customer_type" in customers.columns else [])
    wanted = isin(customers["customer_id"], ids)
    names = customers.loc[wanted, columns].drop_duplicates("customer_id")
    names = names.assign(customer_id=names["customer_id"].astype("str"))
    if mask_pii:
        names = mask_frame(names, email=(), phone=(), customer_name="name")
    return names[["customer_id", "name"]].rename(columns={"name": "client"}).reset_index(drop=True)
