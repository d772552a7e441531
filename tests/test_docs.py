"""The docs a person reads: the benchmark tables match bench/results, and every link lands.

The tables in docs/benchmarks.md are written by scripts/bench_tables.py from bench/results/*.json;
`--check` here keeps them from drifting.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
TOPICS = (
    "architecture",
    "simulator",
    "language-understanding",
    "audio",
    "web-service",
    "persistence",
    "deploying",
    "testing",
    "benchmarks",
    "content",
    "screens",
    "reminders",
    "operating",
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CITED = re.compile(r"docs/[\w.-]+\.md")


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_tables", ROOT / "scripts" / "bench_tables.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench_tables = _load_script()


def test_the_committed_tables_match_the_results(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_tables.main(["--check"]) == 0, capsys.readouterr().err


def test_a_stale_table_is_found_and_rewritten(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    current = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    doc.write_text(current.replace("| median per request |", "| median (old) |", 1))
    assert bench_tables.main(["--check"], doc=doc) == 1
    assert bench_tables.main([], doc=doc) == 0
    assert doc.read_text(encoding="utf-8") == current


def test_every_results_file_needs_its_table(tmp_path: Path) -> None:
    results = tmp_path / "results"
    shutil.copytree(ROOT / "bench" / "results", results)
    new = {"benchmark": "brand_new", "measured_at": "2026-12-08T00:00:00Z", "ratio": 1.1}
    (results / "brand_new.json").write_text(json.dumps(new), encoding="utf-8")
    doc = tmp_path / "benchmarks.md"
    shutil.copy(DOCS / "benchmarks.md", doc)
    assert bench_tables.main(["--check"], doc=doc, results_dir=results) == 2
    # With a section of its own, a benchmark without a spec gets its top-level numbers.
    doc.write_text(doc.read_text() + "\n<!-- bench-table: brand_new -->\n<!-- /bench-table -->\n")
    assert bench_tables.main([], doc=doc, results_dir=results) == 0
    assert "| `ratio` | 1.10x |" in doc.read_text()


def test_a_table_without_results_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("<!-- bench-table: gone -->\n<!-- /bench-table -->\n", encoding="utf-8")
    assert bench_tables.main(["--check"], doc=doc, results_dir=tmp_path) == 2


def test_the_readme_is_short_and_shows_the_web_simulator() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    assert "](docs/simulator.png)" in text
    assert (DOCS / "simulator.png").is_file()


def test_every_topic_has_its_file_and_the_readme_links_it() -> None:
    readme = README.read_text(encoding="utf-8")
    for topic in TOPICS:
        assert (DOCS / f"{topic}.md").is_file(), topic
        assert f"(docs/{topic}.md)" in readme, topic


def test_every_docs_file_the_code_cites_exists() -> None:
    sources = [*ROOT.glob("skill/**/*.py"), *ROOT.glob("scripts/*"), *ROOT.glob("bench/*.py")]
    sources += [ROOT / name for name in ("Makefile", "pyproject.toml", "serverless.yml")]
    cited = {m for p in sources if p.is_file() for m in CITED.findall(p.read_text("utf-8"))}
    missing = sorted(c for c in cited if not (ROOT / c).is_file())
    assert not missing, missing


def _slug(heading: str) -> str:
    """A Markdown heading's anchor, as GitHub makes it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize(
    "page", [README, ROOT / "CHANGELOG.md", *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name
)
def test_every_link_lands(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        landed = path.exists() and not (anchor and path.suffix == ".md")
        if not landed and not (path.exists() and anchor in _anchors(path)):
            broken.append(target)
    assert not broken, broken
