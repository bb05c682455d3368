"""Property tests: any selection request gives a request or a named error; the table writer
never raises and never leaves a live formula, whatever the text."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.export import excel_workbook_bytes, table_csv_text
from planner.selection import SelectionRequestError, SelectionRules
from planner.selection.region import SelectionRequest
from planner.usertext import FORMULA_PREFIXES

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.tuples(st.integers(min_value=-5, max_value=50), st.integers(min_value=-5, max_value=50)),
    st.dictionaries(st.text(max_size=5), st.integers(min_value=-5, max_value=50), max_size=3),
    st.sampled_from(["mclp", "pmedian", "population", "rural", "age65"]),
)
REQUEST_FIELDS = (
    "model",
    "p",
    "threshold_min",
    "emphasis",
    "emphasis_factor",
    "time_limit",
    "seed",
)
RULE_FIELDS = (
    "district_quotas",
    "min_urban",
    "min_rural",
    "must",
    "must_not",
    "min_spacing_m",
)


def _build(request_values: dict[str, Any], rule_values: dict[str, Any]) -> SelectionRequest:
    rules = SelectionRules(**rule_values)
    return SelectionRequest(rules=rules, **request_values)


@SETTINGS
@given(
    st.dictionaries(st.sampled_from(REQUEST_FIELDS), anything, max_size=4),
    st.dictionaries(st.sampled_from(RULE_FIELDS), anything, max_size=3),
)
def test_any_request_is_valid_or_a_named_error(
    request_values: dict[str, Any], rule_values: dict[str, Any]
) -> None:
    try:
        request = _build(request_values, rule_values)
    except SelectionRequestError as exc:
        # the field named is one that was set, and the message shows it with its value
        field = exc.field.removeprefix("rules.").split("[")[0]
        assert field in request_values or field in rule_values
        assert str(exc).startswith(f"selection.{exc.field} = ")
        assert exc.message("de") and exc.message("en")
        return
    # a request that is made holds only values the solver can use
    assert request.p >= 1 and isinstance(request.p, int)
    assert 0 < request.threshold_min <= SelectionRequest.MAX_THRESHOLD_MIN
    assert 1 <= request.emphasis_factor <= SelectionRequest.MAX_EMPHASIS_FACTOR
    assert 0 < request.time_limit <= SelectionRequest.MAX_TIME_LIMIT
    spacing = request.rules.min_spacing_m
    assert spacing is None or 0 < spacing <= SelectionRules.MAX_SPACING_M
    assert all(isinstance(s, str) for s in (*request.rules.must, *request.rules.must_not))


# every code point, lone surrogates and controls included
cell_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
prefixed = st.tuples(st.sampled_from((*FORMULA_PREFIXES, " ", "'", "")), cell_text).map(
    lambda pair: pair[0] + pair[1]
)
cells = st.one_of(prefixed, st.none(), st.integers(), st.floats())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(prefixed, cells), min_size=0, max_size=6), prefixed)
def test_the_table_writer_never_raises_and_never_leaves_a_formula(
    rows: list[tuple[str, object]], header: str
) -> None:
    frame = pd.DataFrame(
        {
            0: pd.Series([r[0] for r in rows], dtype=object),
            1: pd.Series([r[1] for r in rows], dtype=object),
        }
    )
    frame.columns = pd.Index(["name", header], dtype=object)  # it may repeat "name"
    text = table_csv_text(frame)
    text.encode("utf-8")  # no lone surrogate survives
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(parsed) == len(rows) + 1  # no text splits a row
    texts = [*parsed[0]] + [
        value
        for (name, other), line in zip(rows, parsed[1:], strict=True)
        for value, original in zip(line, (name, other), strict=True)
        if isinstance(original, str)  # numbers are numbers: -1 is not a formula
    ]
    assert not [v for v in texts if v.startswith(FORMULA_PREFIXES)]
    book = excel_workbook_bytes({"t": frame})
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book))["t"]
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_PREFIXES), cell.value


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_each_formula_prefix_is_neutralised(prefix: str) -> None:
    frame = pd.DataFrame({"name": [prefix + "SUM(A1)"]})
    value = list(csv.reader(io.StringIO(table_csv_text(frame)), delimiter=";"))[1][0]
    # tab and line breaks are cleaned away, the rest keep their text behind an apostrophe
    assert value == ("'" + prefix + "SUM(A1)" if prefix not in "\t\r\n" else "SUM(A1)")
