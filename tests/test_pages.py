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


# --- KPI tiles and the KPI history (issue 16) -------------------------------------------------------

def _kpis_csv(folder: Path, rows: list[tuple]) -> None:
    """rows: (quarter, active_customers, revenue, crr, lost_customers); the other KPIs empty."""
    (folder / "kpis").mkdir(parents=True, exist_ok=True)
    lines = ["quarter,active_customers,new_customers,lost_customers,crr,revenue,activity_orders,average_check,"
             "repeat_revenue_share,cac,ltv_12m,dso,pipeline_expected_value"]
    lines += [f"{q},{a},5,{lost},{crr},{rev},10,100.5,0.9,,,," for q, a, rev, crr, lost in rows]
    (folder / "kpis" / "kpis.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_run_index_shows_a_tile_per_kpi_with_its_value_change_and_sparkline(tmp_path):
    manifest = _manifest()
    _kpis_csv(tmp_path, [("2026Q1", 90, 1000.0, 0.95, 4), ("2026Q2", 100, 1500.0, 0.9, 3),
                         ("2026Q3", 120, 1200.0, 0.92, 7)])
    page = pages.write_run_index(tmp_path, manifest).read_text(encoding="utf-8")
    tiles = dict(re.findall(r'<li class="cb-tile" data-kpi="(\w+)" data-value="([^"]*)">', page))
    # the KPIs whose inputs the run lacks (every quarter empty) have no tile
    assert set(tiles) == {"active_customers", "new_customers", "lost_customers", "crr", "revenue", "average_check",
                          "repeat_revenue_share"}
    assert float(tiles["active_customers"]) == 120 and float(tiles["revenue"]) == 1200.0
    tile = page[page.index('data-kpi="active_customers"'):]
    tile = tile[:tile.index("</li>")]
    assert '<p class="cb-tile-value">120</p>' in tile
    assert '<p class="cb-tile-change cb-good">+20</p>' in tile  # more active clients: good
    assert tile.count("<svg") == 1 and "<polyline" in tile and "3-й кв. 2026: 120" in tile
    lost = page[page.index('data-kpi="lost_customers"'):]
    assert '<p class="cb-tile-change cb-bad">+4</p>' in lost[:lost.index("</li>")]  # more lost clients: bad
    revenue = page[page.index('data-kpi="revenue"'):]
    assert "cb-bad" in revenue[:revenue.index("</li>")] and "−20,0" in revenue[:revenue.index("</li>")]
    crr = page[page.index('data-kpi="crr"'):]
    assert "+2,0 п.п." in crr[:crr.index("</li>")]
    assert "к 2-й кв. 2026" in page
    assert "<script" not in page and "http" not in page.split("</style>")[1].replace("https://", "")


def test_run_index_without_kpis_has_no_tiles(tmp_path):
    page = pages.write_run_index(tmp_path, _manifest()).read_text(encoding="utf-8")
    assert "cb-tile" not in page.split("</style>")[1]


def test_kpi_history_takes_each_quarter_once_from_the_run_made_for_it(tmp_path):
    _publish_run(tmp_path, "demo", "2026Q2", "2026-07-05T10:00:00+00:00")
    _kpis_csv(tmp_path / "demo" / "2026Q2", [("2026Q1", 90, 1000.0, 0.9, 1), ("2026Q2", 100, 2000.0, 0.9, 1)])
    _publish_run(tmp_path, "demo", "2026Q3", "2026-10-05T10:00:00+00:00")
    # the 2026Q3 run saw 2026Q2 differently (later corrections); its own quarter is new
    _kpis_csv(tmp_path / "demo" / "2026Q3", [("2026Q1", 91, 1001.0, 0.9, 1), ("2026Q2", 101, 2001.0, 0.9, 1),
                                             ("2026Q3", 130, 3000.0, 0.9, 1)])
    runs = [pages._read_run(p, tmp_path) for p in pages._run_manifests(tmp_path)]
    history = pages.kpi_histories(tmp_path, runs)["demo"]
    assert list(history["quarter"]) == ["2026Q1", "2026Q2", "2026Q3"]
    # 2026Q2 from its own run, 2026Q1 (no run of its own) from the newest run that has it
    assert list(history["active_customers"]) == [91, 100, 130]
    # a re-run of 2026Q2 replaces that run's folder, and so its point; nothing is duplicated
    _kpis_csv(tmp_path / "demo" / "2026Q2", [("2026Q1", 90, 1000.0, 0.9, 1), ("2026Q2", 105, 2100.0, 0.9, 1)])
    runs = [pages._read_run(p, tmp_path) for p in pages._run_manifests(tmp_path)]
    history = pages.kpi_histories(tmp_path, runs)["demo"]
    assert list(history["quarter"]) == ["2026Q1", "2026Q2", "2026Q3"]
    assert list(history["active_customers"]) == [91, 105, 130]
    page = pages.write_reports_index(tmp_path, language="en").read_text(encoding="utf-8")
    assert page.count('class="cb-history-grid" data-profile="demo"') == 1
    assert "Q1 2026 – Q3 2026 · 3 quarters" in page
    chart = page[page.index('<figure class="cb-history-chart" data-kpi="active_customers">'):]
    assert "<strong>130</strong>" in chart[:chart.index("</figure>")]


def test_kpi_history_of_a_single_run_is_its_own_quarters(tmp_path):
    _publish_run(tmp_path, "shop", "2026Q3", "2026-10-05T10:00:00+00:00", language="ru")
    _kpis_csv(tmp_path / "shop" / "2026Q3", [(q, 10 + i, 100.0, 0.5, 0) for i, q in enumerate(
        ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"])])
    page = pages.write_reports_index(tmp_path).read_text(encoding="utf-8")
    assert "4-й кв. 2024 – 3-й кв. 2026 · 8 кварталов" in page
    assert "Показатели по запускам" in page
