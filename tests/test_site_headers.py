"""German column names in site uploads (issue 17): aliases from the FIELDS table, matched
ignoring case, accents and punctuation, in CSV headers and GeoJSON properties alike; a column
named twice and an unknown column are named."""

from __future__ import annotations

import json

import pytest

from planner.data.pack import RegionPack
from planner.sites import SiteImport, import_sites, read_site_table
from planner.sites.fields import (
    DERIVED_COLUMNS,
    FIELDS,
    header_aliases,
    header_key,
    match_headers,
)

LABOE = ("10,2262", "54,4052")  # Laboe harbour, inside the region (German notation)


def _load(data: bytes, pack: RegionPack, filename: str = "sites.csv") -> SiteImport:
    table = read_site_table(data, filename)
    return import_sites(table, municipalities=pack.municipalities)


def _keys(result: SiteImport) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.field, e.key) for e in result.errors]


GERMAN_HEADER = (
    "Bezeichnung;Längengrad;Breitengrad;Stromanschluss;Fläche_m2;Sichtbarkeit;"
    "Verfügbar ab;verfügbar_bis;Bemerkung"
)
GERMAN_ROW = f"Marktplatz Laboe;{LABOE[0]};{LABOE[1]};ja;1.500;hoch;03.07.2025;31.08.2025;Markttag"


def _check_german_row(result: SiteImport) -> None:
    assert result.errors == [], result.messages("de")
    site = result.sites.iloc[0]
    assert site["name"] == "Marktplatz Laboe"
    assert site["municipality"] == "Laboe"
    assert site["power"] == "yes"
    assert site["space_m2"] == 1500.0
    assert site["visibility"] == "high"
    assert site["available_from"] == "2025-07-03"
    assert site["available_to"] == "2025-08-31"
    assert site["notes"] == "Markttag"


def test_german_csv_headers_are_read(pack: RegionPack) -> None:
    _check_german_row(_load(f"{GERMAN_HEADER}\n{GERMAN_ROW}\n".encode(), pack))


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Name", "name"),
        ("BEZEICHNUNG", "name"),
        ("Breite", "lat"),
        ("breitengrad", "lat"),
        ("LAT", "lat"),
        ("Länge", "lon"),
        ("Laengengrad", "lon"),
        ("Langengrad", "lon"),
        (" lon ", "lon"),
        ("Strom", "power"),
        ("Fläche", "space_m2"),
        ("Fläche (m²)", "space_m2"),
        ("flaeche_m2", "space_m2"),
        ("Platz", "space_m2"),
        ("Verfügbar ab", "available_from"),
        ("verfügbar-bis", "available_to"),
        ("Notiz", "notes"),
        ("Gemeinde", "municipality"),
    ],
)
def test_header_matching_ignores_case_accents_and_punctuation(header: str, column: str) -> None:
    assert match_headers([header]).columns == [column]


def test_every_alias_names_its_own_column_once() -> None:
    # the table itself: no alias names two columns, and each matches its column
    seen: dict[str, str] = {}
    for column, rule in FIELDS.items():
        for alias in (column, *rule.aliases):
            assert seen.setdefault(header_key(alias), column) == column, alias
            assert match_headers([alias]).columns == [column], alias
    for column, aliases in DERIVED_COLUMNS.items():
        assert match_headers(list(aliases)).columns == [column] * len(aliases)


def test_aliases_are_listed_for_the_upload_help() -> None:
    text = header_aliases()
    for rule in FIELDS.values():
        for alias in rule.aliases:
            assert alias in text
    from planner.i18n import t

    shown = t("ui.sites.column_aliases", "de", aliases=text)
    assert "Längengrad" in shown and "Bemerkung" in shown


def test_cp1252_file_with_laengengrad(pack: RegionPack) -> None:
    # German Excel saves "CSV (Trennzeichen-getrennt)" in cp1252: "ä" is one byte 0xE4
    data = f"{GERMAN_HEADER}\r\n{GERMAN_ROW}\r\n".encode("cp1252")
    assert b"L\xe4ngengrad" in data
    _check_german_row(_load(data, pack))


def test_german_geojson_properties_are_read(pack: RegionPack) -> None:
    props = {
        "Bezeichnung": "Marktplatz Laboe",
        "Stromanschluss": "ja",
        "Fläche_m2": "1.500",
        "Sichtbarkeit": "hoch",
        "verfügbar ab": "03.07.2025",
        "Verfügbar_bis": "31.08.2025",
        "Bemerkung": "Markttag",
        "Breitengrad": 54.4052,  # the geometry gives the point: a lat property is not read
    }
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [10.2262, 54.4052]},
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    _check_german_row(_load(data, pack, "sites.geojson"))


def test_two_headers_for_one_field_are_a_named_error(pack: RegionPack) -> None:
    result = _load(f"name;lon;lat;Breite\nA;{LABOE[0]};{LABOE[1]};54,4\n".encode(), pack)
    assert result.sites.empty  # which of the two is meant cannot be known
    assert _keys(result) == [(None, "lat", "import.duplicate_alias")]
    message = result.messages("de")[0]
    assert "„lat“" in message and "„Breite“" in message and "Breitengrad" in message
    assert "Breite" in result.messages("en")[0] and "latitude" in result.messages("en")[0]


def test_two_geojson_properties_for_one_field_are_a_named_error(pack: RegionPack) -> None:
    feature = {
        "type": "Feature",
        "properties": {"name": "A", "Bezeichnung": "B"},
        "geometry": {"type": "Point", "coordinates": [10.2262, 54.4052]},
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    result = _load(data, pack, "sites.geojson")
    assert result.sites.empty
    assert _keys(result) == [(None, "name", "import.duplicate_alias")]
    assert "„Bezeichnung“" in result.messages("de")[0]


def test_unknown_column_is_named_with_the_closest_known_one(pack: RegionPack) -> None:
    header = "Name;Länge;Breite;Sichtbarkiet;Farbe"
    result = _load(f"{header}\nA;{LABOE[0]};{LABOE[1]};hoch;rot\n".encode(), pack)
    assert result.sites["name"].tolist() == ["A"]  # the rows are read all the same
    assert result.sites["visibility"].tolist() == ["unknown"]  # the misspelt column is not read
    assert _keys(result) == [
        (None, "Sichtbarkiet", "import.unknown_column_near"),
        (None, "Farbe", "import.unknown_column"),
    ]
    near, unknown = result.messages("de")
    assert "„Sichtbarkiet“" in near and "gemeint ist vielleicht „Sichtbarkeit“" in near
    assert "„Farbe“ ist unbekannt" in unknown
    assert "did you mean 'Sichtbarkeit'" in result.messages("en")[0]


def test_a_missing_required_column_comes_with_a_suggestion(pack: RegionPack) -> None:
    result = _load(f"Name;Längengrd;Breite\nA;{LABOE[0]};{LABOE[1]}\n".encode(), pack)
    assert result.sites.empty
    assert _keys(result) == [
        (None, "Längengrd", "import.unknown_column_near"),
        (None, "lon", "import.missing_column"),
    ]
    assert "„Längengrad“" in result.messages("de")[0]


def test_derived_columns_are_named_as_not_read(pack: RegionPack) -> None:
    # the municipality follows from the point, whatever the file says
    result = _load(f"Name;lon;lat;Gemeinde\nA;{LABOE[0]};{LABOE[1]};Kiel\n".encode(), pack)
    assert result.sites["municipality"].tolist() == ["Laboe"]
    assert _keys(result) == [(None, "Gemeinde", "import.derived_column")]
