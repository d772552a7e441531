"""Alexa's record of what people said: the Intent Request History API, every page, and a report.

The API returns aggregated, anonymised transcriptions of the last 30 days, only for locales with
at least 10 unique users on a day and only frequent utterances: each item is one distinct
utterance with the intent Alexa chose, its confidence bin and the names (not values) of the
slots it filled. It has no counts, so "per intent" below counts distinct utterances.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from skill.ops.client import with_retries

FALLBACK = "AMAZON.FallbackIntent"
PAGE_SIZE = 50  # the API's upper limit
SHOWN_DISAGREEMENTS = 40  # the CSV has them all
MAX_PAGES = 10_000


@dataclass(frozen=True)
class HeardUtterance:
    """One history item: what was said and what Alexa made of it."""

    text: str
    intent: str
    confidence: str  # HIGH, MEDIUM, LOW, or "" when absent
    slots: tuple[str, ...]
    locale: str


def _plain(value: Any) -> str:
    """An enum's value, or the string itself (unknown enum values stay strings)."""
    return str(getattr(value, "value", value) or "")


def _item(raw: Any, locale: str) -> HeardUtterance | None:
    intent = getattr(raw, "intent", None)
    text = getattr(raw, "utterance_text", None)
    name = getattr(intent, "name", None)
    if not text or not name:
        return None
    confidence = getattr(getattr(intent, "confidence", None), "bin", None)
    slots = getattr(intent, "slots", None) or {}
    return HeardUtterance(
        text=str(text),
        intent=str(name),
        confidence=_plain(confidence),
        slots=tuple(sorted(slots)),
        locale=_plain(getattr(raw, "locale", None)) or locale,
    )


def pages(
    client: Any,
    skill_id: str,
    stage: str,
    locale: str,
    sleep: Callable[[float], None],
    on_page: Callable[[int, int | None], None] = lambda n, total: None,
) -> Iterator[HeardUtterance]:
    """Every item for one locale and stage, following `nextToken` until the last page."""
    token: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        query: dict[str, Any] = {"max_results": PAGE_SIZE, "locale": [locale]}
        if token:
            query["next_token"] = token
        page = with_retries(
            partial(client.get_utterance_data_v1, skill_id=skill_id, stage=stage, **query),
            skill_id,
            sleep,
        )
        items = [i for i in (_item(raw, locale) for raw in page.items or []) if i]
        total = page.total_count
        on_page(len(items), int(total) if isinstance(total, int | float) else None)
        yield from items
        token = page.next_token
        if not page.is_truncated or not token or token in seen:
            return
        seen.add(token)


@dataclass
class LocaleShares:
    """A locale's distinct utterances, how many fell back, how many Alexa was unsure of."""

    utterances: int = 0
    fallback: int = 0
    low: int = 0
    bins: Counter[str] = field(default_factory=Counter)


@dataclass
class HistoryReport:
    """Utterances per intent and per locale, and where the simulator and Alexa part ways."""

    per_intent: Counter[str]
    per_locale: dict[str, LocaleShares]
    compared: int
    agreed: int
    disagreements: list[tuple[HeardUtterance, str]]

    def lines(self) -> list[str]:
        """The report as printed."""
        total = sum(self.per_intent.values())
        out = [f"{total} distinct utterances (history has no per-utterance counts)", "per intent:"]
        width = max(len(name) for name in self.per_intent)
        for name, n in self.per_intent.most_common():
            out.append(f"  {name:<{width}}  {n:>5}  {n / total:6.1%}")
        for locale, s in sorted(self.per_locale.items()):
            bins = ", ".join(f"{b} {s.bins[b]}" for b in ("HIGH", "MEDIUM", "LOW") if s.bins[b])
            out.append(
                f"{locale}: Fallback {s.fallback / s.utterances:.1%} ({s.fallback}/{s.utterances}),"
                f" low confidence {s.low / s.utterances:.1%} ({s.low}/{s.utterances})"
                + (f"; confidence {bins}" if bins else "")
            )
        if self.compared:
            out.append(
                f"simulator agrees with Alexa on the intent: {self.agreed / self.compared:.1%}"
                f" ({self.agreed}/{self.compared})"
            )
        for heard, simulated in self.disagreements[:SHOWN_DISAGREEMENTS]:
            confidence = f" ({heard.confidence})" if heard.confidence else ""
            out.append(
                f"  differs: {heard.text!r}: Alexa {heard.intent}{confidence}, "
                f"simulator {simulated}"
            )
        if len(self.disagreements) > SHOWN_DISAGREEMENTS:
            out.append(f"  ... and {len(self.disagreements) - SHOWN_DISAGREEMENTS} more")
        return out


def report(
    heard: list[HeardUtterance], simulate: Callable[[str, str], str | None]
) -> HistoryReport:
    """Tally `heard`; `simulate(locale, text)` is the simulator's intent (None: no simulator)."""
    per_locale: dict[str, LocaleShares] = {}
    compared = agreed = 0
    disagreements = []
    for item in heard:
        shares = per_locale.setdefault(item.locale, LocaleShares())
        shares.utterances += 1
        shares.fallback += item.intent == FALLBACK
        shares.low += item.confidence == "LOW"
        shares.bins[item.confidence] += 1
        simulated = simulate(item.locale, item.text)
        if simulated is None:
            continue
        compared += 1
        if simulated == item.intent:
            agreed += 1
        else:
            disagreements.append((item, simulated))
    per_intent = Counter(item.intent for item in heard)
    return HistoryReport(per_intent, per_locale, compared, agreed, disagreements)
