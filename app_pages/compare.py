"""Page "Standorte vergleichen" (planners): filter, weight, rank, compare, add and edit sites.

Moving a weight re-ranks inside a fragment (:func:`ranking_section`): only the ranking, the
breakdown and the side-by-side table run again, the map stays as it is (it does not depend on
the weights), so a weight change costs milliseconds on the server and no map transfer.

The ranking can show every site, or the best site of each Amt or Kiel city area, or of each
municipality (:func:`planner.scoring.best_per_group`): one row per village Amt and per part of
Kiel, so the table says which village and which part of the city is best. Each row names its
fairness group and that group's last visit ("nie" when the tour has not been there).

Speed: the ranking table's texts that do not depend on the weights (people, pull, last visit,
…) are written once per site set and language (:func:`_site_texts`, cached); a weight move only
writes rank and score and reorders the rows (:func:`_ranking_table`). The table shows the best
:data:`RANKING_ROWS` rows of the current view (filters and group view apply first) unless "show
all" is on, and only the rows shown are formatted: a weight move formats 30 rows, not 435. The
breakdown offers the rows shown (and the site picked before).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import cache, state
from app_pages.widgets import (
    RANKING_ROWS,
    NumberKind,
    map_frame,
    number_table,
    number_text,
    plain,
    show_model_and_sources,
)
from planner.cache import content_hash
from planner.i18n import format_number, format_value, t
from planner.maps import MapOptions, coverage_map
from planner.scoring import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    SiteCriteria,
    best_per_group,
    compare_sites,
    explain_site,
)
from planner.season.inputs import criterion_weights
from planner.sites import (
    POWER_VALUES,
    VISIBILITY_VALUES,
    filter_sites,
    import_sites,
    read_site_table,
    site_from_coordinates,
)
from planner.sites.fields import header_aliases

ss = st.session_state
lang = state.lang(ss)
tr = lambda key, **kw: state.tr(ss, key, **kw)  # noqa: E731

#: The weights a slider offers (0 to 5 in quarters), shown in the UI's notation ("2,25").
WEIGHT_STEPS = tuple(i / 4 for i in range(21))
#: At most this many sites side by side.
MAX_COMPARED = 4
#: How each criterion's raw value is written in the side-by-side table.
CRITERION_KINDS: dict[str, NumberKind] = {
    "pop_local": "int",
    "pull": "percent",
    "recency": "percent",
    "pop_car": "int",
    "pop65_car": "int",
    "pop_u18_car": "int",
    "pop_walk": "int",
    "rural_share": "percent",
    "gap_km": "one",
    "transit_stops": "int",
    "space": "int",
}

pack = cache.pack(state.pack_path(ss))
sites, edit_errors = state.current_sites(pack.sites, ss)
key = cache.sites_key(sites)
names = dict(zip(sites["site_id"], sites["name"], strict=True))

st.title(tr("ui.compare.title"))
st.caption(tr("ui.compare.intro"))


def _reset_weights() -> None:
    """Every weight back to its default (the button under the sliders)."""
    for criterion in CRITERIA:
        ss[f"{state.WEIGHT_PREFIX}{criterion}"] = float(DEFAULT_WEIGHTS.get(criterion, 1.0))


def _snap(value: object) -> float:
    """A stored weight on the sliders' steps (a scenario may hold any number)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1.0
    return min(WEIGHT_STEPS, key=lambda step: abs(step - number))


def _limit_compared() -> None:
    """Keep the first four compared sites; say so in German or English (not Streamlit's)."""
    chosen = list(ss.get("compare_ids") or [])
    if len(chosen) > MAX_COMPARED:
        ss["compare_ids"] = chosen[:MAX_COMPARED]
        ss["compare_limited"] = True


# --- threshold and filters: they change the map too, so the whole page runs again ---------------
st.slider(
    tr("ui.compare.threshold"),
    min_value=5,
    max_value=45,
    step=5,
    key="threshold_min",
    help=tr("ui.help.threshold"),
)
threshold = float(ss["threshold_min"])
with st.spinner(tr("ui.compare.computing")):
    criteria = cache.criteria(key, threshold, sites)
