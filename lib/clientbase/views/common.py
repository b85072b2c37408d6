"""The display protocol shared by every report notebook: headings and sections.

A notebook cell makes one call that returns what it shows: a `Section` (a heading, the
sentence on how to read it, then figures and tables) or a single Markdown block. The
reading sentence and the figure after it become one `<figure>`, so that the PDF keeps
them on one page. Figures are detached from pyplot, so a notebook shows each once.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown, display

from clientbase.frames import isin
from clientbase.masking import mask_frame
from clientbase.text import Words, t

__all__ = ["Section", "appendix", "chart", "client_names", "column_labels", "executive_summary", "heading", "plain",
           "section", "title"]


def heading(key: str, language: str, *, level: int = 2) -> Markdown:
    """A section heading from the common strings (`text.t`)."""
    return Markdown(f"{'#' * level} {t(key, language)}")


def title(text: str, *, level: int = 2) -> Markdown:
    """A heading from a report's own text."""
    return Markdown(f"{'#' * level} {text}")


@dataclass(frozen=True)
class Section:
    """What a report section shows, in order: Markdown, figures and tables.

    A notebook cell that ends with a Section displays each item in turn; a Markdown item
    directly followed by a figure is that figure's caption.
    """

    items: tuple[Any, ...]

    def _ipython_display_(self) -> None:
        items = list(self.items)
        while items:
            item = items.pop(0)
            # a heading is never a caption: a section of a heading and a chart shows both
            if isinstance(item, Markdown) and not item.data.startswith("#") and items and _is_figure(items[0]):
                display(HTML(_figure_html(item.data, items.pop(0))))
            elif isinstance(item, Section):
                item._ipython_display_()
            elif _is_axes(item):
                display(_closed(item.figure))
            elif _is_figure(item):
                display(_closed(item))
            else:
                display(item)


def section(heading_text: str | None, *items: Any) -> Section:
    """A Section: a level-2 heading (None: none), then the items (Markdown, figures, Axes, tables).

    Strings become Markdown; None items are left out, so a reading sentence that does not
    apply can be passed as None.
    """
    shown: list[Any] = [] if heading_text is None else [title(heading_text)]
    for item in items:
        if item is None:
            continue
        shown.append(Markdown(item) if isinstance(item, str) else item)
    return Section(tuple(shown))


def executive_summary(body: Any, *, language: str) -> Section:
    """The executive summary under its common heading ("Executive summary" / "Краткие выводы")."""
    return section(t("executive_summary", language), body)


def appendix(body: Any, *, language: str) -> Section:
    """The appendix (definitions, parameters, data, version) under its common heading."""
    return section(t("appendix", language), body)


def chart(plot: Any, *args: Any, height: float, **kwargs: Any) -> Any:
    """A 9-inch-wide figure of `height` inches holding `plot(*args, ax=..., **kwargs)`."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, height))
    plot(*args, ax=ax, **kwargs)
    return fig


def column_labels(report: str, language: str, columns: Sequence[str]) -> dict[str, str]:
    """The headers of `columns` from the report's texts (`col.<column>`)."""
    col = Words(report, language)["col"]
    return {c: col[c] for c in columns}


def plain(value: object) -> str:
    """A value from the data (a client's, manager's or campaign's name) made safe inside Markdown.

    Names come from outside: ``<img src=x onerror=...>`` or ``**`` in a card must read as
    written, never become HTML or emphasis of the report. HTML specials become entities and
    Markdown punctuation is escaped; tables escape their cells themselves (`tables.table`).
    """
    text = html.escape(str(value), quote=False)
    return re.sub(r"([\\`*_\[\]{}#|~])", r"\\\1", text)


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


# --- helpers ------------------------------------------------------------------------------------


def _is_figure(item: Any) -> bool:
    from matplotlib.figure import Figure

    return isinstance(item, Figure)


def _is_axes(item: Any) -> bool:
    from matplotlib.axes import Axes

    return isinstance(item, Axes)


def _figure_html(note: str, figure: Any) -> str:
    """A figure element: the reading note as its caption above the chart (PNG as a data URI)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    _closed(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width = round(figure.get_figwidth() * 100)
    return (
        '<figure class="cb-figure" style="margin: 0">'
        f'<figcaption style="margin-bottom: 8px">{html.escape(note)}</figcaption>'
        f'<img src="data:image/png;base64,{data}" width="{width}" alt="">'
        "</figure>"
    )


def _closed(figure: Any) -> Any:
    """Detach a figure from pyplot so that the notebook shows it once, where it is displayed."""
    import matplotlib.pyplot as plt

    plt.close(figure)
    return figure
