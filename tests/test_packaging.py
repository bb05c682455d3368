"""The wheel: built from the checkout, installed elsewhere, it loads the embedded pack from any
folder and writes nothing into the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",  # no network: setuptools comes from the test extras
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (path,) = out.glob("tiny_rathaus_tourplaner-*.whl")
    return path


def test_wheel_holds_every_subpackage_the_pack_and_the_texts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "planner").rglob("__init__.py")}
    for package in packages:
        assert f"{package}/__init__.py" in names, package
    assert any(n.endswith("data/share/tiny-rathaus/kielregion.gpkg") for n in names)
    for po in (ROOT / "planner").rglob("*.po"):
        assert str(po.relative_to(ROOT)) in names, po


def test_installed_wheel_loads_the_pack_from_any_folder(wheel: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    install = subprocess.run(
        # --ignore-installed: never uninstall the developer's editable install of the same name
        [
            *(sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed"),
            *("--prefix", str(prefix), str(wheel)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    site = Path(sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINY_RATHAUS_")}
    env["PYTHONPATH"] = str(site)  # the installed copy, not the checkout
    env["TINY_RATHAUS_CACHE"] = str(tmp_path / "cache")
    probe = (
        "import planner, planner.settings as s; from planner.data.pack import load_pack;"
        "p = load_pack(); print(planner.__file__); print(s.pack_path());"
        "print(len(p.municipalities), int(p.municipalities.population.sum()))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    module, pack, counts = run.stdout.strip().splitlines()
    assert Path(module).is_relative_to(prefix) and not Path(module).is_relative_to(ROOT)
    assert Path(pack).is_relative_to(prefix)
    assert counts == "251 660107"
