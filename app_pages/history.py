"""Page "Tourgeschichte" (planners): where the tour has been, seasons marked as run, and a plan
for several seasons ahead that visits every Amt within ``k`` seasons."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import cache, state
from app_pages.sidebar import store
from app_pages.widgets import number_table, plain
from planner.cache import content_hash
from planner.errors import RulesError
from planner.history import History, RecencyWeights, runs_from_store
from planner.i18n import format_date, format_number, format_percent
from planner.scenarios import ScenarioError, frame_from_json
from planner.selection.seasons import CoverError, plan_seasons_ahead

ss = st.session_state
lang = state.lang(ss)
tr = lambda key, **kw: state.tr(ss, key, **kw)  # noqa: E731


def year_text(year: object) -> str:
    """A season year as the UI writes it ("2023"; never visited: "nie")."""
    if year is None or pd.isna(year):  # type: ignore[call-overload]
        return tr("ui.history.never")
    return format_number(float(year), lang, ".0f")  # type: ignore[arg-type]


def _key(name: str) -> str:
    """A widget key for a scenario (names are user text of any length)."""
    return content_hash(name)[:12]


def _dates(schedule: pd.DataFrame, column: str) -> pd.Series:
    """A schedule's dates in ``column`` (none when the column is missing or empty)."""
    if column not in schedule.columns:
        return pd.Series([], dtype="datetime64[ns]")
    return pd.Series(pd.to_datetime(schedule[column], errors="coerce")).dropna()


def _mark(name: str) -> None:
    """Mark scenario ``name`` as run in the year its field holds (a button callback)."""
    year = int(ss.get(f"history_year_{_key(name)}") or 0)
    try:
        store().mark_run(name, year)
    except (ScenarioError, ValueError) as exc:
        ss["history_msg"] = ("error", tr("ui.history.store_failed", error=plain(exc)))
        return
    ss["history_msg"] = ("success", tr("ui.history.marked", name=plain(name), year=year_text(year)))


def _unmark(name: str) -> None:
    """Take the "run" mark off scenario ``name`` (a button callback)."""
    try:
        store().unmark_run(name)
    except ScenarioError as exc:
        ss["history_msg"] = ("error", tr("ui.history.store_failed", error=plain(exc)))
        return
    ss["history_msg"] = ("success", tr("ui.history.unmarked", name=plain(name)))


st.title(tr("ui.history.title"))
st.caption(tr("ui.history.intro"))

pack = cache.pack(state.pack_path(ss))
sites, _edit_errors = state.current_sites(pack.sites, ss)

# --- the seasons in the store: which were run, which could be ---------------------------------
planned: list[tuple[Any, dict[str, Any]]] = []  # (ScenarioInfo, plan payload) with stops
runs = []
try:
    scenario_store = store()
    for info in scenario_store.list():
        plan = (scenario_store.load(info.name).data or {}).get("plan") or {}
        if plan.get("schedule"):
            planned.append((info, plan))
    runs = runs_from_store(scenario_store, pack)
except ScenarioError as exc:  # the sidebar names the store's problem too; the history still shows
    st.warning(tr("ui.history.store_failed", error=plain(exc)))

history = History.from_pack(pack, runs=runs)
year = history.default_year()
recency = RecencyWeights()

# --- (a) where the tour has been ------------------------------------------------------------
st.subheader(tr("ui.history.table_header"))
span = int(
    st.number_input(tr("ui.history.years"), min_value=1, max_value=10, value=3, key="history_years")
)
visited = history.visited_since(year - span)
st.metric(
    tr(
        "ui.history.metric_label",
        years=span,
        first=year_text(year - span),
        last=year_text(year - 1),
    ),
    tr("ui.history.metric_value", visited=int(visited.sum()), total=len(visited)),
)
groups = history.group_table(year, weights=recency)
kinds = {"amt": tr("ui.history.kind.amt"), "city_area": tr("ui.history.kind.city_area")}
table = pd.DataFrame(
    {
        tr("ui.history.col.district"): groups["district"].astype(str),
        tr("ui.history.col.name"): groups["name"].astype(str),
        tr("ui.history.col.kind"): groups["kind"].map(kinds).to_numpy(),
        tr("ui.history.col.visits"): groups["visits"].astype(int),
        tr("ui.history.col.last_visit"): [year_text(v) for v in groups["last_visit"]],
        tr("ui.history.col.weight", year=year_text(year)): groups["weight"].astype(float),
    }
)
number_table(
    table,
    formats={tr("ui.history.col.weight", year=year_text(year)): "percent"},
    key="history_table",
)
st.caption(
    tr(
        "ui.history.weight_caption",
        year=year_text(year),
        last=format_percent(recency.last_season, lang),
        two=format_percent(recency.two_seasons_ago, lang),
    )
)
unplaced = history.visits[
    (history.visits["group_id"] == "")
    & history.visits["amt_ars"].isin(groups.loc[groups["kind"] == "city_area", "amt_ars"])
]
for amt_ars, rows in unplaced.groupby("amt_ars"):
    city = str(pack.municipalities.set_index("amt_ars")["name"].get(amt_ars, amt_ars))
    st.caption(
        tr(
            "ui.history.city_note",
            city=plain(city),
            count=len(rows),
            year=year_text(rows["season"].max()),
        )
    )

# --- (b) seasons marked as run --------------------------------------------------------------
st.subheader(tr("ui.history.runs_header"))
st.caption(tr("ui.history.runs_intro"))
message = ss.pop("history_msg", None)
if message:
    (st.success if message[0] == "success" else st.error)(message[1])
if not planned:
    st.info(tr("ui.history.no_scenarios"))
