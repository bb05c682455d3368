"""Page "Standorte vergleichen": the ranking per Amt / Kiel city area, and where the tour has been.

The group view must show the best site of each Amt and each part of Kiel (checked against the
library's ranking computed here), the Amt filter must limit the rows, the last visit must come
from the pack's past stops ("nie" where the tour never was), and the German table must hold no
English words. :func:`planner.scoring.best_per_group` is tested on small frames.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import cell_texts, start, visible

from app_pages.widgets import RANKING_ROWS
from planner.data.pack import RegionPack
from planner.history import History
from planner.scoring import (
    DEFAULT_WEIGHTS,
    SiteCriteria,
    best_per_group,
    compare_sites,
    compute_criteria,
    explain_site,
    score_sites,
)
from planner.traveltime import default_model

pytestmark = pytest.mark.usefixtures("own_database")

GROUP = "Amt bzw. Stadtteil"
LAST = "Letzter Besuch"
#: English words (and raw values) the German ranking must not show.
ENGLISH = ("never", "True", "False", "nan", "None", "NaN", "unknown", "<NA>")


@pytest.fixture(scope="module")
def criteria(pack: RegionPack) -> SiteCriteria:
    """The library's criteria with the app's defaults (15 min, its travel model)."""
    return compute_criteria(pack, threshold_min=15.0, model=default_model())


@pytest.fixture(scope="module")
def ranking(criteria: SiteCriteria) -> pd.DataFrame:
    """The library's ranking with the app's default weights."""
    return score_sites(criteria, DEFAULT_WEIGHTS)


@pytest.fixture(scope="module")
def last_visits(pack: RegionPack) -> pd.Series:
    """Each Amt's or city area's last visit from the pack's past stops (name → year, NA)."""
    return History.from_pack(pack).last_visits().set_index("name")["last_visit"]


def show_all(at: AppTest) -> AppTest:
    """Every row of the ranking, not the best :data:`RANKING_ROWS` (the switch persists)."""
    at.toggle(key="ranking_show_all").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def grouped(at: AppTest, view: str = "group") -> AppTest:
    at.radio(key="rank_group").set_value(view).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_group_view_shows_the_best_site_of_each_amt_and_city_area(
    ranking: pd.DataFrame,
) -> None:
    at = show_all(start())
    assert at.radio(key="rank_group").value == "site"  # every site by default
    assert len(at.dataframe[0].value) == len(ranking)
    table = grouped(show_all(start())).dataframe[0].value
    # one row per group, and that row is the group's best site in the library's ranking
    assert table[GROUP].is_unique
    best = ranking.sort_values(["rank", "site_id"]).drop_duplicates("group").set_index("group")
    assert len(table) == len(best)
    shown = table.set_index(GROUP)
    assert shown["Name"].to_dict() == best["name"].to_dict()
    assert shown["Platz"].to_dict() == best["rank"].astype(int).to_dict()
    assert (shown["Bewertung"] - best["score"].round(1)).abs().max() < 0.051
    # best first, and the count of sites behind each row adds up to all sites
    assert list(table["Platz"]) == sorted(table["Platz"])
    assert table["Standorte dort"].sum() == len(ranking)
    # Kiel appears once per city area, not once as a whole
    kiel = table[table["Gemeinde"].str.startswith("Kiel, Landeshauptstadt")]
    assert len(kiel) >= 5 and kiel[GROUP].str.startswith("Kiel-").all()
    assert any("Bester Standort je Amt" in h.value for h in grouped(at).subheader)


def test_best_per_municipality_shows_one_row_per_municipality(ranking: pd.DataFrame) -> None:
    table = grouped(show_all(start()), "municipality").dataframe[0].value
    assert table["Gemeinde"].is_unique
    best = ranking.sort_values(["rank", "site_id"]).drop_duplicates("municipality")
    assert sorted(table["Name"]) == sorted(best["name"])
    assert (table["Gemeinde"] == "Kiel, Landeshauptstadt").sum() == 1


def test_amt_filter_limits_the_rows(ranking: pd.DataFrame) -> None:
    at = start()
    chosen = ["Bokhorst-Wankendorf", "Preetz, Stadt"]
    assert set(chosen) <= set(at.multiselect(key="f_group").options)
    at.multiselect(key="f_group").set_value(chosen).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table[GROUP]) == set(chosen)
    assert len(table) == ranking["group"].isin(chosen).sum()
    assert len(grouped(at).dataframe[0].value) == 2
    # the district filter narrows the groups offered
    at.multiselect(key="f_district").set_value(["Kiel"]).run()
    assert not at.exception
    assert all(g.startswith("Kiel-") for g in at.multiselect(key="f_group").options)
    assert at.multiselect(key="f_group").value == []  # Plön's groups left the choice


