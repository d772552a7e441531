"""Labelled utterance sets (TSV) and accuracy of the simulator's NLU on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from skill.simulator.nlu import FALLBACK, NLU, Parse


@dataclass(frozen=True)
class Labelled:
    """An utterance with the intent and slot ids Alexa should produce for it."""

    text: str
    intent: str
    slot_ids: dict[str, str] = field(default_factory=dict)

    @property
    def in_domain(self) -> bool:
        """Whether the utterance belongs to the skill (not a Fallback case)."""
        return self.intent != FALLBACK

    def matches(self, parse: Parse) -> bool:
        """Right intent and, for every expected slot, the right resolved id."""
        got = {name: slot.id for name, slot in parse.slots.items()}
        return parse.intent == self.intent and all(
            got.get(name) == slot_id for name, slot_id in self.slot_ids.items()
        )


@dataclass(frozen=True)
class Accuracy:
    """Accuracy on in-domain and out-of-domain utterances, with the misses."""

    in_domain: float
    out_of_domain: float
    n_in: int
    n_out: int
    misses: list[tuple[Labelled, Parse]]


def load_labelled(path: Path) -> list[Labelled]:
    """Read `utterance<TAB>intent<TAB>name=ID,...` lines; `#` starts a comment line."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, intent, *rest = line.split("\t")
        slots = dict(p.split("=", 1) for p in (rest[0].split(",") if rest and rest[0] else []))
        rows.append(Labelled(text.strip(), intent.strip(), slots))
    return rows


def evaluate(nlu: NLU, rows: list[Labelled]) -> Accuracy:
    """Parse every utterance and score intent plus slot ids."""
    misses = []
    hits = {True: 0, False: 0}
    totals = {True: 0, False: 0}
    for row in rows:
        parse = nlu.parse(row.text)
        totals[row.in_domain] += 1
        if row.matches(parse):
            hits[row.in_domain] += 1
        else:
            misses.append((row, parse))
    return Accuracy(
        in_domain=hits[True] / max(totals[True], 1),
        out_of_domain=hits[False] / max(totals[False], 1),
        n_in=totals[True],
        n_out=totals[False],
        misses=misses,
    )
