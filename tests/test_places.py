"""Places where people already are (issue 16): pull, the Amt's seat, past stops as sites."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point
from test_history import CRS, toy_pack

from planner.places import PULL_WEIGHTS, amt_seats, past_stop_sites, pull_parts, site_pull


def _with_centre(pack):  # type: ignore[no-untyped-def]
    """Ahof gets a centre: 9 bus stops and a rail stop around its site, two schools; Bdorf one
    stop; Cstedt nothing."""
    points = [Point(5000 + 40 * i, 5000) for i in range(9)] + [Point(15_100, 5000)]
    pack.transit_stops = gpd.GeoDataFrame(
        {"is_rail": [True] + [False] * 9}, geometry=points, crs=CRS
    )
    pack.schools = gpd.GeoDataFrame(geometry=[Point(5200, 5000), Point(5000, 5600)], crs=CRS)
    return pack


def test_pull_orders_a_centre_above_a_village_above_a_hamlet() -> None:
    pack = _with_centre(toy_pack())
    parts = pull_parts(pack)
    assert parts.loc["s1", "transit"] == 1.0 and parts.loc["s2", "transit"] == pytest.approx(1 / 8)
    assert parts.loc["s1", "rail"] == 1.0 and parts.loc["s2", "rail"] == 0.0
    assert parts.loc["s1", "schools"] == 1.0 and parts.loc["s3", "schools"] == 0.0
    pull = site_pull(pack)
    assert pull["s1"] > pull["s2"] > pull["s3"]
    # the weighted mean of the known parts (visibility unknown: left out)
    known = {k: w for k, w in PULL_WEIGHTS.items() if k != "visibility"}
    expected = sum(parts.loc["s1", k] * w for k, w in known.items()) / sum(known.values())
    assert pull["s1"] == pytest.approx(expected)


def test_visibility_entered_by_a_planner_raises_the_pull() -> None:
    pack = toy_pack()
    before = site_pull(pack)["s3"]
    pack.sites["visibility"] = ["unknown", "unknown", "high"]
    assert site_pull(pack)["s3"] > before


def test_the_seat_counts_where_the_data_names_it() -> None:
    munis = pd.DataFrame(
        {
            "ags": ["1", "2", "3", "4"],
            "name": ["Wankendorf", "Stolpe", "Preetz, Stadt", "Laboe"],
            "amt_ars": ["A", "A", "P", "Q"],
            "amt": ["Bokhorst-Wankendorf", "Bokhorst-Wankendorf", "Preetz, Stadt", "Probstei"],
        }
    )
    munis = pd.concat([munis, munis.iloc[[3]].assign(ags="5", name="Schönberg")])
    seats = amt_seats(munis)
    assert seats["1"] and not seats["2"]  # named in its Amt's name
    assert seats["3"]  # amtsfrei
    assert not seats["4"] and not seats["5"]  # Probstei: a landscape, no known seat


def test_past_stops_become_sites_only_where_their_place_is_known() -> None:
    pack = toy_pack(past=[(2025, "01999001")])
    none = past_stop_sites(pack)
    assert len(none.sites) == 0 and "no past stop has a known location" in none.message
    history = pack.history.copy()
    history.loc[0, "geometry"] = Point(5100, 5000)
    pack.history = gpd.GeoDataFrame(history, geometry="geometry", crs=CRS)
    found = past_stop_sites(pack)
    assert len(found.sites) == 1
    site = found.sites.iloc[0]
    assert site["ags"] == "01999001" and site["source"].startswith("past stop 2025")
    assert site.geometry.x == 5100


def test_real_pull_prefers_town_centres(pack) -> None:  # type: ignore[no-untyped-def]
    pull = site_pull(pack)
    sites = pack.sites.set_index("site_id")
    assert pull["centre-01057062"] > pull["centre-01058160"]  # Preetz centre > Techelsdorf
    assert pull["rail-8004879"] > 0.8  # Preetz station
    assert pull.between(0, 1).all()
    assert len(pull) == len(sites)
    # the shared past-stops file gives no coordinates: no past stop becomes a site
    assert len(past_stop_sites(pack).sites) == 0
