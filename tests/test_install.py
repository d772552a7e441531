"""An installed package (not the clone, not an editable install) finds its models, content,
screens and clips: the wheel is built, installed with the `simulator` extra into a fresh venv, and
the simulator and the Lambda entry point run from another folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e  # builds a wheel and installs it, with its dependencies, into a venv

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = (".git", ".venv", "node_modules", "build", ".serverless", "*.egg-info", "__pycache__",
              ".*_cache", ".hypothesis")  # fmt: skip
SKILL_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for p in (ROOT / "skill").rglob("*.py")
    if "__pycache__" not in p.parts
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with the wheel and the `simulator` extra, and an environment for it whose
    working folder and home are outside the clone."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"  # a copy: setuptools' build/ folder would keep files since deleted
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    run = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*run, "--wheel-dir", str(tmp / "dist"), str(source)], check=True)
    (wheel,) = (tmp / "dist").glob("leg_cramp_helper-*.whl")
    venv.create(tmp / "venv", with_pip=True)
    python = tmp / "venv" / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
         "-c", str(ROOT / "constraints.txt"), f"{wheel}[simulator]"],
        check=True,
    )  # fmt: skip
    home = tmp / "home"
    home.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "LANG": "C.UTF-8"}
    return python, env


def _run(installed: tuple[Path, dict[str, str]], *args: str) -> str:
    python, env = installed
    done = subprocess.run(
        [python, *args], cwd=env["HOME"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_installed_simulator_answers_from_another_folder(
    installed: tuple[Path, dict[str, str]],
) -> None:
    out = _run(
        installed, "-m", "skill.simulator", "--json",
        "ask leg cramp helper why do my legs cramp at night",
    )  # fmt: skip
    turn = json.loads(out.splitlines()[0])
    assert turn["intent"] == "CrampCausesIntent"
    assert "calcium" in turn["speech"].lower()


def test_spanish_with_its_accents_and_a_screen(installed: tuple[Path, dict[str, str]]) -> None:
    out = _run(
        installed, "-m", "skill.simulator", "--json", "--locale", "es-MX",
        "--device", "echo-show-8", "abre calambres nocturnos", "cuéntame más",
    )  # fmt: skip
    turns = [json.loads(line) for line in out.splitlines()]
    assert [t["request_type"] for t in turns] == ["LaunchRequest", "IntentRequest"]
    assert turns[1]["intent"] == "MoreDetailIntent"
    assert turns[0]["speech"].startswith("Hola")
    assert any(d["type"].startswith("Alexa.Presentation.APL") for d in turns[0]["directives"])


def test_the_data_comes_from_inside_the_package(installed: tuple[Path, dict[str, str]]) -> None:
    out = _run(
        installed, "-c",
        "import json, skill, skill.data as d; from skill.lambda_function import handler; "
        "print(json.dumps([skill.__file__, d.checkout(), str(d.model_path('en-GB')), "
        "str(d.audio_dir() / 'manifest.json'), (d.audio_dir() / 'manifest.json').is_file()]))",
    )  # fmt: skip
    where, checkout, model, manifest, has_manifest = json.loads(out)
    assert "site-packages" in where and str(ROOT) not in where
    assert checkout is None
    assert "site-packages" in model and Path(model).is_file()
    assert "site-packages" in manifest and has_manifest


def test_every_module_of_the_clone_is_in_the_package(
    installed: tuple[Path, dict[str, str]],
) -> None:
    listed = _run(
        installed, "-c",
        "import pkgutil, skill; print('\\n'.join(m.name for m in "
        "pkgutil.walk_packages(skill.__path__, 'skill.', onerror=lambda name: None)))",
    )  # fmt: skip
    modules = set(listed.split()) | {"skill"}
    assert [m.removesuffix(".__init__") for m in SKILL_MODULES if
            m.removesuffix(".__init__") not in modules] == []  # fmt: skip
