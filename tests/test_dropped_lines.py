"""Lines dropped at loading are accounted for, to the kopeck.

The CI export is copied with order lines of an unknown customer name, order lines of a name
that two cards share, and payments of an unknown customer code. `data_overview/tables.csv`
must count every data line of each file (`rows`) and the lines used (`rows_used`), the
amount of the dropped lines must be in `tables.csv` and in the problems, and the overview's
summary must say how many lines and how much money were not matched, in both languages.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, ci_profile_for, clientbase

UNKNOWN = "ООО «Нет такого клиента»"
UNKNOWN_CODE = "99-999999"


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace("\xa0", "").replace(",", "."))


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="cp1251").splitlines(), delimiter=";"))


def _write(path: Path, rows: list[list[str]]) -> None:
    path.write_text("\r\n".join(";".join(r) for r in rows) + "\r\n", encoding="cp1251")


def _spoil(data: Path, out: Path) -> dict[str, tuple[int, int, Decimal]]:
    """Copy the 1C export with lines no card matches; {table: (lines, dropped, dropped amount)}."""
    out.mkdir()
    for path in data.glob("*.csv"):
        (out / path.name).write_bytes(path.read_bytes())
    cards = _rows(out / "kontragenty.csv")
    name = cards[0].index("Наименование")
    code = cards[0].index("Код")
    # a second card with the name of an existing one: that name is ambiguous from now on
    twin = list(cards[5])
    twin[code] = "00-999998"
    cards.append(twin)
    _write(out / "kontragenty.csv", cards)
    shared = twin[name]

    sales = _rows(out / "prodazhi.csv")
    customer, amount = sales[0].index("Контрагент"), sales[0].index("Сумма")
    for i in range(3, len(sales), 97):  # a line in every hundred or so names nobody
        sales[i][customer] = UNKNOWN
    _write(out / "prodazhi.csv", sales)
    dropped = [r for r in sales[1:] if r[customer] in (UNKNOWN, shared)]
    assert {r[customer] for r in dropped} == {UNKNOWN, shared}
    accounts = {"orders": (len(sales) - 1, len(dropped), sum((_amount(r[amount]) for r in dropped), Decimal(0)))}

    payments = _rows(out / "postupleniya.csv")
    code_col, amount = payments[0].index("Код контрагента"), payments[0].index("Сумма")
    for i in (2, 10, 11):
        payments[i][code_col] = UNKNOWN_CODE
    _write(out / "postupleniya.csv", payments)
    dropped = [r for r in payments[1:] if r[code_col] in (UNKNOWN_CODE, twin[code])]
    accounts["payments"] = (len(payments) - 1, len(dropped), sum((_amount(r[amount]) for r in dropped), Decimal(0)))
    return accounts


@pytest.fixture(scope="module")
def spoiled(tmp_path_factory, ci_run):  # ci_run: the CI export exists
    root = tmp_path_factory.mktemp("dropped")
    accounts = _spoil(ROOT / "data" / "ci", root / "data")
    ci_profile_for(root / "data", root / "spoiled.yaml")
    runs = {}
    for lang in ("en", "ru"):
        run = clientbase("run", str(root / "spoiled.yaml"), "--only", "data_overview", "--no-pdf", "--lang", lang,
                         out=root / f"reports-{lang}")
        assert run.code == 0, run.stderr[-3000:]
        runs[lang] = run.folder("spoiled")
    return runs, accounts


def _tables(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "data_overview" / "tables.csv", encoding="utf-8") as f:
        return {r["table"]: r for r in csv.DictReader(f)}


def test_tables_count_the_lines_read_and_the_lines_used(spoiled):
    runs, accounts = spoiled
    tables = _tables(runs["en"])
    for table, (lines, dropped, amount) in accounts.items():
        row = tables[table]
        assert int(row["rows"]) == lines, table
        assert int(row["rows"]) - int(row["rows_used"]) == dropped, table
        assert Decimal(row["amount_dropped"]).quantize(Decimal("0.01")) == amount, table
    # tables nothing was dropped from use every line they read
    assert tables["customers"]["rows"] == tables["customers"]["rows_used"] == "301"  # 300 cards and the twin
    assert tables["customers"]["amount_dropped"] == ""


def test_the_problems_carry_the_dropped_amounts(spoiled):
    runs, accounts = spoiled
    with open(runs["en"] / "data_overview" / "problems.csv", encoding="utf-8") as f:
        problems = list(csv.DictReader(f))
    for table, file in (("orders", "prodazhi.csv"), ("payments", "postupleniya.csv")):
        messages = [p["message"] for p in problems if p["file"] == file and "dropped" in p["message"]]
        found = [Decimal(m) for msg in messages for m in re.findall(r"amount (-?\d+\.\d\d)", msg)]
        assert sum(found, Decimal(0)) == accounts[table][2], messages


@pytest.mark.parametrize(("lang", "words"), [("en", "not matched to a customer"), ("ru", "не сопоставлены с клиентом")])
def test_the_summary_says_what_was_not_matched(spoiled, lang, words):
    runs, accounts = spoiled
    page = (runs[lang] / "data_overview.html").read_text(encoding="utf-8")
    lines, dropped, amount = accounts["orders"]
    text = re.sub(r"<[^>]+>", "", page).replace("\xa0", " ").replace("\u202f", " ")
    sentence = next((s for s in text.split("\n") if words in s), None)
    assert sentence is not None, words
    assert str(dropped) in sentence
    whole, cents = f"{amount:.2f}".split(".")
    assert re.search(rf"{int(whole):,}".replace(",", "[ ,]") + rf"[.,]{cents}", sentence), sentence
