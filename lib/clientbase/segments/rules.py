"""Segments of one's own as data: a small, safe language for rules over per-customer facts.

A rule is an expression such as

    abc = 'A' and days_since_last_order > 90 and region in ('Москва', 'Санкт-Петербург')
    rfm_segment in ('at_risk', 'cant_lose') or (loyalty = 'Высокая' and not p_alive >= 0.5)

over the columns of the facts table (REFERENCE.md "RFM and segments": stage, abc, xyz,
rfm_segment, region, source, manager, category, loyalty, days_since_last_order, revenue,
p_alive …). The grammar is parsed here, by recursive descent, into a tree evaluated with
pandas: nothing is ever `eval`-ed, no SQL or Python reaches an engine, and a rule can only
compare facts with literals. Comparisons: = != <> < <= > >=, `in (…)`, `not in (…)`,
`is null`, `is not null`; `and`, `or`, `not`, parentheses; literals are numbers and
'quoted text' ('' for a quote). Text comparisons ignore case and ё/е. Null facts never
match a comparison (as in SQL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<number>-?\d+(?:\.\d+)?)
    | (?P<text>'(?:[^']|'')*')
    | (?P<op><=|>=|!=|<>|=|<|>|\(|\)|,)
    | (?P<word>[^\W\d]\w*)
    )""", re.VERBOSE | re.UNICODE)
_KEYWORDS = {"and", "or", "not", "in", "is", "null"}


class RuleError(ValueError):
    """A rule that cannot be read or names a fact that does not exist."""


@dataclass(frozen=True)
class Rule:
    """A parsed rule: its text and its tree (nested tuples); `fields` are the facts it reads."""

    text: str
    tree: tuple
    fields: tuple[str, ...]

    def evaluate(self, facts: pd.DataFrame) -> pd.Series:
        """The customers of `facts` for which the rule holds (a boolean Series on its index)."""
        return _evaluate(self.tree, facts).fillna(False).astype(bool)


def parse_rule(text: str, fields: Sequence[str]) -> Rule:
    """Parse `text`; a RuleError says what is wrong and where (the unknown field is named)."""
    if not isinstance(text, str) or not text.strip():
        raise RuleError("the rule is empty")
    tokens = _tokens(text)
    parser = _Parser(tokens, text, set(fields))
    tree = parser.expression()
    if parser.position < len(tokens):
        raise RuleError(f"unexpected {tokens[parser.position][1]!r} after a complete rule")
    return Rule(text, tree, tuple(sorted(parser.used)))


def _tokens(text: str) -> list[tuple[str, Any]]:
    out, i = [], 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        match = _TOKEN.match(text, i)
        if match is None or match.end() == i:
            raise RuleError(f"cannot read {text[i:].strip()[:20]!r} (at character {i + 1})")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "number":
            out.append(("literal", float(value)))
        elif kind == "text":
            out.append(("literal", value[1:-1].replace("''", "'")))
        elif kind == "word" and value.lower() in _KEYWORDS:
            out.append(("keyword", value.lower()))
        else:
            out.append((kind, value))
        i = match.end()
    return out


class _Parser:
    """expression := and ("or" and)* ; and := unary ("and" unary)* ; unary := "not" unary | primary ;
    primary := "(" expression ")" | field comparison"""

    def __init__(self, tokens: list[tuple[str, Any]], text: str, fields: set[str]):
        self.tokens, self.text, self.fields = tokens, text, fields
        self.position = 0
        self.used: set[str] = set()

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str, value: Any = None) -> Any:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            wanted = repr(value) if value is not None else {"word": "a fact", "literal": "a value"}.get(kind, kind)
            got = "the end of the rule" if token is None else repr(token[1])
            raise RuleError(f"expected {wanted}, found {got}")
        self.position += 1
        return token[1]

    def accept(self, kind: str, value: Any) -> bool:
        token = self.peek()
        if token is not None and token[0] == kind and token[1] == value:
            self.position += 1
            return True
        return False

    def expression(self) -> tuple:
        node = self.conjunction()
        while self.accept("keyword", "or"):
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> tuple:
        node = self.unary()
        while self.accept("keyword", "and"):
            node = ("and", node, self.unary())
        return node

    def unary(self) -> tuple:
        if self.accept("keyword", "not"):
            return ("not", self.unary())
        return self.primary()

    def primary(self) -> tuple:
        if self.accept("op", "("):
            node = self.expression()
            self.take("op", ")")
            return node
        field = self.take("word")
        if field not in self.fields:
            raise RuleError(f"unknown field {field!r}; the facts are: {', '.join(sorted(self.fields))}")
        self.used.add(field)
        if self.accept("keyword", "is"):
            negate = self.accept("keyword", "not")
            self.take("keyword", "null")
            return ("notnull" if negate else "isnull", field)
        negate = self.accept("keyword", "not")
        if self.accept("keyword", "in"):
            self.take("op", "(")
            values = [self.take("literal")]
            while self.accept("op", ","):
                values.append(self.take("literal"))
            self.take("op", ")")
            return ("notin" if negate else "in", field, tuple(values))
        if negate:
            raise RuleError(f"expected 'in' after {field} not")
        token = self.peek()
        if token is None or token[0] != "op":
            got = "the end of the rule" if token is None else repr(token[1])
            raise RuleError(f"expected a comparison after {field}, found {got}")
        op = self.take("op")
        if op not in ("=", "!=", "<>", "<", "<=", ">", ">="):
            raise RuleError(f"expected a comparison after {field}, found {op!r}")
        value = self.take("literal")
        if isinstance(value, str) and op not in ("=", "!=", "<>"):
            raise RuleError(f"{field} {op} {value!r}: text can only be compared with = or !=")
        return ("cmp", "!=" if op == "<>" else op, field, value)


def _fold(values: pd.Series) -> pd.Series:
    return values.astype("str").str.lower().str.replace("ё", "е").str.strip()


def _fold_one(value: Any) -> Any:
    return value.lower().replace("ё", "е").strip() if isinstance(value, str) else value


def _column(facts: pd.DataFrame, field: str, like: Any) -> pd.Series:
    values = facts[field]
    if isinstance(like, str):
        return _fold(values).where(values.notna())
    return pd.to_numeric(values, errors="coerce")


def _evaluate(node: tuple, facts: pd.DataFrame) -> pd.Series:
    kind = node[0]
    if kind in ("and", "or"):
        left, right = _evaluate(node[1], facts), _evaluate(node[2], facts)
        return (left & right) if kind == "and" else (left | right)
    if kind == "not":
        inner = _evaluate(node[1], facts)
        return (~inner.fillna(False).astype(bool)).where(inner.notna(), pd.NA).astype("boolean")
    if kind in ("isnull", "notnull"):
        missing = facts[node[1]].isna()
        return pd.Series(missing if kind == "isnull" else ~missing, index=facts.index, dtype="boolean")
    if kind in ("in", "notin"):
        _, field, values = node
        column = _column(facts, field, values[0])
        wanted = [_fold_one(v) for v in values]
        hit = column.isin(wanted)
        result = hit if kind == "in" else ~hit
        return result.astype("boolean").where(column.notna(), pd.NA)
    _, op, field, value = node
    column = _column(facts, field, value)
    value = _fold_one(value)
    compare = {"=": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
               ">=": np.greater_equal}[op]
    valid = column.notna()
    result = pd.Series(pd.NA, index=facts.index, dtype="boolean")
    result[valid] = compare(column[valid].to_numpy(), value)
    return result
