"""Results shared by the reports of a run (clientbase.shared): computed once, keyed by options and code."""

from __future__ import annotations

import pickle

from clientbase import shared
from clientbase.abc_xyz import AbcXyzOptions
from clientbase.clv import ClvOptions


def test_a_result_is_computed_once_and_then_read(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    options = ClvOptions()
    first = shared.load_or_compute(tmp_path, "clv", options, compute)
    again = shared.load_or_compute(tmp_path, "clv", ClvOptions(), compute)  # equal options: the same key
    assert first == again == {"value": 1} and len(calls) == 1
    assert shared.path_of(tmp_path, "clv", options).parent == tmp_path / "shared"


def test_other_options_or_names_are_other_results(tmp_path):
    a = shared.path_of(tmp_path, "clv", ClvOptions())
    assert shared.path_of(tmp_path, "clv", ClvOptions(horizon_days=30)) != a
    assert shared.path_of(tmp_path, "abc_xyz_classes", AbcXyzOptions()) != shared.path_of(tmp_path, "other",
                                                                                             AbcXyzOptions())


def test_the_key_holds_the_code_fingerprint(tmp_path, monkeypatch):
    before = shared.path_of(tmp_path, "clv", ClvOptions())
    monkeypatch.setattr(shared, "code_fingerprint", lambda: "another version of the code")
    assert shared.path_of(tmp_path, "clv", ClvOptions()) != before


def test_a_damaged_file_is_computed_again(tmp_path):
    path = shared.path_of(tmp_path, "clv", ClvOptions())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x80\x05 not a pickle")
    assert shared.load_or_compute(tmp_path, "clv", ClvOptions(), lambda: 42) == 42
    assert pickle.loads(path.read_bytes()) == 42
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # nothing half-written left beside it


def test_the_run_starts_the_readers_of_shared_results_only_when_they_are_computed(monkeypatch):
    import threading

    release, started = threading.Event(), threading.Event()

    def slow_precompute(profile, prepared, reports, say):
        started.set()
        assert release.wait(10)
        return 2.5

    monkeypatch.setattr(shared, "for_run", slow_precompute)
    job = shared.InBackground(None, None, ["abc_xyz", "clv"], print)
    assert started.wait(10)
    # while the shared results are computed, only the reports that do not read them may start
    assert job.ready("abc_xyz") and job.ready("kpis")
    assert not any(job.ready(r) for r in shared.READERS)
    release.set()
    assert job.wait() == 2.5
    assert all(job.ready(r) for r in (*shared.READERS, "abc_xyz"))


def test_the_readers_are_the_reports_precompute_computes_for():
    # the reports precompute's conditions name are exactly those a run makes wait: a reader missing
    # from READERS would start before its results and compute them itself
    import inspect
    import re

    from clientbase import catalog

    named = set(re.findall(r'"(\w+)"', inspect.getsource(shared.precompute))) & set(catalog.REPORTS)
    assert named == set(shared.READERS)
