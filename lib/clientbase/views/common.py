"""Small display helpers shared by every report notebook."""

from __future__ import annotations

from IPython.display import Markdown

from clientbase.text import t


def heading(key: str, language: str, *, level: int = 2) -> Markdown:
    """A section heading from the common strings (`text.t`)."""
    return Markdown(f"{'#' * level} {t(key, language)}")


def title(text: str, *, level: int = 2) -> Markdown:
    """A heading from a report's own text."""
    return Markdown(f"{'#' * level} {text}")


def paragraph(text: str) -> Markdown:
    return Markdown(text)
