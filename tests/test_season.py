"""Tests of the season planner (planner.season) on small synthetic regions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from planner.season import (
    Booking,
    SeasonConfig,
    SeasonPlan,
    compare_plans,
    coverage_from_matrix,
    plan_season,
    replan,
)
from planner.season.calendar import SeasonCalendar

D = dt.date
X0, Y0 = 575_000.0, 6_020_000.0  # near Kiel, EPSG:25832


def make_sites() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Home (Kiel) plus 5 sites in each of three districts, fixed scores and positions."""
    rows = [
        dict(
            site_id="home",
            name="Kiel Rathausplatz",
            municipality="Kiel",
            district="Kiel",
            district_ags="01002",
            area_class="urban",
            score=0.0,
            x=X0,
            y=Y0,
        )
    ]
    layout = {
        "Kiel": ("01002", (0, 0)),
        "Plön": ("01057", (25_000, -10_000)),
        "Rendsburg-Eckernförde": ("01058", (-30_000, 5_000)),
    }
    offsets = [(0, 0), (4_000, 1_000), (-3_000, 3_000), (2_000, -4_000), (-5_000, -2_000)]
    scores = {
        "Kiel": [9, 7, 5, 3, 1],
        "Plön": [8, 6, 4, 2, 1],
        "Rendsburg-Eckernförde": [9, 6, 5, 4, 2],
    }
    for dname, (ags, (cx, cy)) in layout.items():
        for k, (ox, oy) in enumerate(offsets):
            rows.append(
                dict(
                    site_id=f"{dname[:3]}{k}",
                    name=f"{dname} {k}",
                    municipality="Kiel" if dname == "Kiel" else f"{dname[:3]}-M{k}",
                    district=dname,
                    district_ags=ags,
                    area_class="urban" if dname == "Kiel" or k == 0 else "rural",
                    score=float(scores[dname][k]),
                    x=X0 + cx + ox,
                    y=Y0 + cy + oy,
                )
            )
    sites = pd.DataFrame(rows)
    xy = sites[["x", "y"]].to_numpy()
    km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000 * 1.3
    minutes = km / 50 * 60
    return sites, minutes, km


def base_config(**kw: object) -> SeasonConfig:
    args: dict[str, object] = dict(
        start=D(2023, 7, 3),
        end=D(2023, 10, 31),
        home_site_id="home",
        district_quotas={"Kiel": 2, "Plön": 2, "Rendsburg-Eckernförde": 2},
        time_limit=10.0,
    )
    args.update(kw)
    return SeasonConfig(**args)  # type: ignore[arg-type]


def assert_valid(
    plan: SeasonPlan, cfg: SeasonConfig, minutes: np.ndarray, sites: pd.DataFrame
) -> None:
    """Every rule of the season holds in ``plan``."""
    assert plan.feasible, plan.explain()
    cal = SeasonCalendar(
        start=cfg.start,
        end=cfg.end,
        operating_weekdays=frozenset(cfg.operating_weekdays),
        blackouts=dict(cfg.blackout_dates),
        public_holidays=cfg.public_holidays,
    )
    sch = plan.schedule
    idx = {s: i for i, s in enumerate(sites["site_id"])}
    assert sch["site_id"].is_unique
    for _, r in sch.iterrows():
        # season, operating days, no blackout inside the stay
        assert cfg.start <= r["start"] <= r["end"] <= cfg.end
        assert cal.is_operating(r["start"]) and cal.is_operating(r["end"])
        days = [r["start"] + dt.timedelta(days=k) for k in range((r["end"] - r["start"]).days + 1)]
        assert not any(cal.is_blackout(d) for d in days), r["site_id"]
        assert sum(cal.is_operating(d) for d in days) == r["open_days"]
        # availability window
        srow = sites.iloc[idx[r["site_id"]]]
        lo, hi = srow.get("available_from", ""), srow.get("available_to", "")
        if isinstance(lo, str) and lo:
            assert r["start"] >= D.fromisoformat(lo)
        if isinstance(hi, str) and hi:
            assert r["end"] <= D.fromisoformat(hi)
    for _u, grp in sch.groupby("unit"):
        grp = grp.sort_values("start")
        prev = idx[cfg.home_site_id]
        prev_end: dt.date | None = None
        for _, r in grp.iterrows():
            i = idx[r["site_id"]]
            assert r["tow_minutes"] == pytest.approx(minutes[prev, i])
            if cfg.max_tow_minutes is not None:
                assert r["tow_minutes"] <= cfg.max_tow_minutes + 1e-9
            if prev_end is not None:  # relocation days between stops
                assert (r["start"] - prev_end).days >= 1 + cfg.relocation_days
            prev, prev_end = i, r["end"]
    # quotas
    per = sch.groupby("district").size().to_dict()
    for k, q in cfg.district_quotas.items():
        assert per.get(k, 0) == q, (k, per)
    if cfg.min_rural_share:
        assert (sch["area_class"] == "rural").mean() >= cfg.min_rural_share - 1e-9
    # municipality gap
    for (_, a), (_, b) in itertools.combinations(sch.iterrows(), 2):
        if a["municipality"] == b["municipality"] and cfg.municipality_gap_days:
            first, second = (a, b) if a["start"] < b["start"] else (b, a)
            assert (second["start"] - first["end"]).days >= cfg.municipality_gap_days
    for s in cfg.must_include:
        assert s in set(sch["site_id"])
    for s in cfg.exclude:
        assert s not in set(sch["site_id"])


