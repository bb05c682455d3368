"""The coverage page names people reached at both scales (issue 16 item 5, issue 17): local
(≤ 2 km) and regional (≤ N min by car), each as number and share of the population base, urban
and rural, with its definition; checked against the library's own figures for the same plan."""

from __future__ import annotations

import pytest
from test_app import plan_season, start

from planner.coverage import map_coverage, population_base
from planner.data.pack import load_pack
from planner.i18n import format_number, format_percent, t
from planner.maps import schedule_stops
from planner.scenarios import plan_from_payload, scenario_sites
from planner.traveltime import default_model

pytestmark = pytest.mark.usefixtures("own_database")


def _region(figures):  # type: ignore[no-untyped-def]
    return figures[figures["district_ags"] == "region"].iloc[0]


def test_coverage_page_shows_local_and_regional_reach_with_their_definitions() -> None:
    at = plan_season(start())
    at.switch_page("app_pages/coverage.py").run()
    assert not at.exception, [e.value for e in at.exception]

    # the library's figures for the same plan
    pack = load_pack()
    payload = at.session_state["plan"]
    sites, _ = scenario_sites(pack.sites, {"plan": payload})
    stops = schedule_stops(plan_from_payload(payload, sites=sites).schedule, sites=sites)
    coverage = map_coverage(pack, stops, threshold_min=15.0, model=default_model())
    assert coverage.local is not None
    local, regional = _region(coverage.local), _region(coverage.figures)
    assert local["reached"] < regional["reached"]  # 2 km reaches fewer people than 15 min

    metrics = {m.label: m for m in at.metric}
    local_label = t("ui.coverage.scale_local", "de")
    regional_label = t("ui.coverage.scale_regional", "de", minutes="15")
    assert metrics[local_label].value == format_number(float(local["reached"]), "de", ",.0f")
    assert metrics[regional_label].value == format_number(float(regional["reached"]), "de", ",.0f")
    # each figure names its definition
    assert "2 km" in metrics[local_label].proto.help
    assert "15 Minuten Autofahrt" in metrics[regional_label].proto.help

    captions = [c.value for c in at.caption]
    for row in (local, regional):
        expected = t(
            "ui.coverage.scale_parts",
            "de",
            share=format_percent(row["share"], "de"),
            urban=format_number(float(row["urban_reached"]), "de", ",.0f"),
            urban_share=format_percent(row["urban_share"], "de"),
            rural=format_number(float(row["rural_reached"]), "de", ",.0f"),
            rural_share=format_percent(row["rural_share"], "de"),
        )
        assert expected in captions
    base = int(pack.cells["population"][population_base(pack)].sum())
    assert base == int(regional["population"])  # shares are of the one population base
    assert any(format_number(base, "de", ",.0f") in c and "Mittelpunkt" in c for c in captions)
    # the per-district tables of both scales
    subheaders = [h.value for h in at.subheader]
    assert t("ui.coverage.figures_local", "de") in subheaders
    assert t("ui.coverage.figures", "de", minutes="15") in subheaders

    # the same in English
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    assert "Local: ≤ 2 km from a stop (on foot, by bike)" in labels
    assert "Regional: ≤ 15 min by car" in labels
    values = {m.label: m.value for m in at.metric}
    assert values["Regional: ≤ 15 min by car"] == format_number(
        float(regional["reached"]), "en", ",.0f"
    )