site_groups = criteria.sites["group"]
f1, f_group, f2, f3 = st.columns(4)
f1.multiselect(
    tr("ui.filter.district"),
    sorted(sites["district"].unique()),
    key="f_district",
    placeholder=tr("ui.choose"),
)
# the Ämter and Kiel city areas (of the chosen districts, if any): a group no longer offered
# (its district dropped from the filter) leaves the choice
_districts = set(ss.get("f_district") or [])
_offered = sorted(
    {
        str(g)
        for g, d in zip(site_groups, criteria.sites["district"], strict=True)
        if pd.notna(g) and (not _districts or d in _districts)
    }
)
ss["f_group"] = [g for g in ss.get("f_group") or [] if g in _offered]
f_group.multiselect(
    tr("ui.filter.group"),
    _offered,
    key="f_group",
    placeholder=tr("ui.choose"),
)
f2.multiselect(
    tr("ui.filter.area"),
    ["urban", "rural"],
    format_func=lambda a: tr(f"area.{a}"),
    key="f_area",
    placeholder=tr("ui.choose"),
)
f3.multiselect(
    tr("ui.filter.kind"),
    ["centre", "rail", "bus_hub", "school", "user"],
    format_func=lambda k: tr(f"kind.{k}"),
    key="f_kind",
    placeholder=tr("ui.choose"),
)
shown = filter_sites(
    sites, districts=ss.get("f_district"), areas=ss.get("f_area"), kinds=ss.get("f_kind")
)
if ss.get("f_group"):
    _in_groups = site_groups.isin(ss["f_group"])
    shown = shown[shown["site_id"].astype(str).map(_in_groups).fillna(False).to_numpy(bool)]


def _weight_sliders() -> dict[str, float]:
    """The weight sliders (German "2,25", not "2.25") and the reset button."""
    with st.expander(tr("ui.compare.weights_title"), expanded=True):
        st.caption(tr("ui.help.weights"))
        labels = {w: format_number(w, lang, "g") for w in WEIGHT_STEPS}  # once, not per slider
        columns = st.columns(3)
        for i, criterion in enumerate(CRITERIA):
            name = f"{state.WEIGHT_PREFIX}{criterion}"
            ss[name] = _snap(ss.get(name, DEFAULT_WEIGHTS.get(criterion, 1.0)))
            columns[i % 3].select_slider(
                tr(f"ui.crit.{criterion}"),
                options=WEIGHT_STEPS,
                format_func=labels.__getitem__,
                key=name,
                help=tr("ui.help.gap_km") if criterion == "gap_km" else None,
            )
        st.button(tr("ui.compare.reset_weights"), key="reset_weights", on_click=_reset_weights)
    return state.weights(ss)


@st.cache_data(show_spinner=False, max_entries=16)
def _site_texts(key: str, threshold_min: float, lang: str, _criteria: SiteCriteria) -> pd.DataFrame:
    """What the ranking shows of each site that does not depend on the weights (names, group,
    kind and area in ``lang``, last visit, the raw numbers); made once per site set, threshold and
    language, not per weight move.

    A private cache of this page (``key``: the site set's content hash, ``threshold_min``: the
    car minutes the criteria were computed for).
    """
    sites_table, raw = _criteria.sites, _criteria.raw
    out = pd.DataFrame(index=sites_table.index.astype(str))
    out["name"] = sites_table["name"].astype(object).to_numpy()
    out["municipality"] = sites_table["municipality"].astype(object).to_numpy()
    out["group"] = [g if isinstance(g, str) else "" for g in sites_table["group"].astype(object)]
    out["district"] = sites_table["district"].astype(object).to_numpy()
    out["kind"] = [t(f"kind.{k}", lang) for k in sites_table["kind"]]
    out["area"] = [t(f"area.{a}", lang) for a in sites_table["area_class"]]
    city = sites_table.get("city_last_visit", pd.Series(pd.NA, index=sites_table.index))
    out["last_visit"] = [
        last_visit_text(last, city_last, lang)
        for last, city_last in zip(sites_table["last_visit"], city, strict=True)
    ]
    for column in TABLE_NUMBERS:  # raw values: the table writes them in the UI's notation
        out[column] = raw[column].to_numpy(float)
    return out


