"""Page "Regionen" (planners, staff): the region packs the app has, which one this session uses,
and building a pack for any German district or Land from the Germany-wide official files."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import cache, state
from app_pages.widgets import plain
from planner.data.build import BuildError, build
from planner.data.packs import PackSummary, missing_build_files, pack_file_name
from planner.data.raw import RawDataError
from planner.data.regions import RegionError, resolve_region
from planner.data.register import RegisterFormatError
from planner.data.vintages import merge_report
from planner.i18n import format_date, format_number
from planner.settings import germany_dir, packs_dir, raw_dir

ss = st.session_state
lang = state.lang(ss)
tr = lambda key, **kw: state.tr(ss, key, **kw)  # noqa: E731

current = state.pack_path(ss)

st.title(tr("ui.packs.title"))
st.caption(tr("ui.packs.intro"))

message = ss.pop("packs_page_msg", None)
if message:
    kind, text = message
    getattr(st, kind)(text)


def _use() -> None:
    """Button callback: the chosen pack becomes the session's (checked by loading it first)."""
    path = ss.get("packs_pick")
    if not path:
        return
    try:
        name = cache.pack(str(path)).info.name
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        ss["packs_page_msg"] = ("error", tr("ui.packs.unreadable", error=plain(exc)))
        return
    if state.switch_pack(ss, str(path)):
        ss["packs_page_msg"] = ("info", tr("ui.packs.switched", name=plain(name)))
    else:
        ss["packs_page_msg"] = ("info", tr("ui.packs.already", name=plain(name)))


def _row(summary: PackSummary) -> dict[str, str]:
    """One pack as a table row, numbers and dates in the UI's notation."""
    size = format_number(summary.size_bytes / 1e6, lang, ",.1f") + " MB"
    if not summary.ok:
        return {
            tr("ui.packs.col_region"): summary.name,
            tr("ui.packs.col_file"): summary.path.name,
            tr("ui.packs.col_size"): size,
            tr("ui.packs.col_status"): tr("ui.packs.status_broken", error=summary.error or ""),
        }
    status = tr("ui.packs.status_active") if str(summary.path) == current else ""
    if summary.embedded:
        status = " · ".join(s for s in (tr("ui.packs.status_embedded"), status) if s)
    return {
        tr("ui.packs.col_region"): summary.name,
        tr("ui.packs.col_file"): summary.path.name,
        tr("ui.packs.col_districts"): ", ".join(f"{n} ({k})" for k, n in summary.districts),
        tr("ui.packs.col_municipalities"): format_number(summary.municipalities, lang, ",.0f"),
        tr("ui.packs.col_population"): format_number(summary.population, lang, ",.0f"),
        tr("ui.packs.col_sites"): format_number(summary.sites, lang, ",.0f"),
        tr("ui.packs.col_crs"): summary.crs,
        tr("ui.packs.col_size"): size,
        tr("ui.packs.col_built"): (
            f"{format_date(summary.built_at.date(), lang)}, {summary.built_at:%H:%M}"
            if summary.built_at
            else ""
        ),
        tr("ui.packs.col_status"): status,
    }


# --- the packs -----------------------------------------------------------------------------------
st.subheader(tr("ui.packs.list"))
summaries = cache.pack_list()
st.dataframe(pd.DataFrame([_row(s) for s in summaries]), hide_index=True, width="stretch")
for broken in (s for s in summaries if not s.ok):
    st.warning(tr("ui.packs.broken", file=plain(broken.path.name), error=plain(broken.error or "")))
usable = {str(s.path): s for s in summaries if s.ok}
if ss.get("packs_pick_next") in usable:  # a pack just built is preselected
    ss["packs_pick"] = ss.pop("packs_pick_next")
if current in usable:  # else the session's pack
    ss.setdefault("packs_pick", current)
if ss.get("packs_pick") not in usable:
    ss["packs_pick"] = next(iter(usable), None)
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
c1.selectbox(
    tr("ui.packs.pick"),
    list(usable),
    format_func=lambda p: f"{usable[p].name} ({Path(p).name})",
    key="packs_pick",
)
c2.button(tr("ui.packs.use"), key="packs_use", type="primary", on_click=_use)
st.caption(tr("ui.packs.use_help"))

for summary in usable.values():
    if not (summary.notes or summary.merges):
        continue
    label = tr(
        "ui.packs.notes_title",
        name=plain(summary.name),
        file=plain(summary.path.name),
        merges=len(summary.merges),
        notes=len(summary.notes),
    )
    with st.expander(label):
        if summary.merges:
            st.markdown(f"**{tr('ui.packs.merges')}**")
            st.markdown("\n".join(f"- {plain(line)}" for line in merge_report(summary.merges)))
        if summary.notes:
            st.markdown(f"**{tr('ui.packs.notes')}**")
            st.markdown("\n".join(f"- {plain(note)}" for note in summary.notes))

# --- build a pack --------------------------------------------------------------------------------
st.subheader(tr("ui.packs.build_title"))
germany, raw = germany_dir(), raw_dir()
missing = missing_build_files(raw, germany)
if missing:
    st.warning(
        tr(
            "ui.packs.build_unavailable",
            folder=plain(germany),
            raw=plain(raw),
            files=plain(", ".join(str(p) for p in missing)),
        )
    )
    st.stop()

st.caption(tr("ui.packs.build_intro", folder=plain(packs_dir())))
with st.form("packs_build_form"):
    f1, f2 = st.columns(2)
    f1.text_input(tr("ui.packs.spec"), key="packs_spec", help=tr("ui.packs.spec_help"))
    f2.text_input(tr("ui.packs.file"), key="packs_file", help=tr("ui.packs.file_help"))
    submitted = st.form_submit_button(tr("ui.packs.build"), type="primary")

if submitted:
    spec = str(ss.get("packs_spec") or "").strip()
    try:
        region = resolve_region(spec, cache.district_table(str(germany)))
    except RegionError as exc:
        st.error(tr("ui.packs.region_error", spec=plain(spec), error=plain(exc)))
        st.stop()
    except (RawDataError, OSError) as exc:
        st.error(tr("ui.packs.build_failed", error=plain(exc), folder=plain(germany)))
        st.stop()
    out = packs_dir() / pack_file_name(str(ss.get("packs_file") or "") or region.name)
    bar = st.progress(0.0, text=tr("ui.packs.building", name=plain(region.name)))

    def _progress(fraction: float, stage: str) -> None:
        """The build's stages on the progress bar (``stage``: a ``build.stage.*`` key)."""
        bar.progress(min(1.0, max(0.0, fraction)), text=tr(stage))

    started = time.monotonic()
    try:
        pack = build(raw, out, region=spec, germany=germany, progress=_progress)
    except (BuildError, RawDataError, RegionError, RegisterFormatError, OSError) as exc:
        st.error(tr("ui.packs.build_failed", error=plain(exc), folder=plain(germany)))
        st.stop()
    cache.forget_pack(str(out))  # a pack rebuilt under the same name is read afresh
    ss["packs_page_msg"] = (
        "success",
        tr(
            "ui.packs.built",
            name=plain(pack.info.name),
            file=plain(out),
            municipalities=format_number(len(pack.municipalities), lang, ",.0f"),
            population=format_number(pack.region_population, lang, ",.0f"),
            sites=format_number(len(pack.sites), lang, ",.0f"),
            merges=len(pack.info.merges),
            seconds=format_number(time.monotonic() - started, lang, ",.1f"),
        ),
    )
    ss["packs_pick_next"] = str(out)
    st.rerun()  # the list above shows the new pack
