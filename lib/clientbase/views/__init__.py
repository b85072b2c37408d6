"""Report-specific presentation: figures and Excel lists of each report."""