@pytest.fixture(scope="module")
def region() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    return make_sites()


def test_quotas_met_and_optimum_by_brute_force(region) -> None:
    sites, minutes, km = region
    cfg = base_config()
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert_valid(plan, cfg, minutes, sites)
    # weight_tow = 0: the optimum is the best two scores of each district
    best = sum(
        sorted(sites[sites.district == d].score, reverse=True)[0]
        + sorted(sites[sites.district == d].score, reverse=True)[1]
        for d in cfg.district_quotas
    )
    assert plan.totals["value"] == pytest.approx(best)
    assert plan.status == "optimal"
    assert plan.totals["gap"] == pytest.approx(0.0)
    assert plan.totals["stops_per_district"] == {"Kiel": 2, "Plön": 2, "Rendsburg-Eckernförde": 2}
    assert plan.totals["km_towed"] > 0


def test_tow_weight_trades_score_for_shorter_tours(region) -> None:
    sites, minutes, km = region
    plain = plan_season(sites, minutes, config=base_config(), km=km)
    towing = plan_season(sites, minutes, config=base_config(weight_tow=1.0), km=km)
    assert towing.totals["tow_minutes"] <= plain.totals["tow_minutes"] + 1e-9
    assert towing.totals["value"] == pytest.approx(
        towing.totals["score_sum"] - towing.totals["tow_minutes"]
    )


def test_blackouts_holidays_and_municipality_gap(region) -> None:
    sites, minutes, km = region
    cfg = base_config(
        start=D(2023, 9, 25),
        end=D(2023, 12, 22),
        blackout_dates={D(2023, 10, 16): "maintenance", D(2023, 11, 8): "staff"},
        municipality_gap_days=21,
        relocation_days=2,
    )
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert_valid(plan, cfg, minutes, sites)
    kiel = plan.schedule[plan.schedule.municipality == "Kiel"].sort_values("start")
    assert (kiel["start"].iloc[1] - kiel["end"].iloc[0]).days >= 21


def test_availability_window_respected(region) -> None:
    sites, minutes, km = region
    s = sites.copy()
    s["available_from"] = ""
    s["available_to"] = ""
    s.loc[s.site_id == "Plö1", ["available_from", "available_to"]] = ["2023-09-04", "2023-09-15"]
    s.loc[s.site_id == "Plö0", ["available_from", "available_to"]] = ["2023-08-01", "2023-08-02"]
    cfg = base_config(must_include=("Plö1",))
    plan = plan_season(s, minutes, config=cfg, km=km)
    assert_valid(plan, cfg, minutes, s)
    row = plan.schedule[plan.schedule.site_id == "Plö1"].iloc[0]
    assert D(2023, 9, 4) <= row["start"] and row["end"] <= D(2023, 9, 15)
    assert "Plö0" not in set(plan.schedule.site_id)  # best Plön score, but no 5-day window
    reason = plan.unplanned.set_index("site_id").loc["Plö0", "reason"]
    assert reason == "availability"
    text = plan.unplanned_table("en").set_index("site_id").loc["Plö0", "reason"]
    assert text.startswith("availability: no 5-day stay fits its window")
    assert (
        plan.unplanned_table("de")
        .set_index("site_id")
        .loc["Plö0", "reason"]
        .startswith("Verfügbarkeit")
    )


