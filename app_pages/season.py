"""Page "Saison planen" (staff): rules, optimiser run, schedule, calendar, locks, comparison,
exports."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import cache, state
from app_pages.calendar_view import idle_gaps_of, month_calendar_html
from app_pages.plan_groups import group_report, show_group_table, show_groups_metric, tour_history
from app_pages.sidebar import saved_scenarios, store
from app_pages.widgets import (
    number_table,
    plain,
    show_comparison,
    show_diagnosis,
    show_model_and_sources,
    site_pickers,
)
from planner.i18n import format_date, format_number
from planner.scenarios import ScenarioError, plan_from_payload, plan_to_payload, scenario_sites
from planner.season import (
    Booking,
    ConfigError,
    check_schedule,
    compare_plans,
    edit_bookings,
    edited_stops,
    lock_stops,
    site_xy,
    tow_lookup,
    with_site_facts,
)
from planner.season.config import season_config_from_values
from planner.season.edits import TowMinutes
from planner.season.outcome import plan_with_groups
from planner.usertext import file_stem

ss = st.session_state
lang = state.lang(ss)
tr = lambda key, **kw: state.tr(ss, key, **kw)  # noqa: E731

pack = cache.pack(state.pack_path(ss))
sites, _edit_errors = state.current_sites(pack.sites, ss)
key = cache.sites_key(sites)
names = dict(zip(sites["site_id"], sites["name"], strict=True))
if ss.get("season_home_site") not in names:
    ss["season_home_site"] = state.default_home(sites, pack.info)
#: One quota field per district of the pack, in rows of up to four.
QUOTA_ROW = 4
quota_fields = list(state.quota_fields(pack.info).items())

st.title(tr("ui.season.title"))
st.caption(tr("ui.season.intro"))

# --- settings ------------------------------------------------------------------------------------
with st.form("season_form"):
    c1, c2, c3 = st.columns(3)
    c1.date_input(tr("ui.season.start"), key="season_start", format="DD.MM.YYYY")
    c2.date_input(tr("ui.season.end"), key="season_end", format="DD.MM.YYYY")
    c3.selectbox(
        tr("ui.season.home"),
        list(names),
        format_func=lambda s: names.get(s, s),
        key="season_home_site",
        placeholder=tr("ui.choose_one"),
    )
    for first in range(0, len(quota_fields), QUOTA_ROW):
        chunk = quota_fields[first : first + QUOTA_ROW]
        for quota_column, (form_key, (district, _default)) in zip(
            st.columns(min(QUOTA_ROW, len(quota_fields))), chunk, strict=False
        ):
            quota_column.number_input(
                tr("ui.season.quota", district=plain(district)), 0, 20, key=f"season_{form_key}"
            )
    e1, e2, e3, e4 = st.columns(4)
    e1.number_input(tr("ui.season.stay_days"), 1, 30, key="season_stay_days")
    e2.number_input(tr("ui.season.relocation_days"), 0, 14, key="season_relocation_days")
    e3.number_input(tr("ui.season.max_tow"), 0, 300, step=5, key="season_max_tow_min")
    e4.number_input(tr("ui.season.revisit"), 0, 180, key="season_min_revisit_days")
    st.multiselect(
        tr("ui.season.weekdays"),
        list(range(7)),
        format_func=lambda n: tr(f"weekday.{n}"),
        key="season_operating_weekdays",
        placeholder=tr("ui.choose"),
    )
    g1, g2 = st.columns(2)
    g1.select_slider(  # shares in the UI's notation ("50 %"), not the browser's "0.50"
        tr("ui.season.rural_share"),
        options=[round(0.05 * i, 2) for i in range(21)],
        format_func=lambda share: format_number(100 * share, lang, ".0f") + " %",
        key="season_min_rural_share",
    )
    g2.slider(tr("ui.season.time_limit"), 5, 120, step=5, key="season_time_limit_s")
    st.text_area(tr("ui.season.blackouts"), key="season_blackouts", height=80)
    site_pickers({f"season_{f}": tr(f"ui.season.{f}") for f in ("must_include", "exclude")}, names)
    submitted = st.form_submit_button(tr("ui.season.run"), type="primary")

#: Config-file keys → the form's labels, to say which setting a message is about.
LABELS = {
    "season.start": tr("ui.season.start"),
    "season.end": tr("ui.season.end"),
    "season.home": tr("ui.season.home"),
    "season.stay_days": tr("ui.season.stay_days"),
    "season.relocation_days": tr("ui.season.relocation_days"),
    "season.operating_weekdays": tr("ui.season.weekdays"),
    "season.max_tow_minutes": tr("ui.season.max_tow"),
    "season.municipality_gap_days": tr("ui.season.revisit"),
    "season.min_rural_share": tr("ui.season.rural_share"),
    "season.time_limit": tr("ui.season.time_limit"),
    "season.blackout_dates": tr("ui.season.blackouts").split(" (")[0],
    "season.must_include": tr("ui.season.must_include"),
    "season.exclude": tr("ui.season.exclude"),
}


def _run(bookings: tuple[Booking, ...] = ()) -> None:
    """Validate the settings, run the optimiser with a progress bar, store the plan.

    A run that ends without a plan (rules that cannot hold, no plan in time, an error) does not
    replace the last good plan: its diagnosis or error is kept apart and shown above that plan.
    """
    season, quotas = state.season_form(ss, pack.info)
    try:
        config = season_config_from_values(season, sites=sites, quotas=quotas, bookings=bookings)
    except ConfigError as exc:
        ss["season_problems"] = [exc]
        return
    ss["season_problems"] = []
    ss["season_failed"] = None
    ss["season_error"] = None
    threshold = float(ss.get("threshold_min", 15))
    try:
        with st.status(tr("ui.season.running"), expanded=True) as status:
            st.write(tr("ui.season.step_inputs"))
            inputs = cache.season(key, threshold, state.weights(ss), sites)
            st.write(tr("ui.season.step_solve", seconds=int(config.time_limit)))
            bar = st.progress(0.0)
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=1) as pool:
                future = pool.submit(inputs.plan, config)
                while not future.done():
                    elapsed = time.monotonic() - started
                    bar.progress(min(0.99, elapsed / max(1.0, config.time_limit)))
                    time.sleep(0.25)
                plan = future.result()
            # the stops' Ämter and city areas with their last visit before this season
            plan = plan_with_groups(plan, pack, history=tour_history(pack))
            bar.progress(1.0)
            status.update(label=tr("ui.season.done"), state="complete", expanded=False)
    except Exception as exc:  # shown to the user; the last good plan stays
        ss["season_error"] = f"{type(exc).__name__}: {exc}"
        return
    current = ss.get("plan")
    if plan.feasible or not (current and current.get("status") in ("optimal", "feasible")):
        state.set_plan(ss, plan_to_payload(plan))
        ss["locked"] = [s for s in ss.get("locked", []) if s in set(plan.schedule.get("stop", []))]
    else:
        ss["season_failed"] = plan_to_payload(plan)


def _request_replan() -> None:
    """Button callback: remember the stops to keep; the run happens before the widgets are drawn
    (``locked`` is the multiselect's key and cannot be changed once it is drawn)."""
    ss["season_replan"] = list(ss.get("locked") or [])


def _request_reoptimise(bookings: list[dict[str, object]]) -> None:
    """Button callback: keep the edited stops (as bookings) and re-plan the rest."""
    ss["season_reoptimise"] = bookings


def _undo() -> None:
    """Button callback: back to the plan before the current one."""
    state.undo_plan(ss)
    ss["season_failed"] = None
    ss["season_error"] = None


def _discard_edits() -> None:
    """Button callback: a fresh editor (its edits dropped)."""
    ss["season_edit_round"] = int(ss.get("season_edit_round", 0)) + 1


if submitted:
    _run()
elif ss.get("season_reoptimise"):
    _run(tuple(Booking.from_dict(b) for b in ss.pop("season_reoptimise")))
elif ss.get("season_replan"):
    keep = ss.pop("season_replan")
    try:
        bookings = lock_stops(plan_from_payload(ss["plan"], sites=sites), keep)
    except (ValueError, KeyError, TypeError) as exc:
        ss["season_error"] = f"{type(exc).__name__}: {exc}"
    else:
        _run(bookings)

for problem in ss.get("season_problems", []):
    root = problem.key.split("[")[0]
    label = LABELS.get(root, problem.key)
    st.error(tr("ui.season.problem", label=label, message=plain(problem.message(lang))))
if ss.get("season_error"):
    st.error(tr("ui.season.run_error", error=plain(ss["season_error"])))
if ss.get("season_failed"):
    try:
        show_diagnosis(plan_from_payload(ss["season_failed"], sites=sites), lang)
    except (ValueError, KeyError) as exc:
        st.error(plain(exc))
if (ss.get("season_error") or ss.get("season_failed")) and ss.get("plan"):
    st.warning(tr("ui.season.kept_plan"))

# --- results -------------------------------------------------------------------------------------
plan_state = ss.get("plan")
if not plan_state:
    st.info(tr("ui.season.no_plan"))
    st.stop()
try:
    plan = plan_from_payload(plan_state, sites=sites)
except (ValueError, KeyError) as exc:  # a plan stored without its rules
    st.warning(plain(exc))
    st.stop()

history = ss.get("season_history") or []
st.button(
    tr("ui.season.undo", count=len(history)),
    key="season_undo",
    disabled=not history,
    on_click=_undo,
    help=tr("ui.season.undo_help"),
)
if not plan.feasible:
    show_diagnosis(plan, lang)
    st.stop()

totals = plan.totals
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(tr("ui.season.stops"), totals.get("stops", 0))
m2.metric(
    tr("ui.season.value"),
    format_number(totals.get("value", 0), lang),
    help=tr("ui.season.value_help"),
)
m3.metric(
    tr("ui.season.gap"),
    format_number(100 * (totals.get("gap") or 0), lang) + " %",
    help=tr("ui.season.gap_help", bound=format_number(totals.get("bound") or 0, lang)),
)
m4.metric(
    tr("ui.season.rural"),
    format_number(100 * (totals.get("rural_share") or 0), lang, ",.0f") + " %",
)
m5.metric(tr("ui.season.km"), format_number(totals.get("km_towed", 0), lang, ",.0f") + " km")
# the one definition of "people reached" (planner.coverage.reach), each figure with its scale
r1, r2, r3 = st.columns(3)
r1.metric(
    tr("ui.season.people_local", km=format_number(totals.get("local_km") or 2.0, lang, "g")),
    format_number(totals.get("people_local") or 0, lang, ",.0f"),
    help=tr("ui.season.people_help"),
)
r2.metric(
    tr(
        "ui.season.people_regional",
        minutes=format_number(totals.get("regional_minutes") or 15, lang, "g"),
    ),
    format_number(
        totals.get("people_regional") or totals.get("population_covered") or 0, lang, ",.0f"
    ),
    help=tr("ui.season.people_help"),
)
r3.metric(tr("ui.season.idle_days"), format_number(totals.get("idle_days") or 0, lang, ",.0f"))
# which Ämter and city areas the stops stand in (recomputed: a plan stored before has no totals)
groups = group_report(
    state.pack_path(ss),
    pack,
    plan.schedule,
    year=plan.config.start.year,
    crs=str(totals.get("crs") or "") or None,
)
show_groups_metric(st.columns(3)[0], groups)
st.caption(
    tr(
        "ui.season.status",
        status=plan.status_text(lang),
        population=format_number(totals.get("population_covered") or 0, lang, ",.0f"),
        seconds=format_number(totals.get("seconds") or 0, lang, ",.1f"),
    )
)

schedule = plan.schedule
st.subheader(tr("ui.season.schedule"))
columns = {
    "stop": tr("ui.col.stop"),
    "name": tr("ui.col.name"),
    "municipality": tr("ui.col.municipality"),
    "district": tr("ui.col.district"),
    "group": tr("ui.col.group"),
    "start": tr("ui.col.start"),
    "end": tr("ui.col.end"),
    "score": tr("ui.col.score"),
    "tow_minutes": tr("ui.col.tow_min"),
    "tow_km": tr("ui.col.tow_km"),
    "locked": tr("ui.col.locked"),
}
present = [c for c in columns if c in schedule.columns]
number_table(
    schedule[present].rename(columns=columns).round(1),
    column_config={
        tr("ui.col.start"): st.column_config.DateColumn(format="DD.MM.YYYY"),
        tr("ui.col.end"): st.column_config.DateColumn(format="DD.MM.YYYY"),
    },
)

# --- edit by hand ---------------------------------------------------------------------------------
st.subheader(tr("ui.edit.title"))
st.caption(tr("ui.edit.intro"))
site_labels = {
    str(i): f"{n} ({m})"
    for i, n, m in zip(sites["site_id"], sites["name"], sites["municipality"], strict=True)
}
date_format = "DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD"
editable = schedule[["stop", "site_id", "start", "end"]].copy()
for column in ("start", "end"):
    editable[column] = pd.to_datetime(editable[column]).dt.date
edited = st.data_editor(
    editable,
    key=f"season_editor_{int(ss.get('season_edit_round', 0))}",
    hide_index=True,
    width="stretch",
    disabled=["stop"],
    column_config={
        "stop": st.column_config.NumberColumn(tr("ui.col.stop"), format="%d"),
        "site_id": st.column_config.SelectboxColumn(
            tr("ui.col.site"),
            options=list(site_labels),
            format_func=lambda site: site_labels.get(str(site), str(site)),
            required=True,
        ),
        "start": st.column_config.DateColumn(tr("ui.col.start"), format=date_format, required=True),
        "end": st.column_config.DateColumn(tr("ui.col.end"), format=date_format, required=True),
    },
)
changed = edited_stops(editable, edited)
if changed:
    x, y = site_xy(sites)
    check_sites = pd.DataFrame(sites.drop(columns="geometry")).assign(x=x, y=y)
    tow: TowMinutes | None
    try:
        inputs = cache.season(key, float(ss.get("threshold_min", 15)), state.weights(ss), sites)
        tow = tow_lookup(inputs.sites["site_id"].astype(str).tolist(), inputs.minutes)
    except Exception:  # without the towing matrix the other rules are still checked
        tow = None
    problems = check_schedule(plan.config, edited, sites=check_sites, tow_minutes=tow)
    shown = with_site_facts(edited[edited["stop"].isin(changed)], check_sites)
    st.caption(
        tr(
            "ui.edit.changed",
            stops=", ".join(
                f"{int(r['stop'])} ({plain(r['name'])}: {format_date(r['start'], lang)} – "
                f"{format_date(r['end'], lang)})"
                for r in shown.to_dict("records")
            ),
        )
    )
    if problems:
        st.error(tr("ui.edit.problems", count=len(problems)))
        st.markdown(
            "\n".join(f"- **{p.rule_text(lang)}**: {plain(p.text(lang))}" for p in problems)
        )
    else:
        st.success(tr("ui.edit.ok"))
    kept = [s for s in ss.get("locked", []) if s not in changed and s in set(schedule["stop"])]
    try:
        bookings = edit_bookings(edited, changed) + lock_stops(plan, kept)
    except ValueError as exc:
        st.error(plain(exc))
        bookings = ()
    b1, b2 = st.columns(2)
    b1.button(
        tr("ui.edit.reoptimise"),
        key="season_reoptimise_button",
        type="primary",
        disabled=not bookings,
        on_click=_request_reoptimise,
        args=([b.to_dict() for b in bookings],),
    )
    b2.button(tr("ui.edit.discard"), key="season_discard", on_click=_discard_edits)

# --- calendar ------------------------------------------------------------------------------------
st.subheader(tr("ui.season.calendar"))
st.html(month_calendar_html(plan, lang))
gaps = idle_gaps_of(plan)
if gaps:
    st.markdown(f"**{tr('ui.calendar.gaps')}**")
    st.markdown("\n".join(f"- {plain(g.text(lang))}" for g in gaps if hasattr(g, "text")))
if len(schedule):
    gantt = pd.DataFrame(
        {
            "label": [f"{s}. {n}" for s, n in zip(schedule["stop"], schedule["name"], strict=True)],
            "start": pd.to_datetime(schedule["start"]),
            "end": pd.to_datetime(schedule["end"]) + pd.Timedelta(days=1),
            "district": schedule["district"],
        }
    )
    chart = (
        alt.Chart(gantt)
        .mark_bar(cornerRadius=3)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%d.%m.")),
            x2="end:T",
            y=alt.Y("label:N", sort=None, title=None),
            color=alt.Color("district:N", title=tr("ui.col.district")),
            tooltip=["label", "start:T", "end:T", "district"],
        )
        .properties(height=max(200, 26 * len(gantt)))
    )
    with st.expander(tr("ui.calendar.timeline")):
        st.altair_chart(chart, width="stretch")