def last_visit_text(last: object, city_last: object, lang: str) -> str:
    """A group's last visit: the year, "nie" / "never", or for a city area never visited where
    the city's stops are known only by district name, "nie (Stadt: 2022)"."""
    if last is not None and not pd.isna(last):  # type: ignore[call-overload]
        return str(int(last))  # type: ignore[call-overload]
    if city_last is not None and not pd.isna(city_last):  # type: ignore[call-overload]
        return t("ui.compare.never_city", lang, year=str(int(city_last)))  # type: ignore[call-overload]
    return t("ui.compare.never", lang)


#: The ranking's number columns after the score: raw criterion → how it is written.
TABLE_NUMBERS: dict[str, NumberKind] = {
    "pop_local": "int",
    "pop_car": "int",
    "pull": "percent",
    "recency": "percent",
    "rural_share": "percent",
}


def _ranking_table(table: pd.DataFrame, texts: pd.DataFrame, *, by_group: bool) -> None:
    """The ranking as a table: numbers in the UI's notation, cells numeric and sortable."""
    rows = texts.loc[table.index]
    columns: dict[str, Any] = {
        tr("ui.col.rank"): table["rank"].astype(int).to_numpy(),
        tr("ui.col.name"): rows["name"].to_numpy(),
        tr("ui.col.municipality"): rows["municipality"].to_numpy(),
        tr("ui.col.group"): rows["group"].to_numpy(),
        tr("ui.col.district"): rows["district"].to_numpy(),
        tr("ui.col.score"): table["score"].to_numpy(float),
    }
    formats: dict[str, NumberKind] = {tr("ui.col.rank"): "int", tr("ui.col.score"): "one"}
    for column in ("pop_local", "pop_car", "pull"):
        columns[tr(f"ui.crit.{column}")] = rows[column].to_numpy(float)
        formats[tr(f"ui.crit.{column}")] = TABLE_NUMBERS[column]
    columns[tr("ui.col.last_visit")] = rows["last_visit"].to_numpy()
    for column in ("recency", "rural_share"):
        columns[tr(f"ui.crit.{column}")] = rows[column].to_numpy(float)
        formats[tr(f"ui.crit.{column}")] = TABLE_NUMBERS[column]
    columns[tr("ui.col.kind")] = rows["kind"].to_numpy()
    columns[tr("ui.col.area")] = rows["area"].to_numpy()
    if by_group:
        columns[tr("ui.col.sites_in_group")] = table["sites_in_group"].astype(int).to_numpy()
        formats[tr("ui.col.sites_in_group")] = "int"
    number_table(
        pd.DataFrame(columns),
        formats=formats,
        column_config=_ranking_columns(),
        height=420 if by_group else 320,
        key="ranking_table",
    )


def _ranking_columns() -> dict[str, Any]:
    """Short headers (the full criterion name as help) and narrow text columns: the numbers fit
    next to the names on a laptop screen. Headers only: the cells keep their numbers and texts."""
    config: dict[str, Any] = {
        tr("ui.col.name"): st.column_config.Column(width="medium"),
        tr("ui.col.municipality"): st.column_config.Column(width="small"),
        tr("ui.col.district"): st.column_config.Column(width="small"),
        tr("ui.crit.pop_local"): st.column_config.Column(
            tr("ui.col.short.pop_local"), help=tr("ui.crit.pop_local")
        ),
        tr("ui.crit.pop_car"): st.column_config.Column(
            tr("ui.col.short.pop_car", minutes=format_number(threshold, lang, "g")),
            help=tr("ui.crit.pop_car"),
        ),
    }
    for column in ("pull", "recency", "rural_share"):
        config[tr(f"ui.crit.{column}")] = st.column_config.Column(
            tr(f"ui.col.short.{column}"), help=tr(f"ui.crit.{column}")
        )
    return config


