"""Tests of clientbase.pages: the run index and the reports index, offline and in the run's language."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from clientbase import pages

FIXTURES = Path(__file__).parent / "fixtures" / "render"


def _manifest() -> dict:
    return json.loads((FIXTURES / "run.json").read_text(encoding="utf-8"))



def _publish_run(root: Path, profile: str, period: str, finished: str, *, language: str = "en",
                 status: str = "ok") -> None:
    manifest = _manifest()
    manifest.update(profile=profile, period=period, finished_at=finished, started_at=finished,
                    language=language, status=status)
    folder = root / profile / period
    folder.mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_run_index_lists_reports_with_headlines_and_links(tmp_path):
    manifest = _manifest()
    before = copy.deepcopy(manifest)
    path = pages.write_run_index(tmp_path, manifest)
    page = path.read_text(encoding="utf-8")
    assert path == tmp_path / "index.html"
    assert manifest == before
    assert '<html lang="ru">' in page
    assert "Отчёты по клиентской базе: 3-й кв. 2026" in page
    assert "<dt>По состоянию на</dt><dd>30.09.2026</dd>" in page
    assert '<span class="cb-badge cb-partial">частично</span>' in page
    assert "<dt>Сформирован</dt><dd>23.11.2026 14:00 UTC</dd>" in page
    assert '<a href="data_overview.html">Обзор данных</a>' in page
    assert '<a href="data_overview.pdf">PDF</a>' in page
    assert '<a href="data_overview/tables.csv" translate="no">tables.csv</a>' in page
    assert "<dt>Клиентов</dt><dd>5 000</dd>" in page
    assert "cell 7: KeyError: &#39;manager&#39;" in page
    assert '<a href="reactivation.html"' not in page
    assert '<a href="reactivation.ipynb">Блокнот</a>' in page
    assert "Окупаемость маркетинговых кампаний" in page  # title from text.py when the manifest has none
    assert '<span class="cb-badge cb-skipped">пропущен</span>' in page
    assert "kontragenty.csv" in page and "9f86d081884c" in page
    assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page



def test_reports_index_lists_runs_newest_first_with_links(tmp_path):
    _publish_run(tmp_path, "demo", "2026Q2", "2026-08-01T10:00:00+00:00")
    _publish_run(tmp_path, "demo", "2026Q3", "2026-11-23T14:00:41+00:00", status="partial")
    _publish_run(tmp_path, "ci", "2026Q3", "2026-11-23T16:00:00+03:00")  # 13:00 UTC: before demo 2026Q3
    # a run being written and a kept failure are not published runs
    (tmp_path / "demo" / ".run-2026Q4-abc").mkdir()
    (tmp_path / "demo" / ".run-2026Q4-abc" / "run.json").write_text("{}", encoding="utf-8")
    page = pages.write_reports_index(tmp_path).read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+/index\.html)"', page)
    assert links == ["demo/2026Q3/index.html", "ci/2026Q3/index.html", "demo/2026Q2/index.html"]
    assert '<a href="demo/2026Q3/data_overview.html">Обзор данных</a>' in page  # the manifest's title
    assert '<a href="demo/2026Q3/data_overview.pdf">PDF</a>' in page
    assert '<span class="cb-badge cb-partial">partial</span>' in page
    assert "<dt>Runs</dt><dd>3</dd>" in page
    assert ".run-2026Q4" not in page
    assert '<html lang="en">' in page



def test_reports_index_language_follows_the_newest_run_unless_given(tmp_path):
    _publish_run(tmp_path, "demo", "2026Q2", "2026-08-01T10:00:00+00:00", language="en")
    _publish_run(tmp_path, "demo", "2026Q3", "2026-11-23T14:00:00+00:00", language="ru")
    assert '<html lang="ru">' in pages.write_reports_index(tmp_path).read_text(encoding="utf-8")
    page = pages.write_reports_index(tmp_path, language="en").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "All report runs" in page



def test_reports_index_lists_an_unreadable_manifest_as_unknown(tmp_path):
    folder = tmp_path / "demo" / "2026Q1"
    folder.mkdir(parents=True)
    (folder / "run.json").write_text("{not json", encoding="utf-8")
    page = pages.write_reports_index(tmp_path).read_text(encoding="utf-8")
    assert '<a href="demo/2026Q1/index.html">' in page
    assert '<span class="cb-badge cb-unknown">unknown</span>' in page



def test_reports_index_of_an_empty_folder_says_so(tmp_path):
    page = pages.write_reports_index(tmp_path).read_text(encoding="utf-8")
    assert "No runs yet." in page