def test_booking_must_include_exclude_and_short_stays(region) -> None:
    sites, minutes, km = region
    s = sites.copy()
    s["stay_days"] = np.nan
    s.loc[s.district == "Plön", "stay_days"] = 1  # one-day Probstei-style stops
    cfg = base_config(
        bookings=(Booking("Ren3", D(2023, 8, 22), D(2023, 8, 25)),),
        must_include=("Kie4",),
        exclude=("Kie0",),
    )
    plan = plan_season(s, minutes, config=cfg, km=km)
    assert_valid(plan, cfg, minutes, s)
    row = plan.schedule.set_index("site_id").loc["Ren3"]
    assert (row["start"], row["end"], row["open_days"]) == (D(2023, 8, 22), D(2023, 8, 25), 4)
    assert set(plan.schedule[plan.schedule.district == "Plön"].open_days) == {1}
    assert plan.unplanned.set_index("site_id").loc["Kie0", "reason"] == "excluded"
    assert plan.unplanned_table("en").set_index("site_id").loc["Kie0", "reason"] == (
        "excluded by the planners"
    )


def test_max_tow_limit(region) -> None:
    sites, minutes, km = region
    cfg = base_config(max_tow_minutes=45.0)
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert_valid(plan, cfg, minutes, sites)
    assert plan.schedule["tow_minutes"].max() <= 45.0


def test_rural_share(region) -> None:
    sites, minutes, km = region
    cfg = base_config(min_rural_share=0.6)
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert_valid(plan, cfg, minutes, sites)
    assert (plan.schedule.area_class == "rural").mean() >= 0.6


def test_two_units(region) -> None:
    sites, minutes, km = region
    cfg = base_config(
        start=D(2023, 7, 3),
        end=D(2023, 8, 11),
        units=2,
        district_quotas={"Kiel": 2, "Plön": 3, "Rendsburg-Eckernförde": 3},
    )
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert_valid(plan, cfg, minutes, sites)  # checks per unit: no overlap, relocation
    assert plan.schedule["unit"].nunique() == 2  # 8 week-long stops do not fit 6 weeks alone


def test_locked_stop_stays_on_replan(region) -> None:
    sites, minutes, km = region
    cfg = base_config()
    plan = plan_season(sites, minutes, config=cfg, km=km)
    locked = plan.schedule.iloc[2]
    new_cfg = dataclasses.replace(
        cfg, district_quotas={"Kiel": 1, "Plön": 3, "Rendsburg-Eckernförde": 2}
    )
    again = replan(plan, lock=[int(locked["stop"])], minutes=minutes, km=km, config=new_cfg)
    assert_valid(again, dataclasses.replace(new_cfg, bookings=()), minutes, sites)
    row = again.schedule.set_index("site_id").loc[locked["site_id"]]
    assert (row["start"], row["end"]) == (locked["start"], locked["end"])
    assert bool(row["locked"])
    cmp = compare_plans(plan, again, labels=("first", "second"))
    assert cmp.totals.loc["stops_per_district[Plön]", "second"] == 3
    assert cmp.totals.loc["stops_per_district[Plön]", "difference"] == 1
    changes = cmp.stops.set_index("site_id")["change"]
    assert changes[locked["site_id"]] == "same_dates"
    assert (changes == "only_b").sum() >= 1
    assert cmp.totals_table("de").loc["Stopps in Plön", "Differenz"] == 1
    shown = cmp.stops_table("en").set_index("site_id")["change"]
    assert (shown == "only in second").sum() == (changes == "only_b").sum()


