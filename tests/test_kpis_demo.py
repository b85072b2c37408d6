"""The KPIs on generated 1C data agree with the cube and with the reports that own CAC, DSO and the
pipeline: each figure is what that report's own analysis gives at the same date (issue 16: "from
the other reports' analyses, not recomputed differently")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clientbase as cb
from clientbase import kpis
from clientbase.channels import channel_economics
from clientbase.deal_funnel import deal_funnel_report
from clientbase.demo import generate_demo
from clientbase.demo.deals import STAGES
from clientbase.receivables import receivables_report

PROFILE = ("data:\n  path: demo\n  format: 1c\nperiod: latest\nlanguage: en\n"
           f"deal_funnel:\n  stages: [{', '.join(STAGES)}]\n")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("kpis-demo")
    generate_demo(root / "demo", customers=800, years=3, seed=11)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTBASE_CACHE", str(root / "cache"))
        wb = cb.setup(root / "profile.yaml", period="latest", quiet=True)
        others = wb.other_kpi_inputs()
        result = kpis.kpis_report(wb.daily, wb.customers, as_of=wb.as_of, others=others)
        return wb, others, result, wb.cube


def test_every_kpi_of_other_reports_is_available_on_the_demo(run):
    _, _, result, _ = run
    assert result.available == ("cac", "ltv_12m", "dso", "pipeline_expected_value")
    assert result.kpis[list(result.available)].notna().all().all()


def test_dso_and_pipeline_are_the_owning_reports_figures_at_each_quarter_end(run):
    wb, others, result, _ = run
    for row in result.kpis.itertuples():
        end = row.quarter_end
        receivables = receivables_report(others.invoices, others.payments, wb.customers, as_of=end,
                                         options=others.receivables_options)
        assert row.dso == pytest.approx(receivables.headlines.dso, rel=1e-12)
    funnel = deal_funnel_report(others.deals, others.deal_stages, as_of=wb.as_of, options=others.deal_options)
    assert result.now["pipeline_expected_value"] == pytest.approx(funnel.pipeline.expected, rel=1e-12)


def test_cac_and_ltv_are_the_channels_figures_of_the_quarter(run):
    wb, others, result, _ = run
    table = channel_economics(wb.customers, wb.cube, others.campaigns, as_of=wb.as_of, period_months=3,
                              ltv_months=others.campaign_options.ltv_months, margin=others.campaign_options.margin)
    paid = table[table["cost"] > 0]
    assert result.now["cac"] == pytest.approx(paid["cost"].sum() / paid["new_customers"].sum(), rel=1e-12)
    measured = table[table["ltv_customers"] > 0]
    expected = (measured["ltv"] * measured["ltv_customers"]).sum() / measured["ltv_customers"].sum()
    assert result.now["ltv_12m"] == pytest.approx(expected, rel=1e-12)


def test_base_kpis_agree_with_the_monthly_cube(run):
    wb, _, result, cube = run
    first = cube[cube["orders"] > 0].groupby("customer_id")["first_order_date"].min()
    for row in result.kpis.itertuples():
        start, end = row.quarter_start, row.quarter_end
        months = cube[(cube["month"] >= start) & (cube["month"] <= end)]
        assert row.revenue == pytest.approx(months["revenue"].sum(), rel=1e-9)
        assert row.activity_orders == months["orders"].sum()
        window = cube[(cube["month"] > end - pd.DateOffset(months=12)) & (cube["month"] <= end) & (cube["orders"] > 0)]
        assert row.active_customers == window["customer_id"].nunique()
        assert row.new_customers == int(((first >= start) & (first <= end)).sum())
        revenue = months.groupby("customer_id")["revenue"].sum()
        repeat = revenue[revenue.index.map(first).to_numpy(dtype="datetime64[ns]") < np.datetime64(start)].sum()
        assert row.repeat_revenue_share == pytest.approx(repeat / revenue.sum(), rel=1e-9)


def test_bridge_adds_up_on_the_demo(run):
    _, _, result, _ = run
    b = result.bridge
    np.testing.assert_allclose(b[list(kpis.PARTS)].sum(axis=1), b["change"], rtol=0, atol=1e-6)
    for (comparison, _), groups in b[b["dimension"] != "total"].groupby(["comparison", "dimension"]):
        total = result.bridge_of(comparison).iloc[0]
        assert groups["change"].sum() == pytest.approx(total["change"], abs=1e-6)
    total = result.bridge_of("previous_quarter").iloc[0]
    assert total["revenue"] == pytest.approx(result.now["revenue"], rel=1e-12)
    assert total["revenue_base"] == pytest.approx(result.previous["revenue"], rel=1e-12)
