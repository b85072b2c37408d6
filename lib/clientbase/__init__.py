"""clientbase: a reproducible reporting workbook for a company's client base.

In a notebook: ``wb = clientbase.setup("../params/demo.yaml")`` validates the profile,
loads (or builds) the prepared data and returns a `Workbook` with the canonical tables,
the customer × month cube and the formatters of the report language.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "setup"]


def setup(*args, **kwargs):
    """See `clientbase.workbook.setup` (imported lazily: no side effects on import)."""
    from clientbase.workbook import setup as _setup

    return _setup(*args, **kwargs)
