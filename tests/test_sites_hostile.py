"""Hostile and German input for planner sites (issue 14 items 2, 12–15; issue 17 input).

Every bad value must end in a :class:`RowError` naming row (or site), field and value, with the
valid rows kept; never a traceback, never a silently wrong value.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from planner.data.pack import RegionPack
from planner.sites import (
    COAST_TOLERANCE_M,
    FIELDS,
    SPACE_MAX_M2,
    SiteImport,
    apply_site_edits,
    assign_municipality,
    import_sites,
    load_site_file,
    read_site_table,
    site_from_coordinates,
)
from planner.usertext import NAME_MAX_LENGTH, NOTES_MAX_LENGTH

LABOE = "10,2262;54,4052"  # Laboe harbour, inside the region
ECKERNFOERDE_HARBOUR = (9.8390, 54.4740)  # cut off by the generalised coastline by ~3 m
OPEN_SEA = (10.45, 54.62)  # ~22 km north of Schönberg


def _load(data: bytes, pack: RegionPack, filename: str = "sites.csv", **kw: object) -> SiteImport:
    return import_sites(read_site_table(data, filename), municipalities=pack.municipalities, **kw)  # type: ignore[arg-type]


def _csv(*rows: str, header: str = "name;lon;lat") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _errors(result: SiteImport) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.field, e.key) for e in result.errors]


# --- item 2: control characters and length limits, on every way in ---------------------------


@pytest.mark.parametrize(
    ("raw", "removed"),
    [
        ("Markt\x00platz", "U+0000"),
        ("Markt\x0bplatz", "U+000B"),
        ("Markt\x0cplatz", "U+000C"),
        ("Markt\u202eplatz", "U+202E"),
        ("Markt\u2066platz\u2069", "U+2066, U+2069"),
    ],
)
def test_control_characters_are_removed_named_and_the_row_kept(
    pack: RegionPack, raw: str, removed: str
) -> None:
    data = f"name;lon;lat\n{raw};{LABOE}\n".encode("utf-8", "surrogatepass")
    result = _load(data, pack)
    assert result.sites["name"].tolist() == ["Marktplatz"]
    assert _errors(result) == [(2, "name", "import.cleaned")]
    assert result.errors[0].kept
    message = result.messages("de")[0]
    assert message.startswith("Zeile 2: Feld „Name“: Zeichen " + removed + " entfernt")
    assert "„Marktplatz“" in message


def test_lone_surrogates_from_json_escapes_are_removed(pack: RegionPack) -> None:
    # A lone surrogate cannot be written as UTF-8 (every export would fail on it).
    data = _collection(_feature([10.2262, 54.4052], {"name": "Hafen\ud800", "notes": "\udfff"}))
    result = _load(data, pack, "sites.geojson")
    assert result.sites["name"].tolist() == ["Hafen"]
    assert [(e.field, e.key) for e in result.errors] == [
        ("name", "import.cleaned"),
        ("notes", "import.only_unsafe"),
    ]
    result.sites["name"].iloc[0].encode("utf-8")  # would raise on a surrogate


def test_a_name_of_only_control_characters_is_rejected(pack: RegionPack) -> None:
    result = _load(_csv(f"\x00\u202e\x0b;{LABOE}", f"Gut;{LABOE}"), pack)
    assert result.sites["name"].tolist() == ["Gut"]
    assert _errors(result) == [(2, "name", "import.only_unsafe")]
    assert "U+0000, U+202E, U+000B" in result.messages("en")[0]


def test_notes_keep_line_breaks_but_lose_control_characters(pack: RegionPack) -> None:
    data = 'name;lon;lat;notes\nHof;10,2262;54,4052;"Strom am Tor\nSchlüssel\x0c beim Amt"\n'
    result = _load(data.encode(), pack)
    assert result.sites["notes"].tolist() == ["Strom am Tor\nSchlüssel beim Amt"]
    assert _errors(result) == [(2, "notes", "import.cleaned")]


def test_too_long_name_is_rejected_and_too_long_notes_left_empty(pack: RegionPack) -> None:
    long_name = "N" * (NAME_MAX_LENGTH + 1)
    long_notes = "x" * (NOTES_MAX_LENGTH + 1)
    result = _load(
        _csv(
            f"{long_name};{LABOE};",
            f"{'N' * NAME_MAX_LENGTH};{LABOE};",
            f"Mit Notiz;{LABOE};{long_notes}",
            header="name;lon;lat;notes",
        ),
        pack,
    )
    assert result.sites["name"].tolist() == ["N" * NAME_MAX_LENGTH, "Mit Notiz"]
    assert result.sites["notes"].tolist() == ["", ""]
    assert _errors(result) == [(2, "name", "import.too_long"), (4, "notes", "import.too_long")]
    message = result.messages("de")[0]
    assert f"{NAME_MAX_LENGTH + 1} Zeichen" in message and len(message) < 300  # value shortened


def test_a_one_megabyte_name_is_reported_not_accepted(pack: RegionPack) -> None:
    result = _load(_csv("y" * 1_000_000 + f";{LABOE}", f"Danach;{LABOE}"), pack)
    assert result.sites["name"].tolist() == ["Danach"]
    assert [(e.row, e.key) for e in result.errors] == [(2, "import.record_too_long")]


def test_coordinates_form_and_edit_form_clean_text_the_same_way(pack: RegionPack) -> None:
    added = site_from_coordinates(
        name="Bühne\u202e am Hafen", lon=10.2262, lat=54.4052, municipalities=pack.municipalities
    )
    assert added.sites["name"].tolist() == ["Bühne am Hafen"]
    assert [e.key for e in added.errors] == ["import.cleaned"]
    only_controls = site_from_coordinates(
        name="\x00\x0b", lon=10.2262, lat=54.4052, municipalities=pack.municipalities
    )
    assert only_controls.sites.empty and only_controls.errors[0].key == "import.only_unsafe"
    site_id = str(pack.sites["site_id"].iloc[0])
    sites, errors = apply_site_edits(
        pack.sites, {site_id: {"notes": "Tor\x00 offen\u202e", "visibility": "x" * 10}}
    )
    assert sites.set_index("site_id").loc[site_id, "notes"] == "Tor offen"
    assert [(e.field, e.key) for e in errors] == [
        ("notes", "import.cleaned"),
        ("visibility", "import.bad_choice"),
    ]
    _, errors = apply_site_edits(pack.sites, {site_id: {"notes": "n" * (NOTES_MAX_LENGTH + 1)}})
    assert [e.key for e in errors] == ["import.too_long"]


# --- item 13: GeoJSON ---------------------------------------------------------------------------


def _feature(coordinates: object, properties: object = None, kind: str = "Point") -> dict:  # type: ignore[type-arg]
    return {
        "type": "Feature",
        "properties": {"name": "Hafen"} if properties is None else properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def _collection(*features: object, **extra: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


GOOD = _feature([10.2262, 54.4052])


@pytest.mark.parametrize(
    ("feature", "field", "key", "shown"),
    [
        (_feature([10.1]), "coordinates", "import.bad_coordinates", "[10.1]"),
        (_feature([[10.1, 54.3]]), "coordinates", "import.bad_coordinates", "[[10.1, 54.3]]"),
        (_feature("10.1,54.3"), "coordinates", "import.bad_coordinates", '"10.1,54.3"'),
        (_feature([True, False]), "coordinates", "import.bad_coordinates", "[true, false]"),
        (
            _feature([[10.0, 54.0], [10.1, 54.1]], kind="LineString"),
            "geometry",
            "import.not_a_point",
            "LineString",
        ),
        (_feature([[[10, 54], [10.1, 54], [10, 54.1], [10, 54]]], kind="Polygon"), "geometry",
         "import.not_a_point", "Polygon"),
        ({"type": "Feature", "properties": {"name": "x"}, "geometry": None}, "geometry",
         "import.no_point", "null"),
        (17, "feature", "import.not_a_feature", "number"),
        ("Feature", "feature", "import.not_a_feature", "text"),
        (_feature([10.2, 54.4], properties=["a"]), "properties", "import.not_an_object", "list"),
        (_feature([10.2, 54.4], properties={"name": {"de": "x"}}), "name", "import.not_text",
         "object"),
    ],
)  # fmt: skip
def test_each_bad_feature_is_named_and_the_valid_one_kept(
    pack: RegionPack, feature: object, field: str, key: str, shown: str
) -> None:
    result = _load(_collection(GOOD, feature), pack, "sites.geojson")
    assert result.sites["name"].tolist() == ["Hafen"]
    assert _errors(result) == [(2, field, key)]
    message = result.messages("de")[0]
    assert message.startswith("Objekt 2: ") and shown in message


def test_properties_null_is_valid_geojson(pack: RegionPack) -> None:
    feature = {"type": "Feature", "properties": None, "geometry": GOOD["geometry"]}
    result = _load(_collection(GOOD, feature), pack, "sites.geojson")
    assert result.sites["name"].tolist() == ["Hafen"]
    assert _errors(result) == [(2, "name", "import.empty")]  # no name: named, not a crash


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (json.dumps([GOOD]).encode(), "import.not_feature_collection"),
        (b'{"type": "FeatureCollection", "features": null}', "import.features_not_list"),
        (b'{"type": "FeatureCollection", "features": {"a": 1}}', "import.features_not_list"),
        (b"[" * 100_000 + b"]" * 100_000, "import.too_deep"),
        (b'{"features": [', "import.bad_json"),
        (b"\xff\xfe\xfd not json", "import.bad_json"),
        (b'{"type": "FeatureCollection", "features": [], "x": ' + b"9" * 5000 + b"}",
         "import.bad_json"),
    ],
)  # fmt: skip
def test_broken_geojson_files_are_named(pack: RegionPack, data: bytes, key: str) -> None:
    result = _load(data, pack, "sites.geojson")
    assert result.sites.empty
    assert [(e.row, e.key) for e in result.errors] == [(None, key)]
    assert result.messages("de")[0].startswith("Datei: ")


def test_geojson_with_byte_order_mark_is_read(pack: RegionPack) -> None:
    result = _load(b"\xef\xbb\xbf" + _collection(GOOD), pack, "sites.geojson")
    assert result.errors == [] and result.sites["name"].tolist() == ["Hafen"]


@pytest.mark.parametrize(
    ("name", "to_crs"),
    [
        ("urn:ogc:def:crs:EPSG::25832", "EPSG:25832"),
        ("EPSG:25832", "EPSG:25832"),
        ("EPSG:3857", "EPSG:3857"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", None),
    ],
)
def test_legacy_crs_member_is_honoured(pack: RegionPack, name: str, to_crs: str | None) -> None:
    lon, lat = 10.2262, 54.4052
    if to_crs is not None:
        point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs="EPSG:4326").to_crs(to_crs)
        x, y = float(point.x.iloc[0]), float(point.y.iloc[0])
    else:
        x, y = lon, lat
    crs = {"type": "name", "properties": {"name": name}}
    result = _load(_collection(_feature([x, y]), crs=crs), pack, "sites.geojson")
    assert result.errors == []
    assert result.sites["municipality"].tolist() == ["Laboe"]
    back = result.sites.to_crs("EPSG:4326").geometry.iloc[0]
    assert (back.x, back.y) == pytest.approx((lon, lat), abs=1e-7)


@pytest.mark.parametrize(
    "crs",
    [
        {"type": "name", "properties": {"name": "EPSG:999999"}},
        {"type": "name", "properties": {"name": "Gauß-Krüger irgendwie"}},
        {"type": "link", "properties": {"href": "http://example.org/crs"}},
        "EPSG:25832",
    ],
)
def test_unknown_crs_is_rejected_with_its_name(pack: RegionPack, crs: object) -> None:
    result = _load(_collection(GOOD, crs=crs), pack, "sites.geojson")
    assert result.sites.empty
    assert [(e.row, e.key) for e in result.errors] == [(None, "import.unknown_crs")]


# --- item 14 / issue 17: CSV ------------------------------------------------------------------

SCHOENKIRCHEN = f"name;lon;lat\nSchönkirchen Bürgerhaus;10,2360;54,3380\nStraße am Hafen;{LABOE}\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_csv_encodings_are_detected(pack: RegionPack, encoding: str) -> None:
    result = _load(SCHOENKIRCHEN.encode(encoding), pack)
    assert result.errors == []
    assert result.sites["name"].tolist() == ["Schönkirchen Bürgerhaus", "Straße am Hafen"]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        bytes([0x00, 0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 4,
        b"\xff\xfe\x00",  # a UTF-16 byte-order mark and half a character
    ],
)
def test_a_file_that_is_no_site_table_is_named(pack: RegionPack, data: bytes) -> None:
    result = _load(data, pack)
    assert result.sites.empty and result.errors
    assert all(e.row is None for e in result.errors)
    assert result.messages("de")[0].startswith("Datei: ")


def test_utf8_with_a_stray_byte_stays_utf8(pack: RegionPack) -> None:
    data = f"name;lon;lat\nSchönkirchen;{LABOE}\nKiel\xff;{LABOE}\n"
    result = _load(data.encode("utf-8").replace(b"\xc3\xbf", b"\xff"), pack)
    assert result.sites["name"].tolist() == ["Schönkirchen", "Kiel\ufffd"]
    assert [(e.row, e.key) for e in result.errors] == [(None, "import.damaged_utf8")]


def test_one_unclosed_quote_loses_only_its_row(pack: RegionPack) -> None:
    data = _csv(f"Vorher;{LABOE}", f'"Kaputt;{LABOE}', f"Danach;{LABOE}", f"Ende;{LABOE}")
    result = _load(data, pack)
    assert result.sites["name"].tolist() == ["Vorher", "Danach", "Ende"]
    assert [(e.row, e.key) for e in result.errors] == [(3, "import.broken_record")]
    assert '„"Kaputt;10,2262;54,4052“' in result.messages("de")[0]


def test_quoted_multi_line_fields_still_work(pack: RegionPack) -> None:
    data = f'name;lon;lat;notes\nA;{LABOE};"zwei\nZeilen"\nB;{LABOE};\n'.encode()
    result = _load(data, pack)
    assert result.errors == [] and result.sites["notes"].tolist() == ["zwei\nZeilen", ""]


def test_wrong_field_count_is_named_and_trailing_empty_cells_are_fine(pack: RegionPack) -> None:
    result = _load(_csv(f"A;{LABOE};;;", f"B;{LABOE};x", f"C;{LABOE}"), pack)
    assert result.sites["name"].tolist() == ["A", "C"]
    assert [(e.row, e.key) for e in result.errors] == [(3, "import.field_count")]


@pytest.mark.parametrize("header", ["name;lon;name;lat", "name;lon;lat;LAT"])
def test_duplicate_column_is_an_error_naming_it(pack: RegionPack, header: str) -> None:
    result = _load(_csv("A;10,2;54,4;x", header=header), pack)
    assert result.sites.empty
    doubled = header.split(";")[-1].lower() if header.endswith("LAT") else "name"
    assert [(e.field, e.key) for e in result.errors] == [(doubled, "import.duplicate_column")]
    assert f"„{doubled}“ kommt mehrfach vor" in result.messages("de")[0]


def test_duplicate_column_we_do_not_read_is_named_but_rows_kept(pack: RegionPack) -> None:
    result = _load(_csv(f"A;{LABOE};1;2", header="name;lon;lat;extra;extra"), pack)
    assert result.sites["name"].tolist() == ["A"]
    assert [(e.field, e.key) for e in result.errors] == [("extra", "import.duplicate_column")]


@pytest.mark.parametrize("data", [b"name;lon;lat\n", b"name;lon;lat\n\n\n", b"", b"\n \n"])
def test_header_only_or_empty_file_says_no_rows(pack: RegionPack, data: bytes) -> None:
    result = _load(data, pack)
    assert result.sites.empty
    assert [(e.row, e.key) for e in result.errors] == [(None, "import.no_rows")]


def test_sites_check_exits_non_zero_on_a_header_only_file(tmp_path: Path) -> None:
    from planner.cli import main

    path = tmp_path / "leer.csv"
    path.write_text("name;lon;lat\n", encoding="utf-8")
    assert main(["sites", "check", str(path)]) == 1


def test_column_names_in_any_case(pack: RegionPack) -> None:
    result = _load(_csv(f"A;{LABOE};JA", header=" Name ;LON;Lat;Power"), pack)
    assert result.errors == [] and result.sites["power"].tolist() == ["yes"]


def test_missing_file_or_folder_is_named(pack: RegionPack, tmp_path: Path) -> None:
    for path in (tmp_path / "fehlt.csv", tmp_path):
        result = load_site_file(path, municipalities=pack.municipalities)
        assert [(e.row, e.key) for e in result.errors] == [(None, "import.cannot_open")]


# --- item 15: space_m2, one check for upload and edit form --------------------------------------

BAD_SPACES = ["-5", "0", "inf", "-inf", "nan", "1e308", "-1e308", "100001", "1e400"]


@pytest.mark.parametrize("space", BAD_SPACES)
def test_bad_space_is_rejected_on_upload_and_in_the_edit_form_alike(
    pack: RegionPack, space: str
) -> None:
    result = _load(_csv(f"A;{LABOE};{space}", header="name;lon;lat;space_m2"), pack)
    assert result.sites["name"].tolist() == ["A"]  # the site is usable; its space unknown
    assert np.isnan(result.sites["space_m2"].iloc[0])
    [upload_error] = result.errors
    assert upload_error.field == "space_m2" and upload_error.kept
    site_id = str(pack.sites["site_id"].iloc[0])
    # The form's number field sends floats; NaN there means "not entered" (unknown), not bad.
    for value in (space, float(space)) if space != "nan" else (space,):
        sites, [edit_error] = apply_site_edits(pack.sites, {site_id: {"space_m2": value}})
        assert edit_error.key == upload_error.key
        assert np.isnan(sites.set_index("site_id").loc[site_id, "space_m2"])  # unchanged


def test_valid_space_limits(pack: RegionPack) -> None:
    rows = [f"A;{LABOE};{SPACE_MAX_M2:.0f}", f"B;{LABOE};0,5", f"C;{LABOE};1.500"]
    result = _load(_csv(*rows, header="name;lon;lat;space_m2"), pack)
    assert result.errors == []
    assert result.sites["space_m2"].tolist() == [SPACE_MAX_M2, 0.5, 1500.0]


def test_one_checker_table_for_every_path() -> None:
    # The upload, the coordinates form and the edit form read the same table.
    from planner.sites import EDITABLE_FACTS

    assert set(EDITABLE_FACTS) <= set(FIELDS)


# --- issue 17: German input ---------------------------------------------------------------------


def test_german_coordinates_numbers_dates_and_words(pack: RegionPack) -> None:
    header = "name;lon;lat;space_m2;power;visibility;available_from;available_to"
    result = _load(
        _csv(
            "Rathausplatz;10,1388;54,3227;1.500;Ja;HOCH;03.10.2025;2025-10-31",
            "Hafen;10,2262;54,4052;12,5;nein;gering;1.7.25;",
            header=header,
        ),
        pack,
    )
    assert result.errors == []
    sites = result.sites
    geo = sites.to_crs("EPSG:4326").geometry
    assert (geo.x.iloc[0], geo.y.iloc[0]) == pytest.approx((10.1388, 54.3227), abs=1e-9)
    assert sites["municipality"].tolist() == ["Kiel, Landeshauptstadt", "Laboe"]
    assert sites["space_m2"].tolist() == [1500.0, 12.5]
    assert sites["power"].tolist() == ["yes", "no"]
    assert sites["visibility"].tolist() == ["high", "low"]
    assert sites["available_from"].tolist() == ["2025-10-03", "2025-07-01"]
    assert sites["available_to"].tolist() == ["2025-10-31", ""]


def test_space_is_read_in_the_ui_language(pack: RegionPack) -> None:
    data = _csv(f"A;{LABOE};1.500", header="name;lon;lat;space_m2")
    assert _load(data, pack, lang="de").sites["space_m2"].tolist() == [1500.0]
    assert _load(data, pack, lang="en").sites["space_m2"].tolist() == [1.5]


def test_a_german_coordinate_is_never_read_with_a_thousands_separator(pack: RegionPack) -> None:
    # "54,3233" in the lon column must be 54.3233 (out of the region), never 543233.
    result = _load(_csv("A;54,3233;10,1388"), pack)
    assert [(e.row, e.key) for e in result.errors] == [(2, "import.outside_region")]
    result = _load(_csv("A;1.388,5;54,3"), pack)  # grouped: no coordinate
    assert [(e.row, e.field, e.key) for e in result.errors] == [(2, "lon", "import.not_a_number")]


def test_every_bad_field_of_a_row_is_reported(pack: RegionPack) -> None:
    header = "name;lon;lat;space_m2;power;visibility;available_from"
    result = _load(
        _csv(";zehn;54,4;-1;vielleicht;grell;31.02.2025", f"Gut;{LABOE};;;;;", header=header),
        pack,
    )
    assert result.sites["name"].tolist() == ["Gut"]
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "name"),
        (2, "lon"),
        (2, "power"),
        (2, "space_m2"),
        (2, "visibility"),
        (2, "available_from"),
    ]


def test_edit_form_reads_german_and_names_the_site_and_the_label(pack: RegionPack) -> None:
    site_id = "rail-8000011" if "rail-8000011" in set(pack.sites["site_id"]) else None
    site_id = site_id or str(pack.sites["site_id"].iloc[0])
    name = str(pack.sites.set_index("site_id").loc[site_id, "name"])
    edits = {
        site_id: {
            "available_from": "03.10.2025",
            "power": "JA",
            "visibility": "mittel",
            "space_m2": "1.500",
            "available_to": "32.10.2025",
        }
    }
    sites, errors = apply_site_edits(pack.sites, edits)
    row = sites.set_index("site_id").loc[site_id]
    assert (row["available_from"], row["power"], row["visibility"], row["space_m2"]) == (
        "2025-10-03",
        "yes",
        "medium",
        1500.0,
    )
    assert [e.message("de") for e in errors] == [
        f"Standort „{name}“: Feld „verfügbar bis“: „32.10.2025“ ist kein Datum "
        "(TT.MM.JJJJ oder JJJJ-MM-TT)."
    ]
    assert errors[0].message("en").startswith(f"Site '{name}': Field 'available until'")


# --- issue 17: coastal points ---------------------------------------------------------------


def test_eckernfoerde_harbour_belongs_to_eckernfoerde(pack: RegionPack) -> None:
    lon, lat = ECKERNFOERDE_HARBOUR
    result = site_from_coordinates(
        name="Hafen Eckernförde", lon=lon, lat=lat, municipalities=pack.municipalities
    )
    assert result.errors == []
    assert result.sites["municipality"].tolist() == ["Eckernförde, Stadt"]
    # Without the tolerance it is outside: the tolerance is what makes it count.
    point = gpd.GeoDataFrame(
        {"site_id": ["h"]}, geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326"
    ).to_crs("EPSG:25832")
    assert assign_municipality(point, pack.municipalities, tolerance_m=0).empty


def test_a_point_far_out_at_sea_is_still_outside(pack: RegionPack) -> None:
    lon, lat = OPEN_SEA
    point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs="EPSG:4326").to_crs(
        pack.municipalities.crs
    )
    assert pack.municipalities.distance(point.iloc[0]).min() > 20 * COAST_TOLERANCE_M
    result = site_from_coordinates(name="See", lon=lon, lat=lat, municipalities=pack.municipalities)
    assert result.sites.empty and result.errors[0].key == "import.outside_region"
    assert "1.000 m" in result.messages("de")[0]


def test_pack_sites_keep_their_municipality(pack: RegionPack) -> None:
    located = assign_municipality(pack.sites[["site_id", "geometry"]].copy(), pack.municipalities)
    assert located["site_id"].tolist() == pack.sites["site_id"].tolist()
    assert located["ags"].tolist() == pack.sites["ags"].tolist()


def test_a_dropped_row_never_claims_to_be_kept(pack: RegionPack) -> None:
    rows = [f"a;Eins;{LABOE};vielleicht", f"a;Zwei;{LABOE};vielleicht", "b;Drei;9,99;53,55;x"]
    result = _load(_csv(*rows, header="site_id;name;lon;lat;power"), pack)
    assert result.sites["name"].tolist() == ["Eins"]
    assert [(e.row, e.field, e.kept) for e in result.errors] == [
        (2, "power", True),
        (3, "site_id", False),
        (3, "power", False),
        (4, "lon/lat", False),
        (4, "power", False),
    ]
    assert "übernommen" not in result.messages("de")[2]
