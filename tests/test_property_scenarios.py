"""Property-based: the scenario store gives back every payload it accepts, exactly.

For any JSON-like payload (nested dicts and lists of text, integers of any size, floats incl.
NaN and ±inf, booleans, ``None``, dates) and any name (unicode, control characters), ``save``
either stores it or raises a named error, and ``load`` returns what ``save`` returned; NaN and
±inf come back as ``None`` (JSON has neither), dates as ISO text, tuples as lists.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.scenarios import ScenarioStore, dumps_payload

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**300), max_value=10**300),  # big ints
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
payloads = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=12), inner, max_size=5),
    ),
    max_leaves=25,
)
#: Names a person could type or paste: any text without lone surrogates, control characters
#: included; blank names are refused.
names = st.text(min_size=1, max_size=80).filter(lambda n: n.strip())


def expected(value: Any) -> Any:
    """What the store gives back for ``value`` (the documented conversions)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [expected(v) for v in value]
    if isinstance(value, dict):
        return {k: expected(v) for k, v in value.items()}
    return value


@SETTINGS
@given(name=names, payload=st.dictionaries(st.text(max_size=12), payloads, max_size=6))
def test_save_then_load_round_trips(name: str, payload: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = ScenarioStore(Path(folder) / "s.sqlite")
        saved = store.save(name, payload)
        assert saved.name == name.strip()
        assert saved.data == expected(payload)
        again = ScenarioStore(Path(folder) / "s.sqlite")
        assert again.load(saved.name).data == saved.data
        assert again.names() == [saved.name]
        # a second revision keeps the first
        store.save(saved.name, {"v": 2})
        assert again.load(saved.name, revision=1).data == saved.data


@SETTINGS
@given(payload=payloads)
def test_serialisation_is_strict_json_or_a_named_error(payload: Any) -> None:
    import json

    text = dumps_payload({"x": payload})
    # strict JSON: no NaN/Infinity constants
    back = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert back["data"] == {"x": expected(payload)}


@SETTINGS
@given(text=st.text(alphabet=st.characters(categories=["Cs", "Cc", "Lo"])))
def test_lone_surrogates_in_a_payload_round_trip(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = ScenarioStore(Path(folder) / "s.sqlite")
        store.save("s", {"t": text})
        assert store.load("s").data == {"t": text}