def test_last_visit_is_a_year_where_the_tour_was_and_nie_where_it_never_was(
    last_visits: pd.Series,
) -> None:
    at = show_all(start())
    cells = cell_texts(at.dataframe[0])
    by_group = cells.drop_duplicates(GROUP).set_index(GROUP)
    for amt in ("Bokhorst-Wankendorf", "Preetz, Stadt"):  # Wankendorf 2023, Preetz 2025
        assert pd.notna(last_visits[amt])
        assert by_group.loc[amt, LAST] == str(int(last_visits[amt]))
    never = [
        g
        for g in by_group.index
        if g in last_visits and pd.isna(last_visits[g]) and "Kiel" not in g
    ]
    assert never, "every Amt was visited?"
    assert (by_group.loc[never, LAST] == "nie").all()
    # last season's Amt counts half ("Nicht kürzlich besucht"), a never visited one fully
    assert by_group.loc["Preetz, Stadt", "Nicht kürzlich besucht"] == "50,0 %"
    assert (by_group.loc[never, "Nicht kürzlich besucht"] == "100,0 %").all()
    # where the tour has been: the visited groups with their year
    tour = next(d for d in at.dataframe if LAST in d.value.columns and "Name" not in d.value)
    visited = tour.value.set_index(GROUP)[LAST].to_dict()
    assert visited["Bokhorst-Wankendorf"] == str(int(last_visits["Bokhorst-Wankendorf"]))
    assert len(visited) == last_visits.notna().sum()


def test_german_ranking_has_no_english_words_and_german_numbers() -> None:
    at = start()
    for view in ("site", "group"):
        grouped(at, view)
        cells = cell_texts(at.dataframe[0])
        words = {str(v) for v in cells.to_numpy().ravel()}
        assert not [v for v in words if any(re.search(rf"\b{w}\b", v) for w in ENGLISH)]
        people = cells["Einwohner im Umkreis von 2 km"]
        assert people.str.fullmatch(r"\d{1,3}(\.\d{3})*").all()
        assert cells["Anziehungskraft des Ortes"].str.fullmatch(r"\d{1,3},\d %").all()
        assert cells["Nicht kürzlich besucht"].str.fullmatch(r"\d{1,3},\d %").all()
        assert cells[LAST].str.fullmatch(r"\d{4}|nie|nie \(Stadt: \d{4}\)").all()
        assert cells["Bewertung"].str.fullmatch(r"\d{1,3},\d").all()
        # the cells keep numbers: sorting a column sorts by value
        table = at.dataframe[0].value
        assert pd.api.types.is_numeric_dtype(table["Anziehungskraft des Ortes"])
        assert table["Anziehungskraft des Ortes"].max() > 1  # per cent, as shown
    # the English UI says "never"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    cells = cell_texts(at.dataframe[0])
    assert "never" in set(cells["Last visit"])
    assert "Railway station" in set(cells["Kind"]) and "Bahnhof" not in set(cells["Kind"])
    assert cells["People reached (car)"].str.fullmatch(r"\d{1,3}(,\d{3})*").all()


def test_breakdown_and_side_by_side_show_group_and_last_visit(
    ranking: pd.DataFrame, last_visits: pd.Series
) -> None:
    at = grouped(show_all(start()))
    table = at.dataframe[0].value
    row = int(table.index[table[GROUP] == "Preetz, Stadt"][0])
    # the breakdown offers the rows shown, in their order ("56. Quergang, …")
    picker = at.selectbox(key="breakdown_site")
    assert len(picker.options) == len(table)
    assert str(picker.options[row]).endswith(str(table.loc[row, "Name"]))
    best = ranking.sort_values(["rank", "site_id"]).drop_duplicates("group").set_index("group")
    picker.set_value(best.loc["Preetz, Stadt", "site_id"]).run()
    assert not at.exception
    line = next(visible(c.value) for c in at.caption if c.value.startswith("Amt bzw. Stadtteil:"))
    year = str(int(last_visits["Preetz, Stadt"]))
    assert line == f"Amt bzw. Stadtteil: Preetz, Stadt · letzter Besuch: {year}"
    # side by side: the best site of two groups
    options = at.multiselect(key="compare_ids").options
    at.multiselect(key="compare_ids").set_value(options[:2]).run()
    assert not at.exception
    side = next(d.value for d in at.dataframe if GROUP in d.value.index)
    assert list(side.index[:2]) == [GROUP, LAST]
    assert side.loc[LAST].str.fullmatch(r"\d{4}|nie|nie \(Stadt: \d{4}\)").all()
    assert side.loc["Anziehungskraft des Ortes"].str.fullmatch(r"\d{1,3},\d %").all()


