"""A labelled set through Alexa's utterance profiler and through the simulator, side by side.

The profiler (SMAPI `profileNlu`) says which intent and slots Alexa's real NLU picks for a line
of text against the skill's built model, without calling the skill. A line is right when the
intent is the expected one and every expected slot resolved to the expected id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from ask_smapi_model.v1.skill.evaluations.profile_nlu_request import ProfileNluRequest

from skill.ops.client import with_retries
from skill.simulator.nlueval import Labelled


@dataclass(frozen=True)
class Profiled:
    """One labelled line, as Alexa and as the simulator understood it."""

    row: Labelled
    alexa_intent: str
    alexa_slots: dict[str, str]
    simulator_intent: str
    simulator_right: bool

    @property
    def alexa_right(self) -> bool:
        """Alexa picked the expected intent and every expected slot id."""
        return self.alexa_intent == self.row.intent and all(
            self.alexa_slots.get(name) == slot_id for name, slot_id in self.row.slot_ids.items()
        )

    @property
    def agree(self) -> bool:
        """Alexa and the simulator chose the same intent."""
        return self.alexa_intent == self.simulator_intent


def _resolved_id(slot: Any) -> str | None:
    """The id of the slot's first ER_SUCCESS_MATCH authority, or None."""
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", code) != "ER_SUCCESS_MATCH":
            continue
        for value in getattr(authority, "values", None) or []:
            # The model declares {name, id}; Alexa's slots nest them as {value: {name, id}}.
            slot_id = getattr(value, "id", None) or (getattr(value, "value", None) or {}).get("id")
            if slot_id:
                return str(slot_id)
    return None


def alexa_parse(response: Any) -> tuple[str, dict[str, str]]:
    """The selected intent's name and its resolved slot ids from a profileNlu response."""
    selected = getattr(response, "selected_intent", None)
    name = getattr(selected, "name", None) or "(none)"
    slots = getattr(selected, "slots", None) or {}
    ids = {n: slot_id for n, slot in slots.items() if (slot_id := _resolved_id(slot))}
    return str(name), ids


def profile_rows(
    client: Any,
    skill_id: str,
    stage: str,
    locale: str,
    rows: Iterable[Labelled],
    simulate: Callable[[Labelled], tuple[str, bool]],
    sleep: Callable[[float], None],
) -> Iterator[Profiled]:
    """Each row through the profiler and `simulate` (its intent, and whether it was right)."""
    for row in rows:
        response = with_retries(
            partial(
                client.profile_nlu_v1,
                profile_nlu_request=ProfileNluRequest(utterance=row.text),
                skill_id=skill_id,
                stage=stage,
                locale=locale,
            ),
            skill_id,
            sleep,
        )
        intent, slots = alexa_parse(response)
        simulated, right = simulate(row)
        yield Profiled(row, intent, slots, simulated, right)


def summary_lines(results: list[Profiled], locale: str, stage: str) -> list[str]:
    """Alexa's accuracy, the simulator's, how often they agree, and the lines they differ on."""
    n = len(results)
    alexa = sum(r.alexa_right for r in results)
    simulator = sum(r.simulator_right for r in results)
    agree = sum(r.agree for r in results)
    gap = (simulator - alexa) / n * 100
    trend = "overstates" if gap > 0 else "understates" if gap < 0 else "matches"
    out = [
        f"{n} labelled utterances, {locale}, {stage} model",
        f"Alexa's accuracy      {alexa / n:6.1%} ({alexa}/{n})",
        f"simulator's accuracy  {simulator / n:6.1%} ({simulator}/{n})",
        f"agreement on intent   {agree / n:6.1%} ({agree}/{n})",
        f"the simulator {trend} Alexa" + (f" by {abs(gap):.1f} points" if gap else ""),
    ]
    for r in results:
        if not r.agree:
            out.append(
                f"  differs: {r.row.text!r}: expected {r.row.intent}, Alexa {r.alexa_intent},"
                f" simulator {r.simulator_intent}"
            )
    return out
