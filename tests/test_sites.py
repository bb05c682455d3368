"""Candidate-site generation and the validation of planner-supplied sites."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from planner.data.pack import RegionPack
from planner.sites import (
    bus_hubs,
    import_sites,
    load_site_file,
    merge_close_points,
    read_site_table,
    site_from_coordinates,
)

GOOD_CSV = (
    "site_id,name,lon,lat,power,space_m2\n"
    "m1,Marktplatz Preetz,10.2775,54.2353,yes,60\n"
    "m2,Hafen Laboe,10.2262,54.4052,,\n"
)


def _import(text: str, pack: RegionPack, existing: set[str] | None = None):  # type: ignore[no-untyped-def]
    table = read_site_table(text.encode(), "sites.csv")
    return import_sites(table, municipalities=pack.municipalities, existing_ids=existing or set())


def test_valid_rows_get_their_municipality(pack: RegionPack) -> None:
    result = _import(GOOD_CSV, pack)
    assert result.errors == []
    sites = result.sites.set_index("site_id")
    assert sites.loc["m1", "municipality"] == "Preetz, Stadt"
    assert sites.loc["m1", "district"] == "Plön"
    assert sites.loc["m1", "power"] == "yes"
    assert sites.loc["m1", "space_m2"] == 60
    assert sites.loc["m2", "power"] == "unknown"
    assert sites.loc["m2", "municipality"] == "Laboe"
    assert (sites["kind"] == "user").all()
    assert str(result.sites.crs) == "EPSG:25832"


def test_missing_column_is_named(pack: RegionPack) -> None:
    result = _import("name,lon\nA,10.1\n", pack)
    assert result.sites.empty
    assert [(e.row, e.field) for e in result.errors] == [(None, "lat")]
    assert "lat" in result.messages("de")[0] and "fehlt" in result.messages("de")[0]
    assert "missing" in result.messages("en")[0]


def test_bad_rows_are_named_and_valid_rows_kept(pack: RegionPack) -> None:
    text = (
        "site_id,name,lon,lat\n"
        "a,Gut,10.2775,54.2353\n"  # row 2: valid
        "b,Text,zehn,54.2\n"  # row 3: text in a coordinate
        "c,Hamburg,9.99,53.55\n"  # row 4: outside the region
        "a,Doppelt,10.2262,54.4052\n"  # row 5: duplicate id
        "d,Taken,10.2262,54.4052\n"  # row 6: id already in the scenario
        "e,Laboe,10.2262,54.4052\n"  # row 7: valid
    )
    result = _import(text, pack, existing={"d"})
    assert sorted(result.sites["site_id"]) == ["a", "e"]
    found = {(e.row, e.field, e.value) for e in result.errors}
    assert found == {
        (3, "lon", "zehn"),
        (4, "lon/lat", "9.99, 53.55"),
        (5, "site_id", "a"),
        (6, "site_id", "d"),
    }
    messages = result.messages("de")
    assert messages[0].startswith("Zeile 3") and "„zehn“" in messages[0]
    assert any("außerhalb der Region" in m for m in messages)


def test_semicolon_csv_with_decimal_commas(pack: RegionPack) -> None:
    result = _import("name;lon;lat\nDorfplatz;10,2262;54,4052\n", pack)
    assert result.errors == []
    assert result.sites["municipality"].tolist() == ["Laboe"]
    assert result.sites["site_id"].tolist() == ["user-0001"]


def test_bad_choice_and_date(pack: RegionPack) -> None:
    text = (
        "name,lon,lat,power,available_from\n"
        "A,10.2262,54.4052,vielleicht,\n"
        "B,10.2262,54.4052,,31.07.\n"
    )
    result = _import(text, pack)
    # A bad optional fact is reported and left unknown: the site itself is usable.
    assert result.sites["name"].tolist() == ["A", "B"]
    assert result.sites["power"].tolist() == ["unknown", "unknown"]
    assert result.sites["available_from"].tolist() == ["", ""]
    assert [(e.row, e.field, e.kept) for e in result.errors] == [
        (2, "power", True),
        (3, "available_from", True),
    ]
    assert result.messages("de")[1] == (
        "Zeile 3: Feld „verfügbar ab“: „31.07.“ ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT). "
        "Die Zeile wurde übernommen, „verfügbar ab“ bleibt unbekannt."
    )


def test_geojson_upload(pack: RegionPack, tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "properties": {"name": "Laboe Hafen"},
         "geometry": {"type": "Point", "coordinates": [10.2262, 54.4052]}},
        {"type": "Feature", "properties": {"name": "Ohne Punkt"}, "geometry": None},
    ]  # fmt: skip
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = load_site_file(path, municipalities=pack.municipalities)
    assert result.sites["name"].tolist() == ["Laboe Hafen"]
    assert [(e.row, e.field) for e in result.errors] == [(2, "geometry")]
    assert result.messages("de")[0].startswith("Objekt 2: Keine Geometrie (gefunden: null)")


def test_unreadable_file(pack: RegionPack, tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text("{not json")
    result = load_site_file(path, municipalities=pack.municipalities)
    assert result.sites.empty and result.errors[0].key == "import.bad_json"
    assert result.messages("en") == ["File: The file is not valid JSON (line 1, column 2)."]


def test_site_from_coordinates(pack: RegionPack) -> None:
    ok = site_from_coordinates(
        name="Rathausplatz", lon=10.1388, lat=54.3227, municipalities=pack.municipalities
    )
    assert ok.sites["municipality"].tolist() == ["Kiel, Landeshauptstadt"]
    outside = site_from_coordinates(
        name="Lübeck", lon=10.686, lat=53.866, municipalities=pack.municipalities
    )
    assert outside.sites.empty and outside.errors[0].key == "import.outside_region"


def _points(coords: list[tuple[float, float]], **columns: list[object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(x, y) for x, y in coords], crs="EPSG:25832")


def test_merge_keeps_the_first_and_lists_the_rest() -> None:
    pts = _points(
        [(0, 0), (100, 0), (1000, 0), (1250, 0)], name=["Bahnhof", "Schule", "Mitte", "GS"]
    )
    merged = merge_close_points(pts, distance_m=300)
    assert merged["name"].tolist() == ["Bahnhof", "Mitte"]
    assert merged["merged_from"].tolist() == ["Schule", "GS"]


def test_bus_hubs_pick_one_per_dense_cluster() -> None:
    cluster = [(i * 100.0, 0.0) for i in range(11)]  # a 1 km street of stops; 5 is the densest
    lone = [(5000.0, 0.0), (9000.0, 0.0)]
    stops = _points(
        cluster + lone,
        stop_id=[str(i) for i in range(13)],
        name=[f"S{i}" for i in range(13)],
        is_bus=[True] * 13,
        is_rail=[False] * 12 + [True],
    )
    hubs = bus_hubs(stops, radius_m=500, min_neighbours=7)
    assert sorted(hubs["stop_id"]) == ["12", "5"]  # the cluster's centre and the rail-served stop


def test_generated_sites_cover_every_district(pack: RegionPack) -> None:
    sites = pack.sites
    assert sites.groupby("district").size().min() >= 20
    centres = sites[sites["kind"] == "centre"]
    # Every municipality has a centre site unless a station or hub absorbed it.
    absorbed = sites["merged_from"].str.contains("Ortsmitte").sum()
    assert len(centres) + absorbed == 251
    assert pd.Series(sites["name"]).str.len().min() > 3


def test_site_edits_are_checked_like_uploads(pack: RegionPack) -> None:
    import math

    from planner.sites import apply_site_edits

    ids = pack.sites["site_id"].astype(str).tolist()
    a, b = ids[0], ids[1]
    edits = {
        a: {"power": "Yes", "space_m2": "42,5", "visibility": "high", "notes": " Hof "},
        b: {
            "power": "maybe",
            "available_from": "2025-02-30",
            "space_m2": "viel",
            "available_to": "2025-09-30",
        },
        "nope": {"power": "yes"},
    }
    sites, errors = apply_site_edits(pack.sites, edits)
    row_a = sites.set_index("site_id").loc[a]
    assert (row_a["power"], row_a["space_m2"], row_a["visibility"], row_a["notes"]) == (
        "yes",
        42.5,
        "high",
        "Hof",
    )
    row_b = sites.set_index("site_id").loc[b]
    assert row_b["power"] == pack.sites.set_index("site_id").loc[b, "power"]  # kept
    assert row_b["available_to"] == "2025-09-30"  # the valid edit of the same site applies
    assert (
        math.isnan(row_b["space_m2"])
        or row_b["space_m2"] == pack.sites.set_index("site_id").loc[b, "space_m2"]
    )
    messages = [e.message("de") for e in errors]
    name_b = pack.sites.set_index("site_id").loc[b, "name"]  # named, not by its id
    assert messages == [
        f"Standort „{name_b}“: Feld „Stromanschluss“: „maybe“ ist nicht erlaubt "
        "(erlaubt: unbekannt; ja; nein).",
        f"Standort „{name_b}“: Feld „verfügbar ab“: „2025-02-30“ ist kein Datum "
        "(TT.MM.JJJJ oder JJJJ-MM-TT).",
        f"Standort „{name_b}“: Feld „Fläche (m²)“: „viel“ ist keine Zahl.",
        "Standort „nope“: Standort „nope“ gibt es nicht.",
    ]
    assert errors[0].message("en").startswith(f"Site '{name_b}': Field 'mains power': 'maybe'")
    assert (pack.sites["power"] == "unknown").all()  # the input is not changed


def test_combine_and_filter_sites(pack: RegionPack) -> None:
    from planner.sites import combine_sites, filter_sites

    added = site_from_coordinates(
        name="Hafen Laboe", lon=10.2262, lat=54.4052, municipalities=pack.municipalities
    ).sites
    sites, errors = combine_sites(pack.sites, added=added, edits={})
    assert errors == [] and len(sites) == len(pack.sites) + 1
    assert sites.crs == pack.sites.crs
    user = filter_sites(sites, kinds=["user"])
    assert list(user["name"]) == ["Hafen Laboe"]
    rural_ploen = filter_sites(sites, districts=["Plön"], areas=["rural"])
    assert set(rural_ploen["district"]) == {"Plön"} and set(rural_ploen["area_class"]) == {"rural"}
    assert len(filter_sites(sites)) == len(sites)
