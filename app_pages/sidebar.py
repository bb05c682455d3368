"""The sidebar on every page: language, scenarios (save / open by name), model and sources."""

from __future__ import annotations

import streamlit as st

from app_pages import cache, state
from app_pages.widgets import plain
from planner.i18n import format_number
from planner.maps import attribution_lines, model_name, model_text
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
    """Save the session as the scenario named in the field.

    Saving over a scenario someone else saved meanwhile (or one of that name this session did
    not open) is never silent: nothing is written and the sidebar asks whether to overwrite it
    or save a copy under a free name.
    """
    ss = st.session_state
    name = str(ss.get("scenario_name") or "").strip()
    if not name:
        ss["scenario_msg"] = ("error", state.tr(ss, "ui.scenario.need_name"))
        return
    # the revision this session opened or saved; 0: the name must be new
    expected = ss.get("scenario_revision") if ss.get("scenario_loaded") == name else 0
    _write(name, expected=expected)


def _write(name: str, *, expected: int | None) -> None:
    """Save under ``name`` if its head is still ``expected`` (``None``: regardless)."""
    ss = st.session_state
    ss.pop("scenario_conflict", None)
    shown = plain(name)
    try:
        payload = state.scenario_payload(ss, region=cache.pack(state.pack_path(ss)).info.name)
        saved = store().save(name, payload, expected_revision=expected)
    except ScenarioConflict as exc:
        ss["scenario_conflict"] = {
            "name": name,
            "revision": exc.actual,
            "saved_at": exc.saved_at or "",
        }
        return
    except (ScenarioError, ValueError, TypeError) as exc:
        # never silent: the sidebar names the scenario and the reason (and where the store is)
        ss["scenario_msg"] = (
            "error",
            state.tr(ss, "ui.scenario.save_failed_named", name=shown, error=plain(exc)),
        )
        return
    ss["scenario_msg"] = (
        "success",
        state.tr(ss, "ui.scenario.saved", name=shown, rev=saved.revision),
    )
    ss["scenario_loaded"] = name
    ss["scenario_revision"] = saved.revision


def _overwrite() -> None:
    """Save over the other save (it stays as an earlier version)."""
    conflict = st.session_state.get("scenario_conflict") or {}
    if conflict:
        _write(str(conflict["name"]), expected=int(conflict["revision"]))


def _save_copy() -> None:
    """Save under a free name ("Basis (2)"), leaving the other save as it is."""
    ss = st.session_state
    conflict = ss.get("scenario_conflict") or {}
    if not conflict:
        return
    try:
        name = store().free_name(str(conflict["name"]))
    except ScenarioError as exc:
        ss["scenario_msg"] = ("error", plain(exc))
        return
    ss["scenario_name"] = name
    _write(name, expected=0)


def _open(revision: int | None = None) -> None:
    ss = st.session_state
    name = ss.get("scenario_pick") if revision is None else ss.get("scenario_loaded")
    if not name:
        return
    try:
        scenario = store().load(name, revision=revision)
        head = scenario.revision if revision is None else store().load(name).revision
        state.apply_scenario(ss, scenario.data)
    except state.PackMissingError as exc:  # named: which pack, where it was looked for
        ss["scenario_msg"] = (
            "error",
            state.tr(
                ss,
                "ui.packs.scenario_missing",
                name=plain(name),
                file=plain(exc.file),
                region=plain(exc.region or exc.file),
                folder=plain(exc.folder),
            ),
        )
        return
    except (ScenarioError, ValueError, TypeError, KeyError) as exc:
        ss["scenario_msg"] = (
            "error",
            state.tr(ss, "ui.scenario.open_failed_named", name=plain(name), error=plain(exc)),
        )
        return
    ss["scenario_name"] = name
    ss["scenario_loaded"] = name
    # saving an older version makes it the newest: no conflict with the head it was opened from
    ss["scenario_revision"] = head
    ss.pop("scenario_conflict", None)
    if ss.pop("pack_switched_by_scenario", False):
        ss["pack_msg"] = state.tr(ss, "ui.packs.switched_by_scenario", name=plain(name))
    if revision is None:
        ss["scenario_msg"] = ("success", state.tr(ss, "ui.scenario.opened", name=plain(name)))
    else:
        ss["scenario_msg"] = (
            "success",
            state.tr(ss, "ui.scenario.version_opened", name=plain(name), rev=revision),
        )


def _open_version() -> None:
    revision = st.session_state.get("scenario_version_pick")
    if revision is not None:
        _open(int(revision))


def _versions(ss: state.State) -> None:
    """The kept versions of the scenario this session opened or saved, to open an older one."""
    name = ss.get("scenario_loaded")
    if not name:
        return
    try:
        revisions = store().revisions(str(name))
    except ScenarioStoreError:
        return
    if not revisions:
        return
    lang = state.lang(ss)
    when = {rev: state.saved_time(stamp, lang) for rev, stamp in revisions}
    with st.expander(state.tr(ss, "ui.scenario.versions", name=plain(name), count=len(revisions))):
        st.markdown(
            "\n".join(
                "- " + state.tr(ss, "ui.scenario.version_line", rev=rev, when=when[rev])
                for rev, _ in reversed(revisions)
            )
        )
        st.selectbox(
            state.tr(ss, "ui.scenario.version_pick"),
            [rev for rev, _ in reversed(revisions)],
            format_func=lambda rev: state.tr(
                ss, "ui.scenario.version_line", rev=rev, when=when.get(rev, "")
            ),
            key="scenario_version_pick",
        )
        st.button(
            state.tr(ss, "ui.scenario.version_open"),
            on_click=_open_version,
            key="scenario_version_open",
        )


def _conflict(ss: state.State) -> None:
    """The warning before saving over someone else's save, with its two ways out."""
    conflict = ss.get("scenario_conflict")
    if not conflict:
        return
    st.warning(
        state.tr(
            ss,
            "ui.scenario.overwrite_warning",
            name=plain(conflict["name"]),
            rev=conflict["revision"],
            when=state.saved_time(str(conflict["saved_at"]), state.lang(ss)),
        )
    )
    c1, c2 = st.columns(2)
    c1.button(state.tr(ss, "ui.scenario.overwrite"), on_click=_overwrite, key="scenario_overwrite")
    c2.button(state.tr(ss, "ui.scenario.save_copy"), on_click=_save_copy, key="scenario_copy")


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
        _conflict(ss)
        msg = ss.pop("scenario_msg", None)
        if msg:
            kind, text = msg
            getattr(st, kind)(text)
        if ss.get("pack_msg"):
            st.info(ss.pop("pack_msg"))
        _versions(ss)
        st.divider()
        model = cache.travel_model()
        st.markdown(f"**{state.tr(ss, 'ui.model.title')}**")
        st.caption(f"{model_name(model, state.lang(ss))} — {model_text(model, state.lang(ss))}")
        st.markdown(f"**{state.tr(ss, 'ui.local_models')}**")
        for local in cache.local_models():
            st.caption(f"{model_name(local, state.lang(ss))} — {model_text(local, state.lang(ss))}")
        pack = cache.pack(state.pack_path(ss))
        st.markdown(f"**{state.tr(ss, 'ui.packs.sidebar_title')}**")
        st.caption(
            state.tr(
                ss,
                "ui.packs.sidebar_region",
                name=plain(pack.info.name),
                municipalities=format_number(len(pack.municipalities), state.lang(ss), ",.0f"),
            )
        )
        st.markdown(f"**{state.tr(ss, 'ui.sources.title')}**")
        st.caption("  \n".join(attribution_lines(pack)))
