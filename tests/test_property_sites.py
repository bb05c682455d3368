"""Property tests for the site upload readers (issue 14: "a result or a named error, never another
exception; valid rows are kept").

A small synthetic region (one square municipality) keeps the examples fast; the real pack is not
needed to test the readers.
"""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from planner.i18n import CATALOGUE
from planner.sites import (
    FIELDS,
    FieldProblem,
    RowError,
    SiteImport,
    import_sites,
    read_site_table,
)
from planner.usertext import NAME_MAX_LENGTH, clean_text, unsafe_characters

# The square 10.0–10.4 °E, 54.2–54.5 °N, as the pack stores municipalities (EPSG:25832).
LON, LAT = (10.0, 10.4), (54.2, 54.5)
MUNICIPALITIES = gpd.GeoDataFrame(
    {
        "ags": ["01057999"],
        "name": ["Testgemeinde"],
        "district_ags": ["01057"],
        "district": ["Plön"],
        "area_class": ["rural"],
    },
    geometry=[box(LON[0], LAT[0], LON[1], LAT[1])],
    crs="EPSG:4326",
).to_crs("EPSG:25832")

PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _run(data: bytes, filename: str) -> SiteImport:
    table = read_site_table(data, filename)
    return import_sites(table, municipalities=MUNICIPALITIES, existing_ids={"taken"})


def _assert_named(result: SiteImport) -> None:
    assert isinstance(result, SiteImport)
    for error in result.errors:
        assert isinstance(error, RowError)
        assert error.key in CATALOGUE, error.key
        assert set(CATALOGUE[error.key]) >= {"de", "en"}
        for lang in ("de", "en"):
            message = error.message(lang)  # raises when a placeholder has no value
            assert message.split(": ")[0] and len(message) < 2_000  # values shown shortened
            message.encode("utf-8")  # no lone surrogate reaches a message
    for name in result.sites["name"]:
        assert name == clean_text(name) and 0 < len(name) <= NAME_MAX_LENGTH


# --- arbitrary bytes and documents: a result or named errors ------------------------------------


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=400), filename=st.sampled_from(["s.csv", "s.geojson", "s.txt"]))
def test_any_bytes_give_a_result_or_named_errors(data: bytes, filename: str) -> None:
    _assert_named(_run(data, filename))


CSV_ALPHABET = st.characters(codec="utf-8") | st.sampled_from(list(';,"\n\r\t\x00\u202e'))


@PROPERTY_SETTINGS
@given(
    body=st.text(alphabet=CSV_ALPHABET, max_size=300),
    header=st.sampled_from(["name;lon;lat", "name,lon,lat,space_m2", "Name;LON;lat;notes;power"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_any_csv_text_gives_a_result_or_named_errors(body: str, header: str, encoding: str) -> None:
    data = (header + "\n" + body).encode(encoding, errors="replace")
    _assert_named(_run(data, "s.csv"))


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
FEATURE = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Feature", "feature", 3]),
        "properties": st.none() | JSON | st.fixed_dictionaries({"name": JSON}),
        "geometry": st.none()
        | JSON
        | st.fixed_dictionaries(
            {
                "type": st.sampled_from(["Point", "LineString", "Polygon", None]),
                "coordinates": JSON | st.lists(JSON_SCALARS, min_size=1, max_size=4),
            }
        ),
    }
)


@PROPERTY_SETTINGS
@given(
    features=st.lists(FEATURE | JSON, max_size=6) | JSON,
    crs=st.none()
    | JSON
    | st.sampled_from(["EPSG:25832", "urn:ogc:def:crs:EPSG::3857", "EPSG:1", "x"]).map(
        lambda n: {"type": "name", "properties": {"name": n}}
    ),
)
def test_any_geojson_document_gives_a_result_or_named_errors(features: object, crs: object) -> None:
    document = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        document["crs"] = crs
    _assert_named(_run(json.dumps(document).encode(), "s.geojson"))
    _assert_named(_run(json.dumps(features).encode(), "s.json"))


# --- valid rows among invalid ones are all kept -------------------------------------------------

NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda s: clean_text(s) != "")
COORD_LON = st.floats(min_value=LON[0] + 0.01, max_value=LON[1] - 0.01)
COORD_LAT = st.floats(min_value=LAT[0] + 0.01, max_value=LAT[1] - 0.01)