def test_coverage_is_not_double_counted() -> None:
    # Three candidate sites in one district, two stops: B covers a subset of A's cells,
    # C covers others.  Best pair by coverage: A + C (B adds nothing next to A), although
    # A + B reach more people counted twice (1,900 + 1,000).
    sites = pd.DataFrame(
        [
            dict(
                site_id="h",
                name="Home",
                municipality="H",
                district="D",
                area_class="urban",
                score=0.0,
            ),
            dict(
                site_id="A",
                name="A",
                municipality="MA",
                district="D",
                area_class="urban",
                score=0.0,
            ),
            dict(
                site_id="B",
                name="B",
                municipality="MB",
                district="D",
                area_class="urban",
                score=0.0,
            ),
            dict(
                site_id="C",
                name="C",
                municipality="MC",
                district="D",
                area_class="rural",
                score=0.0,
            ),
        ]
    )
    minutes = np.full((4, 4), 10.0)
    np.fill_diagonal(minutes, 0)
    pops = {"c1": 1000.0, "c2": 900.0, "c3": 600.0}
    cover = coverage_from_matrix(
        ["h", "A", "B", "C"],
        ["c1", "c2", "c3"],
        np.array([[99, 99, 99], [5, 5, 99], [5, 99, 99], [99, 99, 5]]),
        threshold=15,
    )
    cfg = SeasonConfig(
        start=D(2023, 7, 3),
        end=D(2023, 7, 28),
        home_site_id="h",
        stops_total=2,
        weight_score=0.0,
        weight_coverage=1.0,
        time_limit=10.0,
    )
    plan = plan_season(sites, minutes, config=cfg, coverage=cover, cell_population=pops)
    assert set(plan.schedule.site_id) == {"A", "C"}
    assert plan.totals["population_covered"] == pytest.approx(2500.0)
    assert plan.unplanned.set_index("site_id").loc["B", "reason"] == "covered"
    reason = plan.unplanned_table("en").set_index("site_id").loc["B", "reason"]
    assert reason.startswith("covered by a chosen stop: A (A) already reaches 1,000 of its")
    reason = plan.unplanned_table("de").set_index("site_id").loc["B", "reason"]
    assert "erreicht schon 1.000 seiner 1.000 Einwohner" in reason


def test_infeasible_quota_names_the_rule(region) -> None:
    sites, minutes, km = region
    cfg = base_config(
        district_quotas={"Kiel": 2, "Plön": 7, "Rendsburg-Eckernförde": 2}, time_limit=5.0
    )
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert plan.status == "infeasible"
    # proven by counting, before any search: only the rule at fault, with its numbers
    assert [d.rule for d in plan.diagnosis] == ["district_quota[Plön]"]
    assert plan.explain().startswith("Die Saison kann nicht alle Regeln erfüllen.")
    assert "- Quote Plön: Quote für Plön ist 7, der Kreis hat aber nur 5" in plan.explain()
    assert "quota for Plön is 7 but the district has only 5 candidate site(s)" in plan.explain("en")


def test_relaxation_diagnosis_names_only_rules_that_help(region) -> None:
    sites, minutes, km = region
    # Kiel's sites are all urban: two Kiel stops and an all-rural season cannot both hold
    cfg = base_config(min_rural_share=1.0, time_limit=60.0)
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert plan.status == "infeasible"
    rules = {d.rule for d in plan.diagnosis}
    assert rules == {"district_quota[Kiel]", "min_rural_share"}
    for d in plan.diagnosis:
        assert d.relaxed_feasible and d.relaxed_stops is not None
    d = next(d for d in plan.diagnosis if d.rule == "district_quota[Kiel]")
    assert d.relaxation is not None and "lowered from 2 to 0" in d.relaxation_text("en")
    assert "- quota Kiel: the season cannot meet this rule" in plan.explain("en")


def test_infeasible_season_length_names_the_rule(region) -> None:
    sites, minutes, km = region
    cfg = base_config(start=D(2023, 7, 3), end=D(2023, 7, 28), time_limit=5.0)  # 4 weeks, 6 stops
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert plan.status == "infeasible"
    rules = {d.rule for d in plan.diagnosis}
    assert rules & {
        "season_length",
        "district_quota[Kiel]",
        "district_quota[Plön]",
        "district_quota[Rendsburg-Eckernförde]",
    }
    assert all(d.text("de") and d.text("en") != d.text("de") for d in plan.diagnosis)


