"""Property: for any TOML-like document, the season config parser gives a SeasonFile or a
ConfigError naming a key, never another exception (issue 14)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.season import ConfigError
from planner.season import config as season_config
from planner.season.config import SeasonFile, parse_season_config

# every key the parser knows (read from it, so a new setting is fuzzed too) and one it does not
SEASON_KEYS = [*sorted(season_config.SEASON_FILE_KEYS), "bogus"]

dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
plausible_dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
date_texts = st.one_of(
    plausible_dates.map(dt.date.isoformat),
    plausible_dates.map(lambda d: d.strftime("%d.%m.%Y")),
    st.tuples(dates, dates).map(lambda r: f"{r[0].isoformat()}..{r[1].isoformat()}"),
)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 5, -1, 1e300, -1e18, math.nan, math.inf]),
)
scalars = st.one_of(
    st.booleans(),
    numbers,
    st.text(max_size=12),
    date_texts,
    dates,
    st.sampled_from(["Mon", "Funday", "Kiel", "no", "home", "name"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["date", "until", "reason", "site", "start", "end", "x"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)
# a valid season most of the time, so the other tables are reached, plus a few hostile keys
valid_season = st.builds(
    lambda start, days, extra: {
        "start": start,
        "end": start + dt.timedelta(days=days),
        "home": "home",
        **extra,
    },
    plausible_dates,
    st.integers(min_value=0, max_value=400),
    st.dictionaries(st.sampled_from(SEASON_KEYS), values, max_size=2),
)
season_tables = st.one_of(
    valid_season,
    st.fixed_dictionaries(
        {"start": st.one_of(plausible_dates, scalars), "end": st.one_of(plausible_dates, scalars)},
        optional={"home": st.one_of(st.just("home"), scalars)},
    ),
)
small = st.one_of(st.integers(min_value=0, max_value=5), values)
weights = st.one_of(st.floats(min_value=0, max_value=10), numbers, values)
documents = st.fixed_dictionaries(
    {"season": st.one_of(valid_season, valid_season, season_tables, values)},
    optional={
        "quotas": st.one_of(
            st.dictionaries(st.sampled_from(["Kiel", "Plön", "x"]), small, max_size=3), values
        ),
        "weights": st.one_of(
            st.dictionaries(st.sampled_from(["score", "coverage", "tow", "x"]), weights), values
        ),
        "criteria": st.one_of(
            st.dictionaries(st.sampled_from(["pop_car", "rail", "wifi"]), weights), values
        ),
        "bookings": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {"site": st.one_of(st.just("a"), scalars)},
                    optional={"start": st.one_of(plausible_dates, scalars), "end": values},
                ),
                max_size=3,
            ),
            values,
        ),
        "data": st.one_of(
            st.dictionaries(
                st.sampled_from(["sites", "coverage_minutes", "score_column", "x"]),
                st.one_of(numbers, values),
            ),
            values,
        ),
    },
)


SEASON = {"start": dt.date(2023, 7, 3), "end": dt.date(2023, 10, 27), "home": "home"}


# the defects found by hand (issue 14, items 16 and 17) always run, then random documents
@example({"season": SEASON, "bookings": 5})
@example({"season": SEASON, "weights": {"coverage": math.inf}})
@example({"season": SEASON, "weights": {"score": math.nan}})
@example({"season": SEASON, "weights": {"tow": -1e18}})
@example({"season": {**SEASON, "blackout_dates": ["2023-08-01..9999-12-31"]}})
@example({"season": {**SEASON, "public_holidays": "no"}})
@example({"season": {**SEASON, "start": dt.date(1, 1, 1)}})
@example({"season": SEASON, "data": {"coverage_minutes": -5}})
@example({"season": SEASON, "data": {"score_column": "name"}})
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_parser_gives_a_config_or_a_named_error(raw: dict[str, Any]) -> None:
    try:
        parsed = parse_season_config(raw)
    except ConfigError as exc:
        assert exc.key  # names the setting ...
        assert exc.message("de") and exc.message("en")  # ... in both languages
        return
    assert isinstance(parsed, SeasonFile)
    cfg = parsed.config
    assert cfg.start <= cfg.end
    assert all(math.isfinite(w) for w in (cfg.weight_score, cfg.weight_coverage, cfg.weight_tow))
    assert math.isfinite(cfg.time_limit) and cfg.time_limit > 0
    assert all(0 <= w <= 1000 for w in (cfg.weight_score, cfg.weight_coverage, cfg.weight_tow))
    # what the file says is what the config holds
    assert cfg.public_holidays is raw["season"].get("public_holidays", True)
    assert all(1990 <= d.year <= 2200 for d in (cfg.start, cfg.end, *cfg.blackout_dates))
    minutes = parsed.data.get("coverage_minutes", 15)
    assert math.isfinite(minutes) and minutes > 0
    assert parsed.config.score_column not in ("site_id", "name", "municipality", "district")
