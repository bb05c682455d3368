"""Exports of a season plan: the files open with their standard readers and agree."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.export import SCHEDULE_EXPORT_COLUMNS, export_all, to_csv, to_ics
from planner.export.columns import header
from planner.i18n import t
from planner.season import SeasonConfig, SeasonPlan, plan_season

D = dt.date
X0, Y0 = 575_000.0, 6_020_000.0


@pytest.fixture(scope="module")
def plan() -> SeasonPlan:
    rows = [
        dict(
            site_id="home",
            name="Kiel Rathausplatz",
            municipality="Kiel",
            district="Kiel",
            area_class="urban",
            score=0.0,
            x=X0,
            y=Y0,
        )
    ]
    for k in range(6):
        rows.append(
            dict(
                site_id=f"s{k}",
                name=f"Platz {k}, Dorfstraße",
                municipality=f"M{k}",
                district="Plön" if k % 2 else "Kiel",
                area_class="rural" if k % 2 else "urban",
                score=float(10 - k),
                x=X0 + 3_000 * k,
                y=Y0 - 2_000 * k,
            )
        )
    sites = pd.DataFrame(rows)
    xy = sites[["x", "y"]].to_numpy()
    km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000
    cfg = SeasonConfig(
        start=D(2023, 9, 25),
        end=D(2023, 11, 24),
        home_site_id="home",
        district_quotas={"Kiel": 2, "Plön": 2},
        time_limit=10.0,
    )
    p = plan_season(sites, km * 1.2, config=cfg, km=km)
    assert p.feasible
    return p


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """The German CSV's rows, keyed by the schedule's column names."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    names = {header(c, "de"): c for c in SCHEDULE_EXPORT_COLUMNS}
    return [{names[k]: v for k, v in row.items()} for row in rows]


def _german_day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def test_csv_ics_xlsx_hold_the_same_stops(plan: SeasonPlan, tmp_path: Path) -> None:
    from icalendar import Calendar
    from openpyxl import load_workbook

    out = export_all(plan, tmp_path)
    rows = _csv_rows(out["csv"])
    assert len(rows) == len(plan.schedule) == 4
    assert rows[0]["name"] == plan.schedule["name"].iloc[0]  # umlauts survive

    cal = Calendar.from_ical(out["ics"].read_bytes())
    events = list(cal.walk("VEVENT"))
    assert cal.get("version") == "2.0" and cal.get("prodid")
    uids = set()
    for row in rows:
        # one event per open stretch of the stop: together they span the stop's dates
        mine = sorted(
            (e for e in events if row["name"] in str(e.get("location"))),
            key=lambda e: e.decoded("dtstart"),
        )
        assert mine
        start, end = mine[0].decoded("dtstart"), mine[-1].decoded("dtend")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)  # all-day
        assert start == _german_day(row["start"])
        assert end == _german_day(row["end"]) + dt.timedelta(days=1)  # exclusive end
        for ev in mine:
            assert row["district"] in str(ev.get("description"))
            assert ev.get("dtstamp") is not None
            uids.add(str(ev.get("uid")))
    assert len(uids) == len(events) >= len(rows)

    wb = load_workbook(out["xlsx"], read_only=True)
    assert {"Zeitplan", "Standorte", "Summen"} <= set(wb.sheetnames)
    ws = wb["Zeitplan"]
    values = list(ws.iter_rows(values_only=True))
    heads, body = values[0], values[1:]
    assert len(body) == len(rows)
    for xrow, crow in zip(body, rows, strict=True):
        rec = dict(zip(heads, xrow, strict=True))
        assert rec["Standort-ID"] == crow["site_id"]
        assert rec["Beginn"].date() == _german_day(crow["start"])
        assert rec["Ende"].date() == _german_day(crow["end"])
    sites_rows = list(wb["Standorte"].iter_rows(values_only=True))
    assert len(sites_rows) - 1 == len(plan.sites)
    hdr = sites_rows[0]
    in_plan = [dict(zip(hdr, r, strict=True)) for r in sites_rows[1:]]
    assert sum(1 for r in in_plan if r["Im Plan"]) == len(rows)
    assert all(
        r["Warum nicht im Plan"] for r in in_plan if not r["Im Plan"] and r["Standort-ID"] != "home"
    )