def test_booking_on_holiday_is_reported(region) -> None:
    sites, minutes, km = region
    cfg = base_config(bookings=(Booking("Kie1", D(2023, 10, 3)),))
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert plan.status == "infeasible"
    assert plan.diagnosis[0].rule == "booking[Kie1]"
    assert "public holiday (German Unity Day)" in plan.diagnosis[0].text("en")
    assert "Feiertag (Tag der Deutschen Einheit)" in plan.diagnosis[0].text("de")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.drop(columns=["area_class"]), "missing column"),
        (lambda s: s.assign(score=["x", *s.score[1:]]), r"row 0 .*score = 'x'"),
        (lambda s: s.assign(site_id=["home", "home", *s.site_id[2:]]), "row 1: site_id 'home'"),
        (
            lambda s: s.assign(available_from=["", "2023-02-30", *[""] * (len(s) - 2)]),
            r"row 1 .*available_from",
        ),
    ],
)
def test_bad_sites_are_named(region, change, message) -> None:
    sites, minutes, _ = region
    with pytest.raises(ValueError, match=message):
        plan_season(change(sites.copy()), minutes, config=base_config())


def test_bad_config_is_named() -> None:
    with pytest.raises(ValueError, match=r"min_rural_share = 1\.5"):
        base_config(min_rural_share=1.5)
    with pytest.raises(ValueError, match="stay_days = 0"):
        base_config(stay_days=0)
    sites, minutes, _ = make_sites()
    with pytest.raises(ValueError, match="'Nowhere'"):
        plan_season(sites, minutes, config=base_config(district_quotas={"Nowhere": 1}))
    with pytest.raises(ValueError, match="shape"):
        plan_season(sites, minutes[:3, :3], config=base_config())


# ---------------------------------------------------------------------- config files
def test_example_config_reads() -> None:
    from pathlib import Path

    from planner.season.config import load_season_config

    sf = load_season_config(Path(__file__).parents[1] / "examples" / "season_2023.toml")
    cfg = sf.config
    assert (cfg.start, cfg.end) == (D(2023, 7, 3), D(2023, 10, 27))
    assert dict(cfg.district_quotas) == {"Kiel": 4, "Plön": 4, "Rendsburg-Eckernförde": 4}
    assert sf.home == "Kiel" and cfg.stay_days == 5 and cfg.weight_tow == 0.01


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[season]\nstart = 2023-07-03\nend = 2023-06-01\nhome = 'h'\n",
            "season.end = '2023-06-01'",
        ),
        ("[season]\nstart = 'soon'\nend = 2023-10-01\nhome = 'h'\n", "season.start = 'soon'"),
        (
            "[season]\nstart = 2023-07-03\nend = 2023-10-01\nhome = 'h'\nstay_days = -1\n",
            "season.stay_days = -1",
        ),
        (
            "[season]\nstart = 2023-07-03\nend = 2023-10-01\nhome = 'h'\nmin_rural_share = 2\n",
            "season.min_rural_share = 2",
        ),
        (
            "[season]\nstart = 2023-07-03\nend = 2023-10-01\nhome = 'h'\n[quotas]\nKiel = 'four'\n",
            "quotas.Kiel = 'four'",
        ),
        (
            "[season]\nstart = 2023-07-03\nend = 2023-10-01\nhome = 'h'\nstays = 3\n",
            "season.stays = 3",
        ),
        (
            "[season]\nstart = 2023-07-03\nend = 2023-10-01\nhome = 'h'\n"
            "operating_weekdays = ['Mon', 'Funday']\n",
            "season.operating_weekdays = 'Funday'",
        ),
        (
            "[season]\nstart = 2023-07-03\nend = 2023-10-01\nhome = 'h'\n"
            "[[bookings]]\nsite = 'x'\nstart = 'later'\n",
            "bookings\\[0\\].start",
        ),
        ("[season\n", "not valid TOML"),
    ],
)
def test_bad_config_file_names_key_and_value(tmp_path, text: str, message: str) -> None:
    from planner.season.config import ConfigError, load_season_config

    f = tmp_path / "s.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_season_config(f)


