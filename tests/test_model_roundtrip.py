"""Every sample of every locale, typed into the simulator with its slots filled, reaches its own
intent with each slot resolving to the value typed: `Simulator.hear` is what `say` (the terminal
and the web page) understands before it sends the request to the skill."""

from __future__ import annotations

import json
import re
from itertools import count

import pytest

from skill.content import SUPPORTED_LOCALES
from skill.model.generate import model_path, render
from skill.simulator.session import Simulator, resolved_id

pytestmark = pytest.mark.integration  # every sample of eight models: tens of seconds

MAX_MISSES = 0.005  # at most 0.5% of a locale's samples may miss
_SLOT = re.compile(r"\{(\w+)\}")
# Times as people say them, and the value Alexa's AMAZON.TIME gives each, per language.
TIMES = {
    "en": [
        ("ten pm", "22:00"),
        ("half past nine at night", "21:30"),
        ("twenty two hundred", "22:00"),
    ],
    "es": [("las diez de la noche", "22:00"), ("las nueve y media de la noche", "21:30")],
}


def filled_samples(locale: str) -> list[tuple[str, str, dict[str, str]]]:
    """(utterance, intent, {slot: id}) for every sample, each slot given a value of its type in
    turn, canonical names and synonyms alike (for AMAZON.TIME, a time said, and Alexa's value)."""
    lm = json.loads(model_path(locale).read_text(encoding="utf-8"))["interactionModel"][
        "languageModel"
    ]
    phrases = {
        t["name"]: [
            (p, v["id"]) for v in t["values"] for p in [v["name"]["value"], *v["name"]["synonyms"]]
        ]
        for t in lm["types"]
    }
    phrases["AMAZON.TIME"] = TIMES[locale.split("-")[0]]
    turn = {name: count() for name in phrases}
    out = []
    for intent in lm["intents"]:
        types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent["samples"]:
            parts, expected = _SLOT.split(sample), {}
            for i in range(1, len(parts), 2):  # every other part is a slot name
                name, kind = parts[i], types[parts[i]]
                parts[i], expected[name] = phrases[kind][next(turn[kind]) % len(phrases[kind])]
            out.append(("".join(parts), intent["name"], expected))
    return out


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_sample_reaches_its_intent(locale: str) -> None:
    device = Simulator(locale=locale)
    misses = []
    samples = filled_samples(locale)
    for utterance, intent, slots in samples:
        heard = device.hear(utterance)["request"]
        got_intent = heard.get("intent", {}).get("name")
        got = {
            name: resolved_id(slot) if "resolutions" in slot else slot.get("value")
            for name, slot in heard.get("intent", {}).get("slots", {}).items()
        }
        if got_intent != intent or any(got.get(k) != v for k, v in slots.items()):
            misses.append(f"{utterance!r}: {intent} {slots} -> {got_intent} {got}")
    print(f"{locale}: {len(misses)} of {len(samples)} samples miss", *misses, sep="\n  ")
    assert len(misses) <= MAX_MISSES * len(samples), "\n".join(misses)


@pytest.mark.parametrize("locale", ["es-US", "es-MX", "es-ES"])
@pytest.mark.parametrize(
    ("line", "intent", "slot", "value_id"),
    [
        ("cuéntame más", "MoreDetailIntent", None, None),
        ("háblame del frío", "CauseDetailIntent", "cause", "COLD"),
        ("háblame de los zapatos", "TipDetailIntent", "tip", "FOOTWEAR"),
        ("Cuéntame más, por favor.", "MoreDetailIntent", None, None),
        ("se me subió el gemelo", "CrampReliefIntent", None, None),
    ],
)
def test_spanish_typed_with_accents_is_understood_as_spoken(
    locale: str, line: str, intent: str, slot: str | None, value_id: str | None
) -> None:
    """What the terminal and the web page send keeps its accents, as Alexa's recogniser does."""
    turn = Simulator(locale=locale).say(line)
    assert turn.intent == intent
    if slot is not None:
        assert turn.slots[slot]["id"] == value_id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_json_is_generated_from_the_templates(locale: str) -> None:
    """The committed model is what the templates give now (generating one takes seconds)."""
    current = model_path(locale).read_text(encoding="utf-8")
    assert current == render(locale), "run: python -m skill.model"