@st.fragment
def ranking_section(shown_ids: list[str]) -> None:
    """Weights, ranking, breakdown, sensitivity and the side-by-side table (one fragment)."""
    weights = _weight_sliders()
    ranking = cache.ranking(key, threshold, weights, sites)
    # every site, or the best site per Amt / Kiel city area, or per municipality
    view_by = st.radio(
        tr("ui.compare.group_by"),
        ["site", "group", "municipality"],
        format_func=lambda g: tr(f"ui.compare.group.{g}"),
        horizontal=True,
        key="rank_group",
    )
    wanted = set(shown_ids)
    table = ranking.loc[[site in wanted for site in ranking.index]].sort_values(
        "rank", kind="stable"
    )
    if view_by == "site":
        st.subheader(tr("ui.compare.ranking", n=len(table), total=len(sites)))
    else:
        groups = best_per_group(table, by=str(view_by))
        st.subheader(
            tr("ui.compare.ranking_group", n=len(groups), sites=len(table))
            if view_by == "group"
            else tr("ui.compare.ranking_municipality", n=len(groups), sites=len(table))
        )
        table = groups
    texts = _site_texts(key, threshold, lang, criteria)
    view = table.index
    table = _top_rows(table)
    _ranking_table(table, texts, by_group=view_by != "site")
    st.caption(tr("ui.compare.last_visit_help"))
    if len(table):
        _breakdown(table, weights, ranking, texts, view=view)
    _side_by_side(list(ranking.index), weights, ranking, texts)


