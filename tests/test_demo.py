"""The demo generator: 1C-shaped files, deterministic, truth beside it, nothing half-written.

Issue 2 "Demo data"; the planted content is checked against the analyses in the report tests
(test_audit_demo.py, test_abc_xyz_demo.py, test_campaigns_demo.py); here: the shape of the
export, what the truth records, and the guarantees of the writer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

import clientbase as cb
from clientbase import cli
from clientbase.demo import BEHAVIOURS, generate_demo

N, SEED = 240, 11
PROFILE = "data:\n  path: export\n  format: 1c\nperiod: latest\nlanguage: ru\n"
FILES = {"kampanii.csv", "kontaktnye_lica.csv", "kontragenty.csv", "lidy.csv", "prodazhi.csv", "uchastniki_kampaniy.csv",
         "dokumenty_raschetov.csv", "postupleniya.csv", "sdelki_s_klientami.csv", "etapy_sdelok.csv"}
SOURCES = {"Сайт", "Реклама", "Выставка", "Партнёр", "Маркетплейс", "Холодный звонок"}


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    return generate_demo(root / "export", customers=N, seed=SEED)


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("cp1251"), newline=""), delimiter=";"))


def test_export_is_shaped_as_1c_saves_it(demo):
    assert {p.name for p in demo.out.iterdir()} == FILES
    raw = (demo.out / "prodazhi.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # cp1251, as 1C writes it
    assert b"\r\n" in raw
    orders = _rows(demo.out / "prodazhi.csv")
    assert orders[0][:3] == ["Дата", "Документ", "Контрагент"]
    assert "Код контрагента" not in orders[0]  # customers are referenced by name
    first = dict(zip(orders[0], orders[1], strict=True))
    assert pd.to_datetime(first["Дата"], format="%d.%m.%Y %H:%M:%S") >= pd.Timestamp("2023-01-01")
    assert any("," in row[orders[0].index("Сумма")] for row in orders[1:50])  # decimal comma
    customers = _rows(demo.out / "kontragenty.csv")
    assert customers[0][:5] == ["Код", "Наименование", "Полное наименование", "ИНН", "КПП"]
    assert len(customers) - 1 == demo.customers == N


def test_same_seed_gives_identical_files_and_another_seed_does_not(demo, tmp_path):
    again = generate_demo(tmp_path / "export", customers=N, seed=SEED)
    assert _digest(again.out) == _digest(demo.out)
    assert _digest(again.truth) == _digest(demo.truth)
    other = generate_demo(tmp_path / "other", customers=N, seed=SEED + 1)
    assert _digest(other.out)["prodazhi.csv"] != _digest(demo.out)["prodazhi.csv"]


def test_truth_records_what_was_planted(demo):
    manifest = json.loads((demo.truth / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == SEED and manifest["as_of"] == "2026-09-30"
    assert manifest["counts"]["order_lines"] == demo.order_lines == len(_rows(demo.out / "prodazhi.csv")) - 1
    truth = pd.read_csv(demo.truth / "customers.csv", dtype="str", keep_default_na=False)
    assert len(truth) == N
    assert set(truth["behaviour"]) == set(BEHAVIOURS)  # every behaviour, even in a small demo
    assert truth["manager"].replace("", pd.NA).dropna().nunique() == 8
    assert set(truth["source"].replace("", pd.NA).dropna()) == SOURCES
    duplicates = pd.read_csv(demo.truth / "duplicates.csv", dtype="str")
    assert set("|".join(duplicates["rule"]).split("|")) == {"inn_kpp", "phone", "email", "name"}
    assert duplicates.groupby("group_id").size().min() >= 2
    assert len(pd.read_csv(demo.truth / "branches.csv")) >= 2
    problems = set(pd.read_csv(demo.truth / "invalid_ids.csv", dtype="str")["problem"])
    assert {"checksum", "length", "not_digits", "all_zeros"} <= problems
    campaigns = pd.read_csv(demo.truth / "campaigns.csv")
    assert (campaigns["has_control"] & (campaigns["control_size"] > 0)).sum() >= 4


def test_export_loads_cleanly_with_every_line(demo, tmp_path, monkeypatch):
    (demo.out.parent / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    wb = cb.setup(demo.out.parent / "profile.yaml", quiet=True)
    assert len(wb.customers) == N
    assert wb.as_of == pd.Timestamp("2026-09-30")
    assert wb.has_cost
    # every order names a known customer: the cube covers all of them
    orders_customers = wb.cube["customer_id"].nunique()
    buyers = pd.read_csv(demo.truth / "customers.csv", dtype="str")
    assert orders_customers <= len(buyers[buyers["behaviour"] != "potential"])


def test_a_failure_leaves_the_previous_data_and_no_temporary_folders(demo, tmp_path):
    out = tmp_path / "export"
    generate_demo(out, customers=200, seed=1)
    before = _digest(out)

    def fail(message: str) -> None:
        if message == "writing the ground truth":
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        generate_demo(out, customers=200, seed=2, progress=fail)
    assert _digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export", "export_truth"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"customers": 10}, "customers must be an integer >= 200"), ({"years": 1}, "years must be an integer >= 2"),
     ({"file_format": "xml"}, "file_format must be one of")],
    ids=["too-few-customers", "too-short", "unknown-format"],
)
def test_bad_arguments_are_refused_before_writing(tmp_path, arguments, message):
    with pytest.raises(ValueError, match=message):
        generate_demo(tmp_path / "export", **arguments)
    assert list(tmp_path.iterdir()) == []


def test_parquet_format_has_canonical_columns(tmp_path):
    summary = generate_demo(tmp_path / "export", customers=200, seed=5, file_format="parquet")
    orders = pd.read_parquet(next(summary.out.glob("orders*.parquet")))
    assert {"order_id", "date", "customer_id", "amount"} <= set(orders.columns)
    assert len(orders) == summary.order_lines


def test_cli_writes_demo_data(tmp_path, capsys):
    code = cli.main(["demo-data", "--out", str(tmp_path / "d"), "--customers", "200", "--seed", "3"])
    assert code == 0
    assert {p.name for p in (tmp_path / "d").iterdir()} == FILES
    assert (tmp_path / "d_truth" / "manifest.json").is_file()