def test_ranking_shows_the_best_rows_until_all_are_asked_for(ranking: pd.DataFrame) -> None:
    """A weight move formats the best RANKING_ROWS rows; "Alle … anzeigen" shows every row,
    both in the library's order, and the switch outlives a page switch."""
    order = ranking.sort_values("rank", kind="stable")
    assert len(order) > RANKING_ROWS
    at = start()
    table = at.dataframe[0].value
    assert list(table["Name"]) == list(order["name"].head(RANKING_ROWS))
    assert list(table["Platz"]) == list(range(1, RANKING_ROWS + 1))
    captions = [c.value for c in at.caption]
    assert f"Die besten {RANKING_ROWS} von {len(order)} Zeilen gezeigt." in captions
    switch = at.toggle(key="ranking_show_all")
    assert switch.label == f"Alle {len(order)} anzeigen" and switch.value is False
    # the breakdown offers the rows shown
    assert len(at.selectbox(key="breakdown_site").options) == RANKING_ROWS
    # the group view is cut after grouping: the best groups
    best = order.drop_duplicates("group")
    assert list(grouped(at).dataframe[0].value["Name"]) == list(best["name"].head(RANKING_ROWS))
    assert f"Die besten {RANKING_ROWS} von {len(best)} Zeilen gezeigt." in [
        c.value for c in at.caption
    ]
    # every site, in the library's order
    grouped(at, "site")
    show_all(at)
    table = at.dataframe[0].value
    assert list(table["Name"]) == list(order["name"])
    assert f"Alle {len(order)} Zeilen gezeigt, die besten zuerst." in [c.value for c in at.caption]
    assert len(at.selectbox(key="breakdown_site").options) == len(order)
    # a site picked for the breakdown stays offered when the rows shown no longer hold it
    far = str(order["site_id"].iloc[RANKING_ROWS + 10])
    at.selectbox(key="breakdown_site").set_value(far).run()
    at.toggle(key="ranking_show_all").set_value(False).run()
    picker = at.selectbox(key="breakdown_site")
    assert picker.value == far and len(picker.options) == RANKING_ROWS + 1
    assert picker.options[-1].endswith(str(order["name"].iloc[RANKING_ROWS + 10]))
    show_all(at)
    # filters apply before the cut; the switch stays on across pages
    at.multiselect(key="f_district").set_value(["Plön"]).run()
    plon = order[order["district"] == "Plön"]
    assert list(at.dataframe[0].value["Name"]) == list(plon["name"])
    at.switch_page("app_pages/select.py").run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="ranking_show_all").value is True
    assert len(at.dataframe[0].value) == len(plon) > RANKING_ROWS
    # off again: the best of the filtered view; in English
    at.toggle(key="ranking_show_all").set_value(False).run()
    assert list(at.dataframe[0].value["Name"]) == list(plon["name"].head(RANKING_ROWS))
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.toggle(key="ranking_show_all").label == f"Show all {len(plon)}"
    assert f"Showing the best {RANKING_ROWS} of {len(plon)} rows." in [c.value for c in at.caption]


# --- the library: best_per_group -----------------------------------------------------------------


def test_best_per_group_keeps_each_groups_best_and_lone_sites() -> None:
    ranking = pd.DataFrame(
        {
            "site_id": ["a", "b", "c", "d", "e"],
            "rank": [3, 1, 2, 2, 5],
            "group": ["X", "X", "Y", pd.NA, "Y"],
            "municipality": ["m1", "m1", "m1", "m2", "m3"],
        }
    ).set_index("site_id")
    best = best_per_group(ranking, by="group")
    assert list(best.index) == ["b", "c", "d"]  # best first; a site without group stands alone
    assert list(best["sites_in_group"]) == [2, 2, 1]
    by_municipality = best_per_group(ranking, by="municipality")
    assert list(by_municipality.index) == ["b", "d", "e"]
    assert list(by_municipality["sites_in_group"]) == [3, 1, 1]
    assert len(best_per_group(ranking.iloc[:0], by="group")) == 0
    with pytest.raises(ValueError, match="by must be"):
        best_per_group(ranking, by="district")


def test_explanation_and_comparison_name_the_group_and_its_last_visit(
    criteria: SiteCriteria, ranking: pd.DataFrame, last_visits: pd.Series
) -> None:
    preetz = str(ranking.loc[ranking["group"] == "Preetz, Stadt", "site_id"].iloc[0])
    kiel = str(ranking.loc[ranking["group"] == "Kiel-Mitte", "site_id"].iloc[0])
    alone = explain_site(criteria, DEFAULT_WEIGHTS, preetz)
    given = explain_site(criteria, DEFAULT_WEIGHTS, preetz, ranking=ranking.set_index("site_id"))
    assert (given.rank, given.score) == (alone.rank, alone.score)  # the given ranking is used as is
    assert [m.text("de") for m in given.text] == [m.text("de") for m in alone.text]
    assert given.group == "Preetz, Stadt"
    assert given.last_visit == int(last_visits["Preetz, Stadt"])
    city = explain_site(criteria, DEFAULT_WEIGHTS, kiel)
    assert city.group == "Kiel-Mitte" and city.last_visit is None  # no stop known in this area
    comparison = compare_sites(criteria, [preetz, kiel], weights=DEFAULT_WEIGHTS, ranking=ranking)
    assert comparison.visits.loc[preetz, "last_visit"] == given.last_visit
    assert comparison.visits.loc[kiel, "group"] == "Kiel-Mitte"
    assert comparison.criteria.loc["Rank", preetz] == alone.rank