def _top_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows the ranking shows: the first :data:`RANKING_ROWS` of the view (it is sorted best
    first), or all of them with "show all" on; a caption says how many of how many."""
    if len(table) <= RANKING_ROWS:
        return table  # everything fits: no switch needed
    show_all = st.toggle(
        tr("ui.compare.show_all", n=len(table)), key="ranking_show_all", value=False
    )
    if show_all:
        st.caption(tr("ui.compare.rows_all", n=len(table)))
        return table
    st.caption(tr("ui.compare.rows_shown", shown=RANKING_ROWS, n=len(table)))
    return table.head(RANKING_ROWS)


def _breakdown(
    table: pd.DataFrame,
    weights: dict[str, float],
    ranking: pd.DataFrame,
    texts: pd.DataFrame,
    *,
    view: pd.Index,
) -> None:
    """Why a site has its score: each criterion's value, weight and points; its Amt or city area
    and that group's last visit.

    The picker offers the rows the ranking shows (``table``), in their order, and keeps a site
    picked before that has dropped out of them (a weight moved) while it is still in the ``view``
    (the rows before the cut)."""
    st.subheader(tr("ui.compare.breakdown"))
    picks = list(table.index)
    before = ss.get("breakdown_site")
    if before is not None and before not in table.index and before in view:
        picks.append(before)
    ranks = ranking["rank"].loc[picks].astype(int).to_dict()  # the rows offered, not all
    pick = st.selectbox(
        tr("ui.compare.pick_site"),
        picks,
        format_func=lambda s: f"{ranks.get(s, '')}. {names.get(s, s)}",
        key="breakdown_site",
    )
    explanation = _explanation(key, threshold, weights, str(pick), ranking)
    parts = explanation.parts
    st.markdown(
        tr(
            "ui.compare.why",
            rank=explanation.rank,
            n=explanation.n_sites,
            score=format_number(explanation.score, lang),
        )
    )
    st.caption(
        tr(
            "ui.compare.visit_line",
            group=plain(texts.at[str(pick), "group"] or t("ui.none", lang)),
            last=texts.at[str(pick), "last_visit"],
        )
    )
    number_table(
        pd.DataFrame(
            {
                tr("ui.col.criterion"): [tr(f"ui.crit.{c}") for c in parts["criterion"]],
                tr("ui.col.raw"): [
                    tr("fact.unknown")
                    if unknown
                    else number_text(value, CRITERION_KINDS[c], lang)
                    if c in CRITERION_KINDS
                    else format_value(value, lang)
                    for c, value, unknown in zip(
                        parts["criterion"], parts["value"], parts["unknown"], strict=True
                    )
                ],
                tr("ui.col.weight"): [weights.get(c, 0.0) for c in parts["criterion"]],
                tr("ui.col.part"): parts["points"],
                tr("ui.col.max_part"): parts["max_points"],
            }
        ),
        formats={
            tr("ui.col.weight"): "two",
            tr("ui.col.part"): "one",
            tr("ui.col.max_part"): "one",
        },
    )
    # the explanation names other sites: user text, shown as text
    st.caption(plain(" ".join(message.text(lang) for message in explanation.text)))
    # computed only on request: it ranks every site 2 × 15 times again for each weight change
    if st.toggle(tr("ui.compare.sensitivity"), key="show_sensitivity"):
        report = cache.sensitivity(key, threshold, weights, sites)
        st.caption(tr("ui.compare.sensitivity_help", n=report.top_n, scenarios=report.scenarios))
        top = report.sites.head(15)
        number_table(
            pd.DataFrame(
                {
                    tr("ui.col.name"): top["name"],
                    tr("ui.col.rank"): top["base_rank"].astype(int),
                    tr("ui.col.best_rank"): top["best_rank"].astype(int),
                    tr("ui.col.worst_rank"): top["worst_rank"].astype(int),
                    tr("ui.col.share_top", n=report.top_n): top["share_top_n"],
                }
            ),
            formats={tr("ui.col.share_top", n=report.top_n): "percent"},
        )


@st.cache_data(show_spinner=False, max_entries=64)
def _explanation(
    key: str,
    threshold_min: float,
    weights: dict[str, float],
    site_id: str,
    _ranking: pd.DataFrame,
) -> Any:
    """A site's breakdown for the weights (private cache of this page: a site picked again, or a
    weight moved back, costs nothing; ``_ranking`` is the ranking of these weights)."""
    return explain_site(criteria, criterion_weights(weights), site_id, ranking=_ranking)


def _side_by_side(
    options: list[str], weights: dict[str, float], ranking: pd.DataFrame, texts: pd.DataFrame
) -> None:
    """Two to four sites side by side; a change of the choice redraws the map (whole page)."""
    st.subheader(tr("ui.compare.side_by_side"))
    st.multiselect(
        tr("ui.compare.pick_2_4"),
        options,
        format_func=lambda s: names.get(s, s),
        key="compare_ids",
        placeholder=tr("ui.choose"),
        on_change=_limit_compared,
    )
    chosen = list(ss.get("compare_ids", []))
    if chosen != ss.get("compare_map_ids"):
        st.rerun()  # the map shows the compared sites: it is outside this fragment
    if ss.pop("compare_limited", False):  # after the rerun above, so the message stays
        st.warning(tr("ui.compare.max_four", n=MAX_COMPARED))
    if len(chosen) >= 2:
        comparison = compare_sites(
            criteria, chosen, weights=criterion_weights(weights), ranking=ranking
        )
        rows: dict[str, list[str]] = {
            tr("ui.col.group"): [str(texts.at[s, "group"]) or t("ui.none", lang) for s in chosen],
            tr("ui.col.last_visit"): [str(texts.at[s, "last_visit"]) for s in chosen],
        }
        for criterion, spec in CRITERIA.items():
            values = comparison.criteria.loc[spec.label]
            kind = CRITERION_KINDS.get(criterion)
            rows[tr(f"ui.crit.{criterion}")] = [
                number_text(v, kind, lang) if kind else format_value(v, lang, decimals=1)
                for v in values
            ]
        rows[tr("ui.col.score")] = [
            number_text(v, "one", lang) for v in comparison.criteria.loc["Score"]
        ]
        rows[tr("ui.col.rank")] = [
            number_text(v, "int", lang) for v in comparison.criteria.loc["Rank"]
        ]
        only = comparison.exclusive.set_index("site_id")
        rows[tr("ui.compare.adds")] = [
            number_text(v, "int", lang) for v in only.loc[chosen, "only_this_car"]
        ]
        rows[tr("ui.compare.adds_rural")] = [
            number_text(v, "int", lang) for v in only.loc[chosen, "only_this_car_rural"]
        ]
        side = pd.DataFrame.from_dict(
            rows, orient="index", columns=[names.get(s, s) for s in chosen]
        )
        st.dataframe(side, width="stretch")
        st.caption(tr("ui.compare.adds_help", minutes=f"{threshold:g}"))
    elif chosen:
        st.info(tr("ui.compare.pick_more"))


# every weight starts at its default; a new criterion gets one too
for _criterion in CRITERIA:
    ss.setdefault(f"{state.WEIGHT_PREFIX}{_criterion}", float(DEFAULT_WEIGHTS.get(_criterion, 1.0)))
# sites removed since (an added site dropped) leave the comparison first
ss["compare_ids"] = [s for s in ss.get("compare_ids") or [] if s in names]
ss["compare_map_ids"] = list(ss["compare_ids"])
ranking_section(list(shown["site_id"]))


@st.cache_data(show_spinner=False, max_entries=4)
def _tour_history(key: str, _pack: Any) -> pd.DataFrame:
    """Every Amt and Kiel city area with its last visit (private cache of this page; ``key``:
    the site set's content hash, which differs between packs)."""
    from planner.history import History

    if not hasattr(_pack, "history") or not hasattr(_pack, "municipalities"):
        return pd.DataFrame(columns=["name", "district", "last_visit", "city_last_visit"])
    return History.from_pack(_pack).last_visits()


def tour_history() -> None:
    """Where the tour has been: the groups with a known stop, most recent first."""
    groups = _tour_history(key, pack)
    visited = groups[groups["last_visit"].notna()].sort_values(
        ["last_visit", "name"], ascending=[False, True]
    )
    with st.expander(tr("ui.compare.history_title")):
        st.caption(tr("ui.compare.history_summary", visited=len(visited), groups=len(groups)))
        if len(visited):
            number_table(
                pd.DataFrame(
                    {
                        tr("ui.col.group"): visited["name"].astype(object).to_numpy(),
                        tr("ui.col.district"): visited["district"].astype(object).to_numpy(),
                        tr("ui.col.last_visit"): [str(int(y)) for y in visited["last_visit"]],
                    }
                ),
                key="tour_history",
            )
        city = groups.get("city_last_visit", pd.Series(dtype="Int64")).dropna()
        if len(city) and groups.loc[city.index, "last_visit"].isna().any():
            st.caption(tr("ui.compare.history_city", year=str(int(city.max()))))


tour_history()

# --- map (outside the fragment: it depends on the compared sites and the filters, not weights) --
st.subheader(tr("ui.compare.map"))
model = cache.travel_model()
chosen_ids = list(ss.get("compare_ids") or [])
compare_stops = sites[sites["site_id"].isin(chosen_ids)]
shown_sites = sites[sites["site_id"].isin(shown["site_id"])]
options = MapOptions(
    threshold_min=threshold,
    draw_route=False,
    cells=False,  # no stops to colour them by: the municipalities say it
    stops_label=tr("ui.compare.compared_sites"),
    lang=lang,
)


def build() -> Any:
    """The folium map (only built on a cache miss)."""
    return coverage_map(
        pack,
        stops=compare_stops if len(compare_stops) else None,
        sites=shown_sites,
        model=model,
        options=options,
    )


map_key = content_hash(
    "compare", key, sorted(chosen_ids), list(shown["site_id"]), repr(options), model.name
)
map_frame(cache.map_html(map_key, build), height=680)
show_model_and_sources()

# --- add and edit sites --------------------------------------------------------------------------
st.subheader(tr("ui.sites.add"))
tab_file, tab_coords, tab_edit = st.tabs(
    [tr("ui.sites.tab_file"), tr("ui.sites.tab_coords"), tr("ui.sites.tab_edit")]
)


def _add(imported_sites: object) -> int:
    added = ss.get("user_sites")
    new = imported_sites
    assert new is not None
    if added is not None and len(added):
        new = pd.concat([added, new], ignore_index=True)
    ss["user_sites"] = new
    return len(imported_sites)  # type: ignore[arg-type]


with tab_file:
    st.caption(tr("ui.sites.columns_help"))
    # the names come from the FIELDS table, not from a user: Markdown code spans are safe here
    aliases = header_aliases(mark=lambda column: f"`{column}`")
    st.caption(tr("ui.sites.column_aliases", aliases=aliases))
    upload = st.file_uploader(
        tr("ui.sites.file"),
        type=["csv", "geojson", "json"],
        key="site_upload",
        help=tr("ui.sites.upload_help"),
    )
    if st.button(tr("ui.sites.import"), key="site_import", disabled=upload is None):
        assert upload is not None
        try:
            frame = read_site_table(upload.getvalue(), upload.name)
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            ss["upload_errors"] = [tr("import.unreadable_file", value=str(exc))]  # escaped below
            ss["upload_added"] = 0
        else:
            result = import_sites(
                frame,
                municipalities=pack.municipalities,
                existing_ids=set(sites["site_id"]),
                lang=lang,
                crs=pack.crs,
            )
            ss["upload_errors"] = [e.message(lang) for e in result.errors]
            ss["upload_added"] = _add(result.sites) if len(result.sites) else 0
            st.rerun()  # rank the new sites right away; the messages stay in the session
    if ss.get("upload_added"):
        st.success(tr("ui.sites.added", n=ss["upload_added"]))
    if ss.get("upload_errors"):
        st.error(
            tr("ui.sites.errors", n=len(ss["upload_errors"]))
            + "\n\n"
            + "\n".join(f"- {plain(m)}" for m in ss["upload_errors"])
        )

with tab_coords, st.form("coords_form"):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(tr("ui.col.name"), key="new_name")
    # Text, not number inputs: the browser's number field reads "54,3233" by its own locale
    # (as 543233); the library reads the UI language's notation and names a bad value.
    # the fields start at the region's home base (its official midpoint), not at a fixed place
    home_lon, home_lat = pack.home_lonlat()
    lon = c2.text_input(tr("field.lon"), value=format_number(home_lon, lang, ".5f"), key="new_lon")
    lat = c3.text_input(tr("field.lat"), value=format_number(home_lat, lang, ".5f"), key="new_lat")
    if st.form_submit_button(tr("ui.sites.add_point")):
        result = site_from_coordinates(
            name=name,
            lon=lon,
            lat=lat,
            municipalities=pack.municipalities,
            existing_ids=set(sites["site_id"]),
            lang=lang,
            crs=pack.crs,
        )
        if result.errors:
            st.error("\n\n".join(plain(m) for m in result.messages(lang)))
        else:
            _add(result.sites)
            st.success(tr("ui.sites.added", n=1))
            st.rerun()

with tab_edit:
    if edit_errors:
        st.error(
            tr("ui.sites.errors", n=len(edit_errors))
            + "\n\n"
            + "\n".join(f"- {plain(e.message(lang))}" for e in edit_errors)
        )
    edit_id = st.selectbox(
        tr("ui.compare.pick_site"),
        list(sites["site_id"]),
        format_func=lambda s: names.get(s, s),
        key="edit_site",
    )
    current = sites.set_index("site_id").loc[edit_id]
    with st.form("edit_form"):
        e1, e2, e3 = st.columns(3)
        power = e1.selectbox(
            tr("map.popup.power"),
            POWER_VALUES,
            index=POWER_VALUES.index(current["power"]) if current["power"] in POWER_VALUES else 0,
            format_func=lambda v: tr(f"fact.{v}"),
        )
        visibility = e2.selectbox(
            tr("map.popup.visibility"),
            VISIBILITY_VALUES,
            index=VISIBILITY_VALUES.index(current["visibility"])
            if current["visibility"] in VISIBILITY_VALUES
            else 0,
            format_func=lambda v: tr(f"fact.{v}"),
        )
        space_value = current["space_m2"]
        # whole square metres: the browser's number field shows no decimal separator then
        space = e3.number_input(
            tr("map.popup.space_m2"),
            min_value=0,
            step=1,
            value=None if pd.isna(space_value) else round(float(space_value)),
        )
        a1, a2 = st.columns(2)
        avail_from = a1.text_input(tr("ui.sites.available_from"), value=current["available_from"])
        avail_to = a2.text_input(tr("ui.sites.available_to"), value=current["available_to"])
        notes = st.text_area(tr("map.popup.notes"), value=current["notes"])
        if st.form_submit_button(tr("ui.sites.save_facts")):
            edits = dict(ss.get("site_edits") or {})
            edits[edit_id] = {
                "power": power,
                "visibility": visibility,
                "space_m2": np.nan if space is None else float(space),
                "available_from": avail_from.strip(),
                "available_to": avail_to.strip(),
                "notes": notes,
            }
            ss["site_edits"] = edits
            st.rerun()