def test_geojson_and_geopackage(plan: SeasonPlan, tmp_path: Path) -> None:
    import pyogrio

    out = export_all(plan, tmp_path)
    gj = json.loads(out["geojson"].read_text())
    assert len(gj["features"]) == len(plan.schedule)
    lon, lat = gj["features"][0]["geometry"]["coordinates"]
    assert 9.0 < lon < 11.5 and 53.8 < lat < 55.0  # EPSG:4326 around Kiel
    route = json.loads((tmp_path / "season_route.geojson").read_text())
    assert route["features"][0]["geometry"]["type"] == "LineString"
    assert len(route["features"][0]["geometry"]["coordinates"]) == len(plan.schedule) + 2
    layers = {name for name, _ in pyogrio.list_layers(out["gpkg"])}
    assert layers == {"stops", "route"}
    stops = pyogrio.read_dataframe(out["gpkg"], layer="stops")
    assert list(stops["site_id"]) == list(plan.schedule["site_id"])
    assert stops.crs.to_epsg() == 25832


def test_ics_uid_is_stable(plan: SeasonPlan, tmp_path: Path) -> None:
    a = to_ics(plan, tmp_path / "a.ics").read_text()
    b = to_ics(plan, tmp_path / "b.ics").read_text()
    uid = [line for line in a.splitlines() if line.startswith("UID")]
    assert uid == [line for line in b.splitlines() if line.startswith("UID")]


def test_infeasible_plan_cannot_be_exported(plan: SeasonPlan, tmp_path: Path) -> None:
    import dataclasses

    bad = dataclasses.replace(plan, status="infeasible")
    with pytest.raises(ValueError, match="infeasible"):
        to_csv(bad, tmp_path / "x.csv")


def test_export_bytes_are_what_the_files_hold(plan: SeasonPlan, tmp_path: Path) -> None:
    from icalendar import Calendar

    from planner.export import EXPORT_FORMATS, export_bytes
    from planner.usertext import file_stem

    files = export_bytes(plan, stem="Sommer 2023!")
    assert list(files) == list(EXPORT_FORMATS)
    # a user's name gets a readable, bounded stem plus a hash of the exact name ("Sommer 2023"
    # and "sommer_2023" must not overwrite each other)
    assert files["csv"][0] == f"{file_stem('Sommer 2023!', default='season')}.csv"
    assert files["csv"][0].startswith("sommer_2023-") and files["csv"][1] == "text/csv"
    assert export_bytes(plan, stem="sommer_2023")["csv"][0] == "sommer_2023.csv"
    written = export_all(plan, tmp_path, stem="Sommer 2023!")
    for key, (name, _mime, data) in files.items():
        assert written[key].name == name
        if key not in ("ics", "xlsx", "gpkg"):  # those carry a time stamp
            assert written[key].read_bytes() == data
    rows = list(csv.DictReader(files["csv"][2].decode("utf-8-sig").splitlines(), delimiter=";"))
    stops = json.loads(files["geojson"][2])
    ids = [r["Standort-ID"] for r in rows]
    assert [f["properties"]["site_id"] for f in stops["features"]] == ids
    # German texts by default, English on request
    event = next(iter(Calendar.from_ical(files["ics"][2]).walk("VEVENT")))
    assert "Öffnungstage" in str(event.get("description"))
    assert str(event.get("summary")).startswith("Tiny Rathaus: ") and "Stopp 1" in str(
        event.get("summary")
    )
    english = export_bytes(plan, lang="en")["ics"][2].decode("utf-8")
    assert "open days" in english and "Tiny Rathaus season" in english


