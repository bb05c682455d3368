"""Region packs in the app (issue 18): the page "Regionen" lists, switches and builds packs; the
season and selection forms take their districts, quotas and home base from the session's pack."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages import state
from planner.data.build import build
from planner.data.pack import load_pack
from planner.data.packs import list_packs, missing_build_files, pack_file_name
from planner.scenarios import ScenarioStore
from planner.settings import germany_dir, pack_path, raw_dir

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 240

pytestmark = pytest.mark.usefixtures("own_database")


def _need_build_data() -> None:
    missing = missing_build_files(raw_dir(), germany_dir())
    if missing:
        pytest.skip(
            "Germany-wide data or the register not found (set TINY_RATHAUS_GERMANY / "
            f"TINY_RATHAUS_RAW): missing {', '.join(str(p) for p in missing)}"
        )


@pytest.fixture(scope="module")
def slfl_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kreis Schleswig-Flensburg built once for the module through the library."""
    _need_build_data()
    out = tmp_path_factory.mktemp("built") / "schleswig-flensburg.gpkg"
    build(raw_dir(), out, region="01059", germany=germany_dir())
    return out


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty packs folder of the test's own (``TINY_RATHAUS_PACKS``)."""
    folder = tmp_path / "packs"
    folder.mkdir()
    monkeypatch.setenv("TINY_RATHAUS_PACKS", str(folder))
    return folder


@pytest.fixture
def with_slfl(packs: Path, slfl_pack: Path) -> Path:
    """The packs folder holding the Schleswig-Flensburg pack; returns that pack's path."""
    return Path(shutil.copy(slfl_pack, packs / slfl_pack.name))


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def start(page: str = "app_pages/packs.py") -> AppTest:
    """A new session opened on ``page`` (not on the heavier ranking page)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()  # registers the pages; the default page is checked by its own tests
    return ok(at.switch_page(page).run())


def visible(markdown: str) -> str:
    """The text a Markdown source shows (user text in messages is backslash-escaped)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u200b", "")


def texts(elements: object) -> list[str]:
    return [visible(str(e.value)) for e in elements]  # type: ignore[attr-defined]


def regions_page(at: AppTest) -> AppTest:
    return ok(at.switch_page("app_pages/packs.py").run())


def pack_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Region" in d.value.columns)


def use_pack(at: AppTest, path: Path) -> AppTest:
    regions_page(at)
    at.selectbox(key="packs_pick").set_value(str(path))
    return ok(at.button(key="packs_use").click().run())


def quota_inputs(at: AppTest) -> dict[str, tuple[str, int]]:
    """The quota fields on the page: key → (label as shown, value)."""
    return {
        str(n.key): (visible(n.label), int(n.value))
        for n in at.number_input
        if str(n.key).startswith(("season_quota_", "select_quota_"))
    }


# --- the library's list ---------------------------------------------------------------------------


def test_list_packs_names_a_broken_file_and_skips_half_written_ones(packs: Path) -> None:
    (packs / "kaputt.gpkg").write_bytes(b"this is no GeoPackage " * 50)
    (packs / "halb.tmp.gpkg").write_bytes(b"")  # a build still writing
    summaries = list_packs(packs, embedded=pack_path())
    assert [s.path.name for s in summaries] == ["kielregion.gpkg", "kaputt.gpkg"]
    embedded, broken = summaries
    assert embedded.ok and embedded.embedded and embedded.name == "KielRegion"
    assert embedded.municipalities == 251 and embedded.population == 660_107
    assert [k for k, _ in embedded.districts] == ["01002", "01057", "01058"]
    assert not broken.ok and broken.error and broken.size_bytes == 22 * 50


def test_pack_file_names_stay_inside_the_folder() -> None:
    assert pack_file_name("Schleswig-Flensburg") == "schleswig-flensburg.gpkg"
    assert pack_file_name("../../etc/passwd") == "etc_passwd.gpkg"
    assert pack_file_name("  ") == "region.gpkg"


# --- the page -------------------------------------------------------------------------------------


def test_regions_page_lists_the_embedded_and_a_built_pack(with_slfl: Path) -> None:
    at = regions_page(start())
    assert at.title[0].value == "Regionen"
    table = pack_table(at).set_index("Datei")
    assert table.loc["kielregion.gpkg", "Region"] == "KielRegion"
    assert "eingebettet" in table.loc["kielregion.gpkg", "Status"]
    assert "in Verwendung" in table.loc["kielregion.gpkg", "Status"]
    row = table.loc[with_slfl.name]
    assert row["Region"] == "Schleswig-Flensburg"
    assert row["Kreise"] == "Schleswig-Flensburg (01059)"
    assert (row["Gemeinden"], row["Einwohner"]) == ("123", "206.385")  # the register's
    assert row["Koordinatensystem"] == "EPSG:25832"
    assert row["Gebaut am"].count(".") == 2
    # its merge (Hürup ← Tastrup, Maasbüll) is listed under the pack
    expander = next(e for e in at.expander if "Schleswig-Flensburg" in visible(e.label))
    assert "Hürup" in " ".join(visible(m.value) for m in expander.markdown)