def test_cli_subcommand_is_registered() -> None:
    import argparse

    from planner.cli.season import register_season_cli

    parser = argparse.ArgumentParser()
    register_season_cli(parser.add_subparsers(dest="group"))
    args = parser.parse_args(["season", "plan", "--config", "a.toml", "--out", "o"])
    assert (args.config, args.out) == ("a.toml", "o") and callable(args.func)


# ---------------------------------------------------------------------- form values = file
def test_form_values_and_config_file_give_the_same_messages(tmp_path) -> None:
    from planner.season.config import (
        ConfigError,
        load_season_config,
        season_config_from_values,
    )

    sites, _, _ = make_sites()
    form = {"start": D(2023, 7, 3), "end": D(2023, 10, 27), "home": "home"}
    with pytest.raises(ConfigError) as from_form:
        season_config_from_values({**form, "blackout_dates": "2023-08-01, 31.02.2023"}, sites=sites)
    f = tmp_path / "s.toml"
    f.write_text(
        "[season]\nstart = 2023-07-03\nend = 2023-10-27\nhome = 'home'\n"
        "blackout_dates = ['2023-08-01', '31.02.2023']\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as from_file:
        load_season_config(f)
    for exc in (from_form.value, from_file.value):
        assert exc.key == "season.blackout_dates[1]"
        assert exc.message("de") == (
            "Einstellung season.blackout_dates[1] = '31.02.2023': ist kein Datum "
            "(JJJJ-MM-TT oder JJJJ-MM-TT..JJJJ-MM-TT)"
        )
        assert str(exc).startswith("season config: season.blackout_dates[1] = '31.02.2023'")
    with pytest.raises(ConfigError, match=r"season.stay_days = 0: expected a whole number >= 1"):
        season_config_from_values({**form, "stay_days": 0}, sites=sites)
    with pytest.raises(ConfigError) as bad_end:
        season_config_from_values({**form, "end": D(2023, 6, 1)}, sites=sites)
    assert bad_end.value.message("de").endswith("liegt vor dem Saisonbeginn 2023-07-03")


def test_form_values_build_the_config() -> None:
    from planner.season.config import DEFAULT_OBJECTIVE, season_config_from_values

    sites, _, _ = make_sites()
    sites["kind"] = ["centre", *["school"] * (len(sites) - 1)]
    lock = Booking("Plö1", D(2023, 8, 7), D(2023, 8, 11), locked=True)
    cfg = season_config_from_values(
        {
            "start": D(2023, 7, 3),
            "end": D(2023, 10, 27),
            "home": "Kiel",  # a municipality: its centre site
            "max_tow_minutes": 0,  # no limit
            "blackout_dates": "2023-08-01..2023-08-03",
            "municipality_gap_days": 14,
            "min_rural_share": 0.5,
        },
        sites=sites,
        quotas={"Kiel": 2, "Plön": 0, "Rendsburg-Eckernförde": 1},
        bookings=(lock,),
    )
    assert cfg.home_site_id == "home"
    assert cfg.max_tow_minutes is None
    assert sorted(cfg.blackout_dates) == [D(2023, 8, 1), D(2023, 8, 2), D(2023, 8, 3)]
    assert dict(cfg.district_quotas) == {"Kiel": 2, "Rendsburg-Eckernförde": 1}
    assert cfg.bookings == (lock,)
    weights = (cfg.weight_score, cfg.weight_coverage, cfg.weight_local, cfg.weight_tow)
    assert weights == tuple(DEFAULT_OBJECTIVE[k] for k in ("score", "coverage", "local", "tow"))


def test_unknown_district_quota_is_a_config_error_in_both_languages() -> None:
    from planner.season import ConfigError

    sites, minutes, _ = make_sites()
    with pytest.raises(ConfigError) as info:
        plan_season(sites, minutes, config=base_config(district_quotas={"Nowhere": 1}))
    assert "weder ein Kreisname" in info.value.message("de")
    assert "neither a district name" in info.value.message("en")


# ---------------------------------------------------------------------- inputs from the pack
@pytest.fixture(scope="module")
def pack_subset():  # type: ignore[no-untyped-def]
    from planner.data.pack import load_pack

    pack = load_pack()
    sites = pack.sites
    keep = pd.concat(
        [sites[sites["district"] == d].head(8) for d in sorted(sites["district"].unique())]
    )
    return pack, keep.reset_index(drop=True)


def test_season_inputs_use_scoring_and_coverage(pack_subset) -> None:
    from planner import scoring
    from planner.season.inputs import criterion_weights, season_inputs

    pack, sites = pack_subset
    inputs = season_inputs(pack, sites, threshold_min=15)
    criteria = scoring.compute_criteria(pack, sites=sites, threshold_min=15)
    expected = scoring.score_sites(criteria, scoring.DEFAULT_WEIGHTS).set_index("site_id")
    got = inputs.sites.set_index("site_id")["score"]
    assert np.allclose(got.to_numpy(), expected.loc[got.index, "score"].to_numpy())
    assert got.between(0, 100).all() and got.std() > 1  # real scores, not zeros
    # coverage: the cells of the population base (populated, centre in the region) within the
    # threshold, with their population; the local sets are those within 2 km
    row = 0
    minutes = scoring.compute_criteria(pack, sites=sites, threshold_min=15).catchment_car
    cells = pack.cells
    base = (cells["population"].to_numpy() > 0) & cells["in_region"].to_numpy(bool)
    reach = minutes.toarray()[row] & base
    assert inputs.coverage[str(sites["site_id"].iloc[row])] == sorted(
        cells["cell_id"].astype(str)[reach].tolist()
    )
    assert set(inputs.cell_population) == set(cells["cell_id"].astype(str)[base])
    site_xy = np.array([sites.geometry.x.iloc[row], sites.geometry.y.iloc[row]])
    near = np.hypot(cells["x"] - site_xy[0], cells["y"] - site_xy[1]).to_numpy() <= 2000
    assert inputs.coverage_local[str(sites["site_id"].iloc[row])] == sorted(
        cells["cell_id"].astype(str)[near & base].tolist()
    )
    assert all(inputs.cell_population[c] > 0 for c in inputs.coverage[sites["site_id"].iloc[0]])
    assert inputs.minutes.shape == (len(sites), len(sites))
    # the planner's weights change the scores
    only_rural = season_inputs(
        pack, sites, threshold_min=15, weights={c: 0.0 for c in scoring.CRITERIA} | {"rail": 1}
    )
    assert set(only_rural.sites["score"].round(6)) <= {0.0, 100.0}
    assert criterion_weights({"rail": 0.0}) == {
        c: (0.0 if c == "rail" else w) for c, w in scoring.DEFAULT_WEIGHTS.items()
    }
    with pytest.raises(KeyError, match="'wifi'"):
        criterion_weights({"wifi": 1.0})
    # a sites table with its own scores keeps them
    own = season_inputs(pack, sites.assign(score=7.0), threshold_min=15)
    assert (own.sites["score"] == 7.0).all()


def test_season_value_is_scores_plus_coverage_minus_towing(pack_subset) -> None:
    from planner.season.config import resolve_home
    from planner.season.inputs import season_inputs

    pack, sites = pack_subset
    inputs = season_inputs(pack, sites, threshold_min=15)
    cfg = base_config(
        home_site_id=resolve_home(inputs.sites, str(inputs.sites["municipality"].iloc[0])),
        district_quotas={},
        stops_total=4,
        weight_score=1.0,
        weight_coverage=0.001,
        weight_tow=0.05,
    )
    plan = inputs.plan(cfg)
    assert plan.feasible, plan.explain("en")
    t = plan.totals
    assert t["score_sum"] > 0
    assert t["value"] == pytest.approx(
        t["score_sum"] + 0.001 * t["population_covered"] - 0.05 * t["tow_minutes"]
    )
    scores = inputs.sites.set_index("site_id")["score"]
    assert np.allclose(plan.schedule["score"], scores.loc[plan.schedule["site_id"]])