def test_sites_sheet_gives_reasons_in_the_language(plan: SeasonPlan) -> None:
    import io

    from openpyxl import load_workbook

    from planner.export import excel_bytes

    for lang, word in (("de", "Quote voll: Kreis"), ("en", "quota full: district")):
        book = load_workbook(io.BytesIO(excel_bytes(plan, lang=lang)), read_only=True)
        rows = list(book[t("export.sheet.sites", lang)].iter_rows(values_only=True))
        column = header("reason_not_planned", lang)
        reasons = [dict(zip(rows[0], r, strict=True))[column] for r in rows[1:]]
        assert any(word in (r or "") for r in reasons), reasons


def test_a_stop_over_a_weekend_is_one_event_per_open_stretch(plan: SeasonPlan) -> None:
    import dataclasses

    from icalendar import Calendar

    from planner.export import ics_bytes
    from planner.export.calendar import open_stretches

    season = plan.config.calendar()
    # Wednesday 4 to Tuesday 10 October 2023: open Wed-Fri and Mon-Tue, closed at the weekend
    stretches, closed = open_stretches(D(2023, 10, 4), D(2023, 10, 10), season)
    assert stretches == [(D(2023, 10, 4), D(2023, 10, 6)), (D(2023, 10, 9), D(2023, 10, 10))]
    assert closed == [D(2023, 10, 7), D(2023, 10, 8)]
    # a stop over the German Unity Day (3 October, a holiday) and a weekend
    assert open_stretches(D(2023, 10, 2), D(2023, 10, 4), season)[1] == [D(2023, 10, 3)]

    sched = plan.schedule.iloc[:1].copy()
    sched["start"], sched["end"], sched["open_days"] = D(2023, 10, 4), D(2023, 10, 10), 5
    one = dataclasses.replace(plan, schedule=sched)
    for lang, part, closed_text, iso in (
        ("de", "Teil 2 von 2", "Geschlossen: Sa. 07.10., So. 08.10.", "Mi. 04.10.2023"),
        ("en", "part 2 of 2", "Closed: Sat 7 Oct, Sun 8 Oct", "Wed 4 Oct 2023"),
    ):
        events = sorted(
            Calendar.from_ical(ics_bytes(one, lang=lang)).walk("VEVENT"),
            key=lambda e: e.decoded("dtstart"),
        )
        assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in events] == [
            (D(2023, 10, 4), D(2023, 10, 7)),  # DTEND is exclusive: Saturday is not in it
            (D(2023, 10, 9), D(2023, 10, 11)),
        ]
        assert part in str(events[1].get("summary"))
        description = str(events[0].get("description"))
        assert closed_text in description and iso in description
        assert "2023-10" not in description
        assert len({str(e.get("uid")) for e in events}) == 2


def test_routes_add_up_to_the_totals_with_the_way_home(plan: SeasonPlan) -> None:
    import dataclasses

    from planner.export.geo import plan_layers

    legs = float(plan.schedule["tow_minutes"].sum())
    _stops, route = plan_layers(plan)
    (line,) = route.itertuples()
    assert line.tow_minutes == pytest.approx(round(plan.totals["tow_minutes"], 1))
    assert line.return_minutes == pytest.approx(plan.totals["tow_minutes"] - legs, abs=0.05)
    # two units: each route's way home is its share of the difference, and they add up
    sched = plan.schedule.copy()
    sched["unit"] = [1, 1, 2, 2]
    totals = {**plan.totals, "tow_minutes": legs + 30.0, "km_towed": 50.0}
    two = dataclasses.replace(plan, schedule=sched, totals=totals)
    _stops, routes = plan_layers(two)
    assert list(routes["unit"]) == [1, 2]
    assert routes["tow_minutes"].sum() == pytest.approx(legs + 30.0, abs=0.1)
    assert routes["return_minutes"].sum() == pytest.approx(30.0, abs=0.1)
    assert routes["tow_km"].sum() == pytest.approx(50.0, abs=0.1)
    for line in routes.itertuples():
        xs, ys = line.geometry.xy
        assert (xs[0], ys[0]) == (xs[-1], ys[-1])  # home to home: the way home is drawn
