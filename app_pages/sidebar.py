"""The sidebar on every page: language, scenarios (save / open by name), model and sources."""

from __future__ import annotations

import streamlit as st

from app_pages import cache, state
from app_pages.widgets import plain
from planner.maps import attribution_lines
from planner.scenarios import (
    ScenarioConflict,
    ScenarioError,
    ScenarioInfo,
    ScenarioStore,
    ScenarioStoreError,
)


def store() -> ScenarioStore:
    """The scenario store (``TINY_RATHAUS_DB`` or the user data dir; opened per call).

    Opening touches no file; a damaged or read-only store raises
    :class:`~planner.scenarios.ScenarioStoreError` only when it is read or written.
    """
    return ScenarioStore()


def saved_scenarios() -> list[ScenarioInfo]:
    """The saved scenarios, or none when the store cannot be read (the sidebar says why)."""
    try:
        return store().list()
    except ScenarioStoreError:
        return []


def _save() -> None:
    ss = st.session_state
    name = str(ss.get("scenario_name") or "").strip()
    if not name:
        ss["scenario_msg"] = ("error", state.tr(ss, "ui.scenario.need_name"))
        return
    expected = ss.get("scenario_revision") if ss.get("scenario_loaded") == name else None
    shown = plain(name)
    try:
        try:
            saved = store().save(name, state.scenario_payload(ss), expected_revision=expected)
        except ScenarioConflict as exc:
            # Another tab saved meanwhile: keep theirs, save ours as the next revision, say so.
            saved = store().save(name, state.scenario_payload(ss))
            ss["scenario_msg"] = (
                "warning",
                state.tr(
                    ss, "ui.scenario.conflict", name=shown, other=exc.actual, rev=saved.revision
                ),
            )
        else:
            ss["scenario_msg"] = (
                "success",
                state.tr(ss, "ui.scenario.saved", name=shown, rev=saved.revision),
            )
    except (ScenarioError, ValueError, TypeError) as exc:
        # never silent: the sidebar names the scenario and the reason (and where the store is)
        ss["scenario_msg"] = (
            "error",
            state.tr(ss, "ui.scenario.save_failed_named", name=shown, error=plain(exc)),
        )
        return
    ss["scenario_loaded"] = name
    ss["scenario_revision"] = saved.revision


def _open() -> None:
    ss = st.session_state
    name = ss.get("scenario_pick")
    if not name:
        return
    try:
        scenario = store().load(name)
        state.apply_scenario(ss, scenario.data)
    except (ScenarioError, ValueError, TypeError, KeyError) as exc:
        ss["scenario_msg"] = (
            "error",
            state.tr(ss, "ui.scenario.open_failed_named", name=plain(name), error=plain(exc)),
        )
        return
    ss["scenario_name"] = name
    ss["scenario_loaded"] = name
    ss["scenario_revision"] = scenario.revision
    ss["scenario_msg"] = ("success", state.tr(ss, "ui.scenario.opened", name=plain(name)))


def render_sidebar() -> None:
    """Draw the sidebar."""
    ss = st.session_state
    with st.sidebar:
        st.radio(
            "Sprache / Language",
            options=["de", "en"],
            format_func=lambda code: {"de": "Deutsch", "en": "English"}[code],
            key="lang",
            horizontal=True,
        )
        st.subheader(state.tr(ss, "ui.scenario.title"))
        st.text_input(state.tr(ss, "ui.scenario.name"), key="scenario_name")
        st.button(state.tr(ss, "ui.scenario.save"), on_click=_save, key="scenario_save")
        try:
            names = store().names()
        except ScenarioStoreError as exc:
            st.error(
                state.tr(ss, "ui.store.unreadable", path=plain(exc.path), reason=plain(exc.reason))
            )
        else:
            if names:
                st.selectbox(state.tr(ss, "ui.scenario.saved_list"), names, key="scenario_pick")
                st.button(state.tr(ss, "ui.scenario.open"), on_click=_open, key="scenario_open")
            else:
                st.caption(state.tr(ss, "ui.scenario.none"))
        msg = ss.pop("scenario_msg", None)
        if msg:
            kind, text = msg
            getattr(st, kind)(text)
        st.divider()
        model = cache.travel_model()
        st.markdown(f"**{state.tr(ss, 'ui.model.title')}**")
        st.caption(f"`{model.name}` — {model.describe()}")
        st.markdown(f"**{state.tr(ss, 'ui.sources.title')}**")
        st.caption("  \n".join(attribution_lines(cache.pack())))
