"""Tiny Rathaus Tourplaner — the Streamlit app (``streamlit run app.py``).

A thin shell over :mod:`planner`: the pages in ``app_pages/`` gather input, call the library and
show results. German by default, English switchable in the sidebar.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from app_pages import cache, state
from app_pages.sidebar import render_sidebar
from app_pages.widgets import plain
from planner.settings import pack_path as embedded_pack_path

HERE = Path(__file__).resolve().parent

st.set_page_config(
    page_title="Tiny Rathaus Tourplaner", page_icon=":material/account_balance:", layout="wide"
)
state.init(st.session_state)
state.keep_widget_values(st.session_state)


def _streamlit_texts_css() -> str:
    """CSS that puts the UI language's words into Streamlit's file uploader (its button and size
    line are English and cannot be set) and hides the "Press Enter to apply" hints.

    It hooks only on Streamlit's ``data-testid`` attributes (what Streamlit's own tests use); if
    they change, the English shows again and ``tests/test_ui_language.py`` fails.
    """
    browse = json.dumps(state.tr(st.session_state, "ui.uploader.browse"), ensure_ascii=False)
    limit = json.dumps(state.tr(st.session_state, "ui.uploader.limit"), ensure_ascii=False)
    dropping = json.dumps(state.tr(st.session_state, "ui.uploader.drop"), ensure_ascii=False)
    drop = '[data-testid="stFileUploaderDropzone"]'
    # while a file is dragged over it, the zone shows an overlay without a data-testid
    dragging = f"{drop} > [data-testid='stFileUploaderDropzoneInput'] + div > span"
    return (
        f"{drop} button [data-testid='stMarkdownContainer'] p {{display: none;}}\n"
        f"{drop} button [data-testid='stMarkdownContainer']::after {{content: {browse};}}\n"
        f"{drop} [data-testid='stFileUploaderDropzoneInstructions'] span {{display: none;}}\n"
        f"{drop} [data-testid='stFileUploaderDropzoneInstructions'] > div::after "
        f"{{content: {limit}; font-size: 14px;}}\n"
        f"{dragging} {{font-size: 0;}}\n"
        f"{dragging}::after {{content: {dropping}; font-size: 14px;}}\n"
        "[data-testid='InputInstructions'] {display: none;}\n"
    )


st.html(f"<style>{_streamlit_texts_css()}</style>")

pages = [
    st.Page(
        str(HERE / "app_pages" / "compare.py"),
        title=state.tr(st.session_state, "ui.page.compare"),
        icon=":material/compare:",
        url_path="standorte",
        default=True,
    ),
    st.Page(
        str(HERE / "app_pages" / "select.py"),
        title=state.tr(st.session_state, "ui.page.select"),
        icon=":material/where_to_vote:",
        url_path="auswahl",
    ),
    st.Page(
        str(HERE / "app_pages" / "season.py"),
        title=state.tr(st.session_state, "ui.page.season"),
        icon=":material/calendar_month:",
        url_path="saison",
    ),
    st.Page(
        str(HERE / "app_pages" / "coverage.py"),
        title=state.tr(st.session_state, "ui.page.coverage"),
        icon=":material/map:",
        url_path="abdeckung",
    ),
    st.Page(
        str(HERE / "app_pages" / "history.py"),
        title=state.tr(st.session_state, "ui.page.history"),
        icon=":material/history:",
        url_path="geschichte",
    ),
    st.Page(
        str(HERE / "app_pages" / "packs.py"),
        title=state.tr(st.session_state, "ui.page.packs"),
        icon=":material/public:",
        url_path="regionen",
    ),
]
page = st.navigation(pages)
try:  # load once before any page needs it; its districts give the quota fields' defaults
    state.init_pack(st.session_state, cache.pack(state.pack_path(st.session_state)).info)
except (OSError, ValueError, RuntimeError, KeyError) as exc:
    # the session's pack is gone or broken (a file deleted meanwhile): back to the embedded one
    st.warning(state.tr(st.session_state, "ui.packs.unreadable", error=plain(exc)))
    state.switch_pack(st.session_state, str(embedded_pack_path()))
    state.init_pack(st.session_state, cache.pack(state.pack_path(st.session_state)).info)
render_sidebar()
page.run()
