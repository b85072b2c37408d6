"""Segments: RFM with the RF map as data, segments of one's own as rules over per-customer
facts (dynamic, periodic with their history, manual), loyalty levels against behaviour, and
lists back into 1C and mailing tools.

Definitions: REFERENCE.md "RFM and segments". One module per concept:

- `options`: `SegmentsOptions`, the RF map (shipped in `rf_map.yaml`, checked to cover the
  grid), the user's segments;
- `rules`: the safe rule language (parsed here, never evaluated as code);
- `rfm`: the tie-aware scores and the segment of each client;
- `result`: `segments_report`, the facts, memberships, history, flows and loyalty.

No I/O here: the files of manual segments are read by `Workbook.manual_segments`, the lists
for 1C and mailing tools are written by `views.segments_lists`.
"""

from __future__ import annotations

from clientbase.segments.options import (
    CHANGES_COLUMNS,
    FACT_FIELDS,
    MEMBERS_COLUMNS,
    RFM_COLUMNS,
    RFM_SEGMENTS,
    MapCell,
    Segment,
    SegmentsOptions,
    check_map,
    default_map,
)
from clientbase.segments.result import SegmentsResult, customer_facts, manual_members, segments_report
from clientbase.segments.rfm import rfm_table, segment_of, tie_scores
from clientbase.segments.rules import Rule, RuleError, parse_rule

__all__ = [
    "CHANGES_COLUMNS",
    "FACT_FIELDS",
    "MEMBERS_COLUMNS",
    "RFM_COLUMNS",
    "RFM_SEGMENTS",
    "MapCell",
    "Rule",
    "RuleError",
    "Segment",
    "SegmentsOptions",
    "SegmentsResult",
    "check_map",
    "customer_facts",
    "default_map",
    "manual_members",
    "parse_rule",
    "rfm_table",
    "segment_of",
    "segments_report",
    "tie_scores",
]