# --- lock and re-plan ----------------------------------------------------------------------------
st.subheader(tr("ui.season.lock"))
stop_names = dict(zip(schedule["stop"], schedule["name"], strict=True))
ss["locked"] = [s for s in ss.get("locked", []) if s in stop_names]
st.multiselect(
    tr("ui.season.lock_pick"),
    list(stop_names),
    format_func=lambda s: f"{s}. {stop_names[s]}",
    key="locked",
    placeholder=tr("ui.choose"),
)
st.button(
    tr("ui.season.replan"),
    key="season_replan_button",
    disabled=not ss.get("locked"),
    on_click=_request_replan,
)

with st.expander(tr("ui.groups.expander")):
    show_group_table(groups)

with st.expander(tr("ui.season.unplanned")):
    st.dataframe(
        plan.unplanned_table(lang).rename(
            columns={
                "name": tr("ui.col.name"),
                "district": tr("ui.col.district"),
                "reason": tr("ui.col.reason"),
            }
        ),
        hide_index=True,
        width="stretch",
    )

# --- compare with a saved scenario ---------------------------------------------------------------


def _same_pack(data: dict[str, object]) -> bool:
    """Whether a saved scenario belongs to this session's region pack (only those compare)."""
    try:
        return state.scenario_pack(data) == state.pack_path(ss)
    except state.PackMissingError:
        return False


