"""Tiny Rathaus Tourplaner — the Streamlit app (``streamlit run app.py``).

A thin shell over :mod:`planner`: the pages in ``app_pages/`` gather input, call the library and
show results. German by default, English switchable in the sidebar.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import cache, state
from app_pages.sidebar import render_sidebar

HERE = Path(__file__).resolve().parent

st.set_page_config(
    page_title="Tiny Rathaus Tourplaner", page_icon=":material/account_balance:", layout="wide"
)
state.init(st.session_state)
state.keep_widget_values(st.session_state)

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
]
page = st.navigation(pages)
cache.pack()  # load once before any page needs it
render_sidebar()
page.run()
