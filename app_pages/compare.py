"""Page "Standorte vergleichen" (planners): filter, weight, rank, compare, add and edit sites."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import cache, state
from app_pages.widgets import number_table, plain, show_model_and_sources
from planner.cache import content_hash
from planner.i18n import format_number, format_value
from planner.maps import coverage_map
from planner.scoring import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    compare_sites,
    explain_site,
    weight_sensitivity,
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

ss = st.session_state
lang = state.lang(ss)
tr = lambda key, **kw: state.tr(ss, key, **kw)  # noqa: E731

pack = cache.pack()
sites, edit_errors = state.current_sites(pack.sites, ss)
key = cache.sites_key(sites)

st.title(tr("ui.compare.title"))
st.caption(tr("ui.compare.intro"))

# --- weights and threshold -----------------------------------------------------------------------
with st.expander(tr("ui.compare.weights"), expanded=True):
    st.slider(tr("ui.compare.threshold"), min_value=5, max_value=45, step=5, key="threshold_min")
    columns = st.columns(3)
    for i, criterion in enumerate(CRITERIA):
        name = f"{state.WEIGHT_PREFIX}{criterion}"
        if name not in ss:
            ss[name] = float(DEFAULT_WEIGHTS.get(criterion, 1.0))
        columns[i % 3].slider(
            tr(f"ui.crit.{criterion}"), min_value=0.0, max_value=5.0, step=0.25, key=name
        )
threshold = float(ss["threshold_min"])
weights = state.weights(ss)

# --- filters and ranking -------------------------------------------------------------------------
f1, f2, f3 = st.columns(3)
f1.multiselect(
    tr("ui.filter.district"),
    sorted(sites["district"].unique()),
    key="f_district",
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
with st.spinner(tr("ui.compare.computing")):
    ranking = cache.ranking(key, threshold, weights, sites)
criteria = cache.criteria(key, threshold, sites)
shown = filter_sites(
    sites, districts=ss.get("f_district"), areas=ss.get("f_area"), kinds=ss.get("f_kind")
)
raw = criteria.raw.copy()
raw.index = raw.index.astype(str)
table = (
    ranking.loc[ranking.index.isin(shown["site_id"])]
    .join(raw[["pop_car", "rural_share"]])
    .sort_values("rank")
)
st.subheader(tr("ui.compare.ranking", n=len(table), total=len(sites)))
view = pd.DataFrame(
    {
        tr("ui.col.rank"): table["rank"],
        tr("ui.col.name"): table["name"],
        tr("ui.col.municipality"): table["municipality"],
        tr("ui.col.district"): table["district"],
        tr("ui.col.kind"): [tr(f"kind.{k}") for k in table["kind"]],
        tr("ui.col.area"): [tr(f"area.{a}") for a in table["area_class"]],
        tr("ui.col.score"): table["score"].round(1),
        tr("ui.crit.pop_car"): table["pop_car"].round(0).astype(int),
        tr("ui.crit.rural_share"): (100 * table["rural_share"]).round(1),
    }
)
number_table(view, height=320, key="ranking_table")

# --- score breakdown -----------------------------------------------------------------------------
names = dict(zip(sites["site_id"], sites["name"], strict=True))
if len(table):
    st.subheader(tr("ui.compare.breakdown"))
    ranks = table["rank"].astype(int).to_dict()
    pick = st.selectbox(
        tr("ui.compare.pick_site"),
        list(table.index),
        format_func=lambda s: f"{ranks[s]}. {names.get(s, s)}",
        key="breakdown_site",
    )
    explanation = explain_site(criteria, criterion_weights(weights), str(pick))
    parts = explanation.parts
    st.markdown(
        tr(
            "ui.compare.why",
            rank=explanation.rank,
            n=explanation.n_sites,
            score=format_number(explanation.score, lang),
        )
    )
    number_table(
        pd.DataFrame(
            {
                tr("ui.col.criterion"): [tr(f"ui.crit.{c}") for c in parts["criterion"]],
                tr("ui.col.raw"): [
                    tr("fact.unknown") if unknown else format_value(value, lang)
                    for value, unknown in zip(parts["value"], parts["unknown"], strict=True)
                ],
                tr("ui.col.weight"): [weights.get(c, 0.0) for c in parts["criterion"]],
                tr("ui.col.part"): parts["points"].round(2),
                tr("ui.col.max_part"): parts["max_points"].round(2),
            }
        )
    )
    st.caption(" ".join(message.text(lang) for message in explanation.text))

with st.expander(tr("ui.compare.sensitivity")):
    report = weight_sensitivity(criteria, criterion_weights(weights), change=0.2, top_n=10)
    st.caption(tr("ui.compare.sensitivity_help", n=report.top_n, scenarios=report.scenarios))
    top = report.sites.head(15)
    number_table(
        pd.DataFrame(
            {
                tr("ui.col.name"): top["name"],
                tr("ui.col.rank"): top["base_rank"],
                tr("ui.col.best_rank"): top["best_rank"],
                tr("ui.col.worst_rank"): top["worst_rank"],
                tr("ui.col.share_top", n=report.top_n): (100 * top["share_top_n"]).round(0),
            }
        )
    )


# --- side-by-side comparison ---------------------------------------------------------------------
st.subheader(tr("ui.compare.side_by_side"))
valid_ids = [s for s in ss.get("compare_ids", []) if s in names]
if valid_ids != ss.get("compare_ids", []):
    ss["compare_ids"] = valid_ids
st.multiselect(
    tr("ui.compare.pick_2_4"),
    list(ranking.index),
    format_func=lambda s: names.get(s, s),
    max_selections=4,
    key="compare_ids",
    placeholder=tr("ui.choose"),
)
chosen = list(ss.get("compare_ids", []))
if len(chosen) >= 2:
    comparison = compare_sites(criteria, chosen, weights=criterion_weights(weights))
    labels = {spec.label: tr(f"ui.crit.{key}") for key, spec in CRITERIA.items()}
    labels.update({"Score": tr("ui.col.score"), "Rank": tr("ui.col.rank")})
    side = comparison.criteria.rename(index=labels, columns=names)
    only = comparison.exclusive.set_index("site_id")
    side.loc[tr("ui.compare.adds")] = only.loc[chosen, "only_this_car"].round().astype(int).tolist()
    side.loc[tr("ui.compare.adds_rural")] = (
        only.loc[chosen, "only_this_car_rural"].round().astype(int).tolist()
    )
    st.dataframe(side.map(lambda v: format_value(v, lang, decimals=1)), width="stretch")
    st.caption(tr("ui.compare.adds_help", minutes=f"{threshold:g}"))
elif chosen:
    st.info(tr("ui.compare.pick_more"))

# --- map -----------------------------------------------------------------------------------------
st.subheader(tr("ui.compare.map"))
model = cache.travel_model()
compare_stops = sites[sites["site_id"].isin(chosen)]
shown_sites = sites[sites["site_id"].isin(shown["site_id"])]
breakdown = ranking[["score"] + [f"pts_{c}" for c in CRITERIA]].rename(
    columns={
        **{f"pts_{c}": tr(f"ui.crit.{c}") for c in CRITERIA},
        "score": tr("ui.col.score"),
    }
)


def build():  # type: ignore[no-untyped-def]
    """The folium map (only built on a cache miss)."""
    return coverage_map(
        pack,
        stops=compare_stops if len(compare_stops) else None,
        sites=shown_sites,
        scores=breakdown,
        threshold_min=threshold,
        model=model,
        draw_route=False,
        stops_label=tr("ui.compare.compared_sites"),
        lang=lang,
    )


map_key = content_hash(
    "compare", key, threshold, weights, sorted(chosen), list(shown["site_id"]), lang, model.name
)
st.iframe(cache.map_html(map_key, build), height=680)
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
    st.caption(tr("ui.sites.file_help"))
    upload = st.file_uploader(
        tr("ui.sites.file"), type=["csv", "geojson", "json"], key="site_upload"
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
    lon = c2.text_input(tr("field.lon"), value=format_number(10.13, lang, ".5f"), key="new_lon")
    lat = c3.text_input(tr("field.lat"), value=format_number(54.32, lang, ".5f"), key="new_lat")
    if st.form_submit_button(tr("ui.sites.add_point")):
        result = site_from_coordinates(
            name=name,
            lon=lon,
            lat=lat,
            municipalities=pack.municipalities,
            existing_ids=set(sites["site_id"]),
            lang=lang,
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
        space = e3.number_input(
            tr("map.popup.space_m2"),
            min_value=0.0,
            value=None if pd.isna(space_value) else float(space_value),
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