def test_switching_the_pack_changes_quotas_home_and_runs_a_season(with_slfl: Path) -> None:
    at = start("app_pages/season.py")
    assert quota_inputs(at) == {
        "season_quota_01002": ("Stopps in Kiel", 4),
        "season_quota_01057": ("Stopps in Plön", 4),
        "season_quota_01058": ("Stopps in Rendsburg-Eckernförde", 4),
    }
    kiel_site = at.selectbox(key="season_home_site").value
    at.multiselect(key="season_must_include").set_value([kiel_site])
    ok(at.run())

    use_pack(at, with_slfl)
    assert any("Schleswig-Flensburg" in m for m in texts(at.info)), texts(at.info)
    assert at.session_state["pack_path"] == str(with_slfl)
    assert at.session_state["season_must_include"] == []  # the old pack's sites are gone
    assert any("Schleswig-Flensburg (123 Gemeinden)" in c for c in texts(at.sidebar.caption))

    ok(at.switch_page("app_pages/season.py").run())
    info = load_pack(with_slfl).info
    assert quota_inputs(at) == {
        "season_quota_01059": ("Stopps in Schleswig-Flensburg", info.default_quota["01059"])
    }
    sites = load_pack(with_slfl).sites.set_index("site_id")
    home = at.selectbox(key="season_home_site").value
    assert sites.loc[home, "municipality"] == "Schleswig, Stadt"  # the most populous
    # the selection form has the one district, too
    ok(at.switch_page("app_pages/select.py").run())
    assert list(quota_inputs(at)) == ["select_quota_01059"]

    # a short season in the county with Steinbergkirche (the 2025 stop) included
    ok(at.switch_page("app_pages/season.py").run())
    steinbergkirche = [
        s for s in sites.index if sites.loc[s, "municipality"].startswith("Steinbergkirche")
    ]
    assert steinbergkirche
    at.multiselect(key="season_must_include").set_value(steinbergkirche[:1])
    at.number_input(key="season_quota_01059").set_value(4)
    at.date_input(key="season_start").set_value(dt.date(2025, 7, 1))
    at.date_input(key="season_end").set_value(dt.date(2025, 10, 31))
    at.select_slider(key="season_min_rural_share").set_value(0.0)
    at.slider(key="season_time_limit_s").set_value(20)
    ok(next(b for b in at.button if b.label == "Saison planen").click().run())
    assert at.session_state["plan"]["status"] in ("optimal", "feasible"), texts(at.error)
    schedule = next(d.value for d in at.dataframe if "Gemeinde" in d.value.columns)
    assert schedule["Gemeinde"].str.startswith("Steinbergkirche").any(), schedule
    assert set(schedule["Kreis"]) == {"Schleswig-Flensburg"}
    # the value and gap explain themselves
    helps = {m.label: m.help for m in at.metric}
    assert "gewichtete Summe" in helps["Wert der Saison"]
    assert "Schranke (" in helps["Abstand zur Schranke"]


def test_a_bad_region_spec_names_the_value(packs: Path) -> None:
    _need_build_data()
    at = regions_page(start())
    at.text_input(key="packs_spec").input("Atlantis")
    ok(next(b for b in at.button if b.label == "Region bauen").click().run())
    message = " ".join(texts(at.error))
    assert "„Atlantis“" in message and "'Atlantis' is no district, Land or preset" in message
    assert list(packs.iterdir()) == []


def test_a_region_builds_through_the_form(packs: Path) -> None:
    _need_build_data()
    at = regions_page(start())
    at.text_input(key="packs_spec").input("01059")
    at.text_input(key="packs_file").input("Mein Kreis")
    ok(next(b for b in at.button if b.label == "Region bauen").click().run())
    success = " ".join(texts(at.success))
    assert "Regionspaket Schleswig-Flensburg gebaut" in success, texts(at.error)
    assert "123 Gemeinden, 206.385 Einwohner" in success
    assert (packs / "mein_kreis.gpkg").is_file()
    table = pack_table(at).set_index("Datei")
    assert table.loc["mein_kreis.gpkg", "Region"] == "Schleswig-Flensburg"
    assert at.selectbox(key="packs_pick").value == str(packs / "mein_kreis.gpkg")


