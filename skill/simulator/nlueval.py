"""Labelled utterance sets (our TSV, Amazon's NLU-evaluation CSV) and the NLU's accuracy on them."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from skill.simulator.nlu import FALLBACK, NLU, Parse

CSV_FIXED = ("utterance", "referenceTimestamp", "intent")
_SLOT_COLUMN = re.compile(r"slot\[([A-Za-z0-9_.]+)\]")
MAX_ANNOTATIONS = 10_000


@dataclass(frozen=True)
class Labelled:
    """An utterance with the intent and slot ids Alexa should produce for it."""

    text: str
    intent: str
    slot_ids: dict[str, str] = field(default_factory=dict)
    # Amazon's annotations name the value heard (or its canonical name); "" means unfilled.
    slot_values: dict[str, str] = field(default_factory=dict)

    @property
    def in_domain(self) -> bool:
        """Whether the utterance belongs to the skill (not a Fallback case)."""
        return self.intent != FALLBACK

    def matches(self, parse: Parse) -> bool:
        """Right intent and, for every expected slot, the right resolved id or value."""
        got = {name: slot.id for name, slot in parse.slots.items()}
        return (
            parse.intent == self.intent
            and all(got.get(name) == slot_id for name, slot_id in self.slot_ids.items())
            and all(_heard(parse, name) & {_folded(v)} for name, v in self.slot_values.items())
        )


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _heard(parse: Parse, name: str) -> set[str]:
    """What a slot may be annotated as: the words heard, the canonical name or the id."""
    slot = parse.slots.get(name)
    if slot is None:
        return {""}
    return {_folded(v) for v in (slot.value, slot.resolved_name, slot.id) if v}


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


@cache
def _device(locale: str) -> Any:
    """A simulated device for a locale that remembers no one (for measuring, not talking)."""
    from skill.simulator.session import Simulator

    return Simulator(locale=locale)  # the default settings: no store


def warned(locale: str, utterance: str) -> bool:
    """Whether the skill, asked `utterance` in a new session, answers with the warning about
    red flags (through the simulator: understanding, then the handler's answer)."""
    from skill.content import load_content

    device = _device(locale)
    device.end_session()
    turn = device.say(utterance)
    device.end_session()
    title = str((turn.card or {}).get("title", ""))
    return title.casefold() == load_content(locale).topics["URGENT"].name.casefold()


def evaluate(nlu: NLU, rows: list[Labelled]) -> Accuracy:
    """Parse every utterance and score intent plus slot ids."""
    misses = []
    hits = {True: 0, False: 0}
    totals = {True: 0, False: 0}
    from skill.simulator.amazon_time import understand  # a time as the simulator hears it

    for row in rows:
        # A time said ("ten pm") fills AMAZON.TIME as in the simulator; a baseline without the
        # NLU's interface (the benchmark's exact matcher) parses on its own.
        parse = understand(nlu, row.text)[0] if hasattr(nlu, "ranked") else nlu.parse(row.text)
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


class AnnotationError(ValueError):
    """An annotation file that is not in Amazon's NLU-evaluation CSV format."""


def load_annotations(text: str) -> list[Labelled]:
    """Read Amazon's NLU-evaluation CSV: `utterance,referenceTimestamp,intent,slot[name]...`."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [cell.strip() for cell in next(reader, [])]
    if tuple(header[:3]) != CSV_FIXED:
        raise AnnotationError(f"the header must start with {','.join(CSV_FIXED)}")
    slots = [_SLOT_COLUMN.fullmatch(cell) for cell in header[3:]]
    bad = [cell for cell, match in zip(header[3:], slots, strict=True) if not match]
    if bad:
        raise AnnotationError(f"columns after intent must be slot[name], not {bad[0]!r}")
    names = [match[1] for match in slots if match]
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(cells) > len(header):
            raise AnnotationError(f"line {line}: {len(cells)} cells, the header has {len(header)}")
        cells += [""] * (len(header) - len(cells))
        utterance, intent = cells[0].strip(), cells[2].strip()
        if not utterance or not intent:
            raise AnnotationError(f"line {line}: utterance and intent are required")
        values = {name: cell.strip() for name, cell in zip(names, cells[3:], strict=True)}
        rows.append(Labelled(utterance, intent, slot_values=values))
        if len(rows) > MAX_ANNOTATIONS:
            raise AnnotationError(f"more than {MAX_ANNOTATIONS} annotations")
    if not rows:
        raise AnnotationError("no annotations after the header")
    return rows


@dataclass(frozen=True)
class Scorecard:
    """An evaluation's result: how many passed, per expected intent, and the misses."""

    total: int
    passed: int
    per_intent: dict[str, tuple[int, int]]  # expected intent -> (annotations, passed)
    misses: list[tuple[Labelled, Parse]]

    @property
    def accuracy(self) -> float:
        """Share of annotations whose intent and slots were all understood."""
        return self.passed / max(self.total, 1)

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data: totals, a row per intent, and each miss."""
        return {
            "total": self.total,
            "passed": self.passed,
            "accuracy": round(self.accuracy, 4),
            "per_intent": [
                {"intent": name, "total": n, "passed": ok, "accuracy": round(ok / n, 4)}
                for name, (n, ok) in self.per_intent.items()
            ],
            "misses": [
                {
                    "utterance": row.text,
                    "expected": row.intent,
                    "expected_slots": {k: v for k, v in row.slot_values.items() if v},
                    "got": parse.intent,
                    "got_slots": {name: slot.value for name, slot in parse.slots.items()},
                }
                for row, parse in self.misses
            ],
        }


def score(nlu: NLU, rows: list[Labelled]) -> Scorecard:
    """Evaluate annotations and tally them by expected intent."""
    misses = evaluate(nlu, rows).misses
    totals = Counter(row.intent for row in rows)
    missed = Counter(row.intent for row, _ in misses)
    per_intent = {name: (n, n - missed[name]) for name, n in sorted(totals.items())}
    return Scorecard(len(rows), len(rows) - len(misses), per_intent, misses)
