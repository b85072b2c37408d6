"""The prepared-data cache (clientbase.cache): a damaged or foreign cache is built again."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from clientbase.cache import prepare
from clientbase.demo import generate_demo
from clientbase.profiles import load_profile

PROFILE = "data:\n  path: export\n  format: 1c\nperiod: latest\n"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    root = tmp_path_factory.mktemp("cache")
    generate_demo(root / "export", customers=200, seed=3)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    return root / "profile.yaml"


@pytest.fixture
def profile(export, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))  # a new cache for every test
    return load_profile(export)


def _tables(prepared) -> dict[str, pd.DataFrame]:
    folder = prepared.cache_dir
    facts = folder / f"facts-{prepared.period.as_of.date().isoformat()}"
    return {p.name: pd.read_parquet(p) for p in [*sorted((folder / "tables").glob("*.parquet")),
                                                 *sorted(facts.glob("*.parquet"))]}


def _prepare_again(profile) -> tuple[object, list[str]]:
    said: list[str] = []
    return prepare(profile, progress=said.append), said


@pytest.mark.parametrize("damage", ["truncate a table", "delete a table", "delete the cube", "corrupt meta.json",
                                    "an older version", "no manifest"])
def test_a_damaged_cache_is_rebuilt_with_one_notice_and_gives_the_same_tables(profile, damage):
    first = prepare(profile)
    clean = _tables(first)
    folder = first.cache_dir
    facts = folder / f"facts-{first.period.as_of.date().isoformat()}"
    if damage == "truncate a table":
        path = folder / "tables" / "customers.parquet"
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "delete a table":
        (folder / "tables" / "orders.parquet").unlink()
    elif damage == "delete the cube":
        next(p for p in facts.glob("*.parquet") if p.name != "cube.parquet").unlink()
    elif damage == "corrupt meta.json":
        (folder / "meta.json").write_text("{", encoding="utf-8")
    elif damage == "an older version":
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        (folder / "manifest.json").write_text(json.dumps({**manifest, "clientbase_version": "0.0.1"}),
                                              encoding="utf-8")
    else:
        (folder / "manifest.json").unlink()
    again, said = _prepare_again(profile)
    notices = [m for m in said if "damaged" in m]
    assert len(notices) == 1, said
    assert str(folder if damage != "delete the cube" else facts) in notices[0]
    rebuilt = _tables(again)
    assert rebuilt.keys() == clean.keys()
    for name, frame in clean.items():
        pd.testing.assert_frame_equal(rebuilt[name], frame, obj=name)
    third, said = _prepare_again(profile)
    assert not [m for m in said if "damaged" in m]  # whole again: reused without a word


def test_a_whole_cache_is_reused_silently(profile):
    prepare(profile)
    _, said = _prepare_again(profile)
    assert said == []


def test_demo_data_of_an_older_generation_is_generated_again_and_user_data_never(tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTBASE_CACHE", str(tmp_path / "cache"))
    demo = "data:\n  path: demo\n  format: 1c\n  demo: {customers: 200, years: 2, seed: 1}\nperiod: latest\n"
    (tmp_path / "demo.yaml").write_text(demo, encoding="utf-8")
    profile = load_profile(tmp_path / "demo.yaml")
    prepare(profile)
    # as the generation before deals left it: no deal files, a manifest without "generation"
    for name in ("sdelki_s_klientami.csv", "etapy_sdelok.csv"):
        (tmp_path / "demo" / name).unlink()
    manifest = tmp_path / "demo_truth" / "manifest.json"
    written = json.loads(manifest.read_text(encoding="utf-8"))
    del written["generation"]
    manifest.write_text(json.dumps(written), encoding="utf-8")
    prepared, said = _prepare_again(profile)
    assert any("written by an older generator (without the newer tables): generating it again" in s for s in said)
    assert (tmp_path / "demo" / "sdelki_s_klientami.csv").is_file()
    assert any(i["table"] == "deals" for i in prepared.inputs)
    _, said = _prepare_again(profile)
    assert not any("generating" in s for s in said)  # the current generation is kept
    # a folder the generator did not write (no truth manifest) is the user's: never replaced
    manifest.unlink()
    (tmp_path / "demo" / "sdelki_s_klientami.csv").unlink()
    _, said = _prepare_again(profile)
    assert not any("generating" in s for s in said)
    assert not (tmp_path / "demo" / "sdelki_s_klientami.csv").exists()
