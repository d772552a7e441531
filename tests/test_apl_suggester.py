"""Amazon's apl-suggester (npm, pinned in package-lock.json) on every document with every data
source the skill sends, in every locale: no finding at any level.

tests/js/apl_validate.js runs it and reports what validate() and validateDataSources() return,
every validation error raised through its ErrorController, and its console output. Offline it
cannot download Amazon's alexa-layouts package, so tests/js/alexa-layouts-declared.json declares
the responsive components the documents use; every property used on them is held to it here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from screen_support import iter_documents, walked

from skill.apl import DOCUMENTS, document
from skill.content import SUPPORTED_LOCALES

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "js" / "apl_validate.js"
DECLARED = json.loads((ROOT / "tests" / "js" / "alexa-layouts-declared.json").read_text())
# The validator's own note that it has no table of child properties for these parents: said for
# every document (mainTemplate is every document's root), about the validator, not the document.
VALIDATOR_NOTES = {f"No mixin for component : {p}" for p in ("mainTemplate", "ScrollView", "Frame")}
# Properties every component takes (APL's base component), so a layout instance takes them too.
BASE_PROPERTIES = {"type", "when", "id", "spacing", "width", "height", "accessibilityLabel"}


def validate(cases: list[dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    """apl-suggester's findings for each case."""
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    result = subprocess.run(
        ["node", str(SCRIPT), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def findings(report: dict[str, Any]) -> list[Any]:
    """Every finding in a report, of any level, the validator's own notes aside."""
    found = [
        (r["name"], kind, item)
        for r in report["results"]
        for kind in ("document", "datasources", "raised")
        for item in r[kind]
    ]
    return found + [n for n in report["console"] if n["text"] not in VALIDATOR_NOTES]


@pytest.fixture(scope="module")
def sent() -> list[dict[str, Any]]:
    """Every distinct (document, data sources) the skill sends, in every locale."""
    cases: dict[str, dict[str, Any]] = {}
    for locale in SUPPORTED_LOCALES:
        for asked, directive in iter_documents(list(walked(locale, "echo-show-8"))):
            name = next(n for n in DOCUMENTS if document(n) == directive["document"])
            key = json.dumps([name, directive["datasources"]], sort_keys=True)
            cases.setdefault(
                key,
                {
                    "name": f"{locale} {name}: {asked}",
                    "document": directive["document"],
                    "datasources": directive["datasources"],
                },
            )
    return list(cases.values())


def test_every_document_with_every_data_source_has_no_finding(
    sent: list[dict[str, Any]], tmp_path: Path
) -> None:
    assert {case["document"]["description"] for case in sent} == {
        document(n)["description"] for n in DOCUMENTS
    }
    report = validate(sent, tmp_path)
    print(
        f"apl-suggester: {len(sent)} document and data-source pairs, findings: {findings(report)}"
    )
    assert len(report["results"]) == len(sent)
    assert findings(report) == []


def test_the_validator_does_find_what_is_wrong(tmp_path: Path) -> None:
    """The harness sees findings of every kind: a typo in a component, an unknown property, a
    data source that is not one."""
    answer = document("answer")
    broken = json.loads(json.dumps(answer))
    items = broken["mainTemplate"]["items"][0]["items"]
    items.append({"type": "AlexaButon", "buttonText": "x"})
    items.append({"type": "Text", "text": "x", "fontSize": "huge", "colour": "red"})
    report = validate(
        [{"name": "broken", "document": broken, "datasources": {"screen": []}}], tmp_path
    )
    (result,) = report["results"]
    assert any(r["placeholders"].get("name") == "AlexaButon" for r in result["raised"])
    assert any("colour" in f["errorMessage"] for f in result["document"])
    assert result["datasources"]


def _layout_uses(node: Any) -> list[tuple[str, set[str]]]:
    if isinstance(node, dict):
        own = [(node["type"], set(node))] if node.get("type") in DECLARED["layouts"] else []
        return own + [u for v in node.values() for u in _layout_uses(v)]
    if isinstance(node, list):
        return [u for v in node for u in _layout_uses(v)]
    return []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_alexa_layouts_are_used_with_their_documented_parameters(name: str) -> None:
    for component, used in _layout_uses(document(name)["mainTemplate"]):
        allowed = set(DECLARED["layouts"][component]["parameters"]) | BASE_PROPERTIES
        assert used <= allowed, (name, component, used - allowed)