def test_without_germany_data_the_form_says_why(
    packs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "keine-daten"
    monkeypatch.setenv("TINY_RATHAUS_GERMANY", str(empty))
    at = regions_page(start())
    warning = " ".join(texts(at.warning))
    assert "Bauen ist hier nicht möglich" in warning
    assert str(empty) in warning and "TINY_RATHAUS_GERMANY" in warning
    assert not [b for b in at.button if b.label == "Region bauen"]


def test_a_broken_pack_is_listed_with_its_error(packs: Path) -> None:
    (packs / "kaputt.gpkg").write_bytes(b"this is no GeoPackage " * 50)
    at = regions_page(start())
    table = pack_table(at).set_index("Datei")
    assert table.loc["kaputt.gpkg", "Status"].startswith("nicht lesbar: ")
    assert any("kaputt.gpkg ist kein lesbares Regionspaket" in w for w in texts(at.warning))
    assert str(packs / "kaputt.gpkg") not in at.selectbox(key="packs_pick").options
    # and in English
    ok(at.sidebar.radio(key="lang").set_value("en").run())
    assert at.title[0].value == "Regions"
    assert at.button(key="packs_use").label == "Use this region"
    table = pack_table(at).set_index("File")
    assert table.loc["kielregion.gpkg", "Population"] == "660,107"
    assert table.loc["kaputt.gpkg", "Status"].startswith("unreadable: ")


# --- scenarios and packs --------------------------------------------------------------------------


def test_an_old_kielregion_scenario_restores_its_quotas(packs: Path) -> None:
    old = {
        "season": {"quota_kiel": 2, "quota_ploen": 5, "quota_rdeck": 3},
        "select": {"quota_kiel": 1, "quota_ploen": 6, "quota_rdeck": 2},
    }
    ScenarioStore().save("Alt 2023", old)
    at = start("app_pages/season.py")
    ok(next(b for b in at.sidebar.button if b.key == "scenario_open").click().run())
    ok(at.switch_page("app_pages/season.py").run())
    values = {k: v for k, (_, v) in quota_inputs(at).items()}
    assert values == {"season_quota_01002": 2, "season_quota_01057": 5, "season_quota_01058": 3}
    ok(at.switch_page("app_pages/select.py").run())
    values = {k: v for k, (_, v) in quota_inputs(at).items()}
    assert values == {"select_quota_01002": 1, "select_quota_01057": 6, "select_quota_01058": 2}


def test_a_scenario_of_another_pack_switches_or_says_it_is_missing(
    with_slfl: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = use_pack(start("app_pages/season.py"), with_slfl)
    ok(at.switch_page("app_pages/season.py").run())
    at.number_input(key="season_quota_01059").set_value(7)
    at.slider(key="season_time_limit_s").set_value(5)
    ok(next(b for b in at.button if b.label == "Saison planen").click().run())  # form values in
    at.sidebar.text_input(key="scenario_name").input("Angeln").run()
    ok(at.sidebar.button(key="scenario_save").click().run())
    saved = ScenarioStore().load("Angeln").data
    assert saved["pack"]["file"] == with_slfl.name and not saved["pack"]["embedded"]
    assert saved["pack"]["region"] == "Schleswig-Flensburg"
    assert saved["season"]["quota_01059"] == 7, saved["season"]

    # a new session on the KielRegion opens it: the pack follows
    again = start("app_pages/season.py")
    assert state.pack_path(again.session_state) == str(pack_path())
    ok(next(b for b in again.sidebar.button if b.key == "scenario_open").click().run())
    assert again.session_state["pack_path"] == str(with_slfl)
    assert any("anderen Region" in m for m in texts(again.sidebar.info))
    ok(again.switch_page("app_pages/season.py").run())
    assert again.number_input(key="season_quota_01059").value == 7

    # elsewhere, without that pack: named, and the session stays as it was
    monkeypatch.setenv("TINY_RATHAUS_PACKS", str(tmp_path / "anderswo"))
    with_slfl.unlink()
    third = start("app_pages/season.py")
    ok(next(b for b in third.sidebar.button if b.key == "scenario_open").click().run())
    error = " ".join(texts(third.sidebar.error))
    assert "gehört zur Region Schleswig-Flensburg" in error and with_slfl.name in error
    assert state.pack_path(third.session_state) == str(pack_path())


def test_switching_keeps_nothing_of_the_old_packs_sites() -> None:
    session: dict[str, object] = {}
    state.init(session)
    session.update(
        {
            "user_sites": "frame",
            "site_edits": {"a": {"power": "no"}},
            "plan": {"status": "optimal"},
            "selection": "result",
            "compare_ids": ["a"],
            "season_must_include": ["a"],
            "select_must_not": ["b"],
            "season_quota_01002": 3,
        }
    )
    assert not state.switch_pack(session, state.pack_path(session))  # the same pack: kept
    assert session["user_sites"] == "frame"
    assert state.switch_pack(session, "/elsewhere/other.gpkg")
    assert session["user_sites"] is None and session["site_edits"] == {}
    assert session["plan"] is None and session["selection"] is None
    assert session["compare_ids"] == session["season_must_include"] == []
    assert session["select_must_not"] == [] and "season_quota_01002" not in session