st.subheader(tr("ui.season.compare"))
saved: dict[str, dict[str, object]] = {}
for info in saved_scenarios():
    try:
        data = store().load(info.name).data
    except ScenarioError:
        continue
    if data.get("plan") and _same_pack(data):
        saved[info.name] = data
if not saved:
    st.caption(tr("ui.season.compare_none"))
else:
    other = st.selectbox(
        tr("ui.season.compare_with"),
        list(saved),
        key="season_compare_with",
        placeholder=tr("ui.choose_one"),
    )
    if other is not None:
        payload = saved[str(other)]
        other_sites, _ = scenario_sites(pack.sites, payload)
        try:
            other_plan = plan_from_payload(payload["plan"], sites=other_sites)  # type: ignore[arg-type]
        except (ValueError, KeyError) as exc:
            st.warning(plain(exc))
        else:
            if not other_plan.feasible:
                st.caption(tr("ui.season.scenario_diagnosis"))
                show_diagnosis(other_plan, lang)
            labels = (tr("ui.season.compare_current"), str(other))
            show_comparison(compare_plans(plan, other_plan, labels=labels), lang)

# --- exports -------------------------------------------------------------------------------------
st.subheader(tr("ui.season.exports"))
scenario_name = str(ss.get("scenario_name") or "")
files = cache.exports(
    cache.plan_key(plan_state),
    file_stem(scenario_name or "saison", default="saison"),
    lang,
    plan,
    scenario_name,
)
for fmt, reason in files.errors.items():
    st.warning(tr("ui.export.failed", format=tr(f"ui.export.{fmt}"), reason=plain(reason)))
if files:
    cols = st.columns(len(files))
    for col, (fmt, (file_name, mime, content)) in zip(cols, files.items(), strict=True):
        col.download_button(
            tr(f"ui.export.{fmt}"),
            data=content,
            file_name=file_name,
            mime=mime,
            key=f"export_{fmt}",
        )
show_model_and_sources()
