"""The record of the source article's facts (docs/sources.toml): complete, and every fact heard.

The article itself lives outside the repository; this record is what the project carries of it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from skill.content import load_content
from skill.simulator.session import Simulator

pytestmark = pytest.mark.unit

RECORD = tomllib.loads((Path(__file__).resolve().parents[1] / "docs" / "sources.toml").read_text())
FACTS = RECORD["facts"]
FIELDS = {"kind", "heading", "fact", "item", "ask", "words"}
KINDS = {"overview", "cause", "tip", "risk", "warning", "medicine", "routine"}
content = load_content("en-US")


def _item(name: str):
    kind, _, item_id = name.partition(".")
    return content.routines.get(item_id) if kind == "routine" else content.item(kind, item_id)


def _said_by(name: str) -> str:
    """Everything the item can say: summary and detail, or every step of a routine."""
    item = _item(name)
    if name.startswith("routine."):
        return " ".join(step.say for step in item.steps).lower()
    return f"{item.summary} {item.detail}".lower()


def test_the_source_is_named():
    source = RECORD["source"]
    assert source["title"] and source["kind"] and source["obtained"]


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f['kind']}:{f['heading']}")
def test_each_fact_is_well_formed(fact):
    assert set(fact) == FIELDS
    assert fact["kind"] in KINDS
    assert fact["heading"].strip() and len(fact["fact"].split()) >= 8
    assert _item(fact["item"]) is not None, f"no content item {fact['item']}"
    assert fact["ask"] and fact["words"]


def test_every_cause_and_tip_the_skill_knows_comes_from_the_article():
    recorded = {(f["kind"], f["item"]) for f in FACTS}
    for cause in content.causes:
        assert ("cause", f"cause.{cause.id}") in recorded, cause.id
    for tip in content.tips:
        assert ("tip", f"tip.{tip.id}") in recorded, tip.id
    assert len({f["heading"] for f in FACTS if f["kind"] == "cause"}) == len(content.causes)
    assert len({f["heading"] for f in FACTS if f["kind"] == "tip"}) == len(content.tips)
    assert {f["kind"] for f in FACTS} == KINDS


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f['kind']}:{f['heading']}")
def test_each_fact_is_reachable_by_voice(fact):
    simulator = Simulator("en-US")
    heard = " ".join(simulator.say(line).speech for line in fact["ask"]).lower()
    said_by_item = _said_by(fact["item"])
    for word in fact["words"]:
        assert word in said_by_item, f"{fact['item']} never says {word!r}"
        assert word in heard, f"asking {fact['ask']} never says {word!r}"