for info, plan in planned:
    schedule = frame_from_json(plan["schedule"])
    starts = _dates(schedule, "start")
    ends = _dates(schedule, "end")
    key = _key(info.name)
    with st.container(border=True):
        line = tr(
            "ui.history.scenario_line",
            name=plain(info.name),
            stops=len(schedule),
            first=format_date(starts.min().date(), lang) if len(starts) else tr("ui.none"),
            last=format_date(ends.max().date(), lang) if len(ends) else tr("ui.none"),
        )
        state_text = (
            tr("ui.history.run_state", year=year_text(info.run_year))
            if info.run_year is not None
            else tr("ui.history.not_run")
        )
        st.markdown(f"**{line}** · {state_text}")
        c1, c2, c3 = st.columns([1, 1, 1])
        default_year = info.run_year or (int(starts.min().year) if len(starts) else year)
        c1.number_input(
            tr("ui.history.year"),
            min_value=1900,
            max_value=2999,
            value=int(default_year),
            step=1,
            format="%d",
            key=f"history_year_{key}",
        )
        c2.button(
            tr("ui.history.mark"),
            key=f"history_mark_{key}",
            on_click=_mark,
            args=(info.name,),
            type="primary",
        )
        if info.run_year is not None:
            c3.button(
                tr("ui.history.unmark"),
                key=f"history_unmark_{key}",
                on_click=_unmark,
                args=(info.name,),
            )

# --- (c) several seasons ahead --------------------------------------------------------------
st.subheader(tr("ui.history.ahead_header"))
st.caption(tr("ui.history.ahead_intro"))
districts = [name for _key_, name in pack.info.districts]
with st.form("history_ahead_form"):
    c1, c2, c3 = st.columns(3)
    k = c1.slider(tr("ui.history.k"), min_value=2, max_value=5, value=5, key="history_k")
    per_season = c2.number_input(
        tr("ui.history.per_season"), min_value=1, max_value=60, value=12, key="history_per_season"
    )
    time_limit = c3.slider(
        tr("ui.history.time_limit"), min_value=5, max_value=30, value=30, key="history_time_limit"
    )
    use_quotas = st.checkbox(tr("ui.history.use_quotas"), value=True, key="history_use_quotas")
    quota_columns = st.columns(max(1, len(districts)))
    defaults = dict(pack.info.default_quota)
    quotas: dict[str, int] = {}
    for column, (district_key, name) in zip(quota_columns, pack.info.districts, strict=False):
        quotas[name] = int(
            column.number_input(
                tr("ui.history.quota", district=name),
                min_value=0,
                max_value=60,
                value=int(defaults.get(district_key, 0)),
                key=f"history_quota_{district_key}",
            )
        )
    submitted = st.form_submit_button(tr("ui.history.run_ahead"), type="primary")

if submitted:
    ss["history_ahead"] = None
    chosen_quotas = quotas if use_quotas else {}
    if sum(chosen_quotas.values()) > int(per_season):
        ss["history_ahead"] = {
            "error": [
                tr("ui.history.quota_sum", quotas=sum(chosen_quotas.values()), stops=per_season)
            ],
            "proven": False,
        }
    else:
        try:
            with st.spinner(tr("ui.history.running")):
                ahead = plan_seasons_ahead(
                    pack,
                    seasons=int(k),
                    per_season=int(per_season),
                    quotas=chosen_quotas,
                    history=history,
                    sites=sites,
                    time_limit=float(time_limit),
                )
            ss["history_ahead"] = {"result": ahead, "k": int(k)}
        except CoverError as exc:
            ss["history_ahead"] = {
                "error": [p.text(lang) for p in exc.problems],
                "proven": True,
                "k": int(k),
            }
        except RulesError as exc:
            ss["history_ahead"] = {"error": [exc.message(lang)], "proven": False}

outcome = ss.get("history_ahead")
if outcome and outcome.get("error"):
    if outcome.get("proven"):
        st.error(tr("ui.history.cover_proven", seasons=outcome["k"]))
    for text in outcome["error"]:
        st.error(plain(text))
elif outcome and outcome.get("result") is not None:
    ahead = outcome["result"]
    seconds = format_number(ahead.seconds, lang, ".1f")
    if ahead.status == "no_solution":
        st.warning(tr("ui.history.no_solution", seconds=seconds))
    else:
        if ahead.status == "optimal":
            st.caption(tr("ui.history.status_optimal", seconds=seconds))
        else:
            st.caption(
                tr("ui.history.status_gap", gap=format_percent(ahead.gap, lang), seconds=seconds)
            )
        amt_of = pack.municipalities.set_index("ags")["amt"].astype(str)
        by_id = sites.drop_duplicates("site_id").set_index("site_id")
        for season_year, stops in zip(ahead.years, ahead.seasons, strict=True):
            st.markdown(f"**{tr('ui.history.season_header', year=year_text(season_year))}**")
            rows = by_id.loc[list(stops)]
            number_table(
                pd.DataFrame(
                    {
                        tr("ui.history.col.site"): rows["name"].astype(str).to_numpy(),
                        tr("ui.history.col.municipality"): rows["municipality"]
                        .astype(str)
                        .to_numpy(),
                        tr("ui.history.col.amt"): rows["ags"]
                        .astype(str)
                        .map(amt_of)
                        .fillna("")
                        .to_numpy(),
                        tr("ui.history.col.district"): rows["district"].astype(str).to_numpy(),
                    }
                ),
                key=f"history_season_{season_year}",
            )
        visits = ahead.amt_visits
        missing = visits[visits["season"].isna()]
        if missing.empty:
            st.success(tr("ui.history.cover_ok", amter=len(visits), seasons=len(ahead.years)))
        else:
            names = ", ".join(missing["amt"].astype(str))
            st.warning(tr("ui.history.cover_missing", names=plain(names)))