@st.composite
def valid_row(draw: st.DrawFn) -> dict[str, str]:
    decimal = draw(st.sampled_from([".", ","]))
    lon, lat = draw(COORD_LON), draw(COORD_LAT)
    return {
        "name": draw(NAMES),
        "lon": f"{lon:.6f}".replace(".", decimal),
        "lat": f"{lat:.6f}".replace(".", decimal),
        "power": draw(st.sampled_from(["", "ja", "NEIN", "yes", "unknown", "vielleicht"])),
        "space_m2": draw(st.sampled_from(["", "12,5", "1.500", "-3", "inf", "viel"])),
        "available_from": draw(st.sampled_from(["", "03.10.2025", "2025-10-03", "31.02.2025"])),
    }


@st.composite
def invalid_row(draw: st.DrawFn) -> dict[str, str]:
    row = draw(valid_row())
    fault = draw(st.sampled_from(["name", "lon", "lat", "outside", "id"]))
    if fault == "name":
        row["name"] = draw(st.sampled_from(["", "   ", "\x00\u202e", "x" * (NAME_MAX_LENGTH + 1)]))
    elif fault in ("lon", "lat"):
        row[fault] = draw(st.sampled_from(["", "zehn", "nan", "1.234,5", "1e400", "54,3,2"]))
    elif fault == "outside":
        row["lon"] = "11.5"  # east of the square
    else:
        row["site_id"] = "taken"
    return row


@PROPERTY_SETTINGS
@given(
    rows=st.lists(st.tuples(st.booleans(), st.data()), min_size=1, max_size=12),
    sep=st.sampled_from([";", ","]),
)
def test_every_valid_row_is_kept_and_every_invalid_row_named(
    rows: list[tuple[bool, st.DataObject]], sep: str
) -> None:
    drawn = [(ok, data.draw(valid_row() if ok else invalid_row())) for ok, data in rows]
    columns = ["site_id", "name", "lon", "lat", "power", "space_m2", "available_from"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=sep, restval="")
    writer.writeheader()
    for _, row in drawn:
        writer.writerow(row)
    result = _run(buffer.getvalue().encode("utf-8"), "s.csv")
    _assert_named(result)
    expected = [clean_text(row["name"]) for ok, row in drawn if ok]
    assert result.sites["name"].tolist() == expected
    bad_rows = {e.row for e in result.errors if not e.kept}
    for number, (ok, _) in enumerate(drawn, start=2):
        assert (number in bad_rows) != ok, number  # each dropped row named, no kept row blamed


@PROPERTY_SETTINGS
@given(rows=st.lists(st.tuples(st.booleans(), st.data()), min_size=1, max_size=10))
def test_every_valid_feature_is_kept(rows: list[tuple[bool, st.DataObject]]) -> None:
    features: list[object] = []
    expected: list[str] = []
    for ok, data in rows:
        lon, lat, name = data.draw(COORD_LON), data.draw(COORD_LAT), data.draw(NAMES)
        if ok:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": name},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                }
            )
            expected.append(clean_text(name))
        else:
            features.append(
                data.draw(
                    st.sampled_from(
                        [
                            None,
                            {"type": "Feature", "properties": None, "geometry": None},
                            {"geometry": {"type": "Point", "coordinates": [lon]}},
                            {"properties": {"name": name},
                             "geometry": {"type": "LineString", "coordinates": [[lon, lat]] * 2}},
                        ]
                    )
                )
            )  # fmt: skip
    document = {"type": "FeatureCollection", "features": features}
    result = _run(json.dumps(document).encode(), "s.geojson")
    _assert_named(result)
    assert result.sites["name"].tolist() == expected
    named = {e.row for e in result.errors if not e.kept}
    for number, (ok, _) in enumerate(rows, start=1):
        assert (number in named) != ok


# --- one text check, whichever way it runs ------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    text=st.text(max_size=60) | st.text(alphabet="a \t\n\x00\x0b\u202e\u0308é\ud800", max_size=20)
)
@pytest.mark.parametrize("column", ["name", "notes"])
def test_text_check_agrees_with_usertext(column: str, text: str) -> None:
    multiline = column == "notes"
    try:
        value, warning = FIELDS[column].parse(text, "de")
    except Exception as problem:
        assert isinstance(problem, FieldProblem)
        return
    assert value == clean_text(text, multiline=multiline)
    removed = unsafe_characters(text, multiline=multiline)
    assert (warning is not None) == bool(removed)
    if warning is not None:
        assert warning.params["chars"] == ", ".join(removed)
