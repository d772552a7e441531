"""What the skill remembers about a user between sessions, read defensively, and how it changes.

A record holds the first and last visit dates, the visit count, when a walk through the tips
was left unfinished the last tip heard, and the date the nightly reminder was first offered
(issue 19: offered once, so a no is final). Nothing else: no utterances, no health details, no
device ids, nothing about the reminder itself. Storage trouble never breaks an answer: the user
is treated as new and a warning is logged, naming the failure but never an id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput

from skill.content import TIP_IDS
from skill.persistence import CorruptRecord
from skill.state import Question, State

log = logging.getLogger(__name__)
VISIT_KEY = "visit"
_FIELDS = frozenset({"first_visit", "last_visit", "visits", "tip", "reminder_offered"})
OFFERED_KEY = "reminder_offered"  # session attribute: the offer was made, now or before


@dataclass(frozen=True, slots=True)
class Visitor:
    """One user's record."""

    first_visit: date
    last_visit: date
    visits: int
    tip: str | None = None
    reminder_offered: date | None = None

    @classmethod
    def first(cls, today: date) -> Visitor:
        """A user seen for the first time today."""
        return cls(first_visit=today, last_visit=today, visits=1)

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Visitor:
        """A stored record, checked field by field; anything unexpected raises CorruptRecord."""
        if not isinstance(data, Mapping) or set(data) - _FIELDS:
            raise CorruptRecord("unexpected fields")
        try:
            first = date.fromisoformat(data["first_visit"])
            last = date.fromisoformat(data["last_visit"])
        except (KeyError, TypeError, ValueError):
            raise CorruptRecord("bad dates") from None
        visits = data.get("visits")
        if isinstance(visits, Decimal) and visits == int(visits):  # DynamoDB numbers
            visits = int(visits)
        if type(visits) is not int or visits < 1 or first > last:
            raise CorruptRecord("bad count or order")
        tip = data.get("tip")
        if tip is not None and tip not in TIP_IDS[:-1]:
            raise CorruptRecord("bad tip")
        offered = data.get("reminder_offered")
        try:
            offered = date.fromisoformat(offered) if offered is not None else None
        except (TypeError, ValueError):
            raise CorruptRecord("bad offer date") from None
        return cls(
            first_visit=first, last_visit=last, visits=visits, tip=tip, reminder_offered=offered
        )

    def to_attributes(self) -> dict[str, Any]:
        """The record as stored."""
        data: dict[str, Any] = {
            "first_visit": self.first_visit.isoformat(),
            "last_visit": self.last_visit.isoformat(),
            "visits": self.visits,
        }
        if self.tip is not None:
            data["tip"] = self.tip
        if self.reminder_offered is not None:
            data["reminder_offered"] = self.reminder_offered.isoformat()
        return data

    def visited(self, today: date) -> Visitor:
        """The record after one more visit today."""
        return replace(self, last_visit=max(today, self.last_visit), visits=self.visits + 1)

    @property
    def tip_index(self) -> int | None:
        """Where the unfinished walk stopped, as an index into the tips."""
        return TIP_IDS.index(self.tip) if self.tip is not None else None


@dataclass(slots=True)
class Visit:
    """This request's dealings with the store, kept in the request attributes."""

    before: State
    returning: Visitor | None = None
    record: Visitor | None = None
    failed: bool = False
    offered_reminder: bool = False  # this turn offered the nightly reminder


_KEEP = object()


def walk_position(before: State, after: State) -> Any:
    """The tip to remember after a turn: a tip id, None to forget, or _KEEP for no change.

    A tip spoken in a walk is remembered, unless it was the last one (the walk is finished).
    An offer to carry on that was not taken forgets the position.
    """
    index = after.tip_index
    if index is not None and index != before.tip_index:  # moved
        return None if index == len(TIP_IDS) - 1 else TIP_IDS[index]
    if before.question is Question.RESUME:
        return None
    return _KEEP


def _today(handler_input: HandlerInput) -> date:
    """The request's date in UTC (Alexa's timestamp), or today's."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return (stamp.astimezone(UTC) if stamp.tzinfo else stamp).date()
    return datetime.now(UTC).date()


def _describe(exc: BaseException) -> str:
    """The failure's kind and, for AWS errors, its code: never a message that could hold ids."""
    names: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(names) < 4:
        response = getattr(seen, "response", None)
        code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
        names.append(f"{type(seen).__name__}({code})" if code else type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    return " <- ".join(names)


def _read(handler_input: HandlerInput, visit: Visit) -> Visitor | None:
    """The stored record, or None for a new user; a failure marks the visit failed."""
    manager = handler_input.attributes_manager
    try:
        data = manager.persistent_attributes
        return Visitor.parse(data) if data else None
    except CorruptRecord as exc:
        log.warning("stored visit record is corrupted (%s); answering as for a new user", exc)
        return None
    except Exception as exc:
        log.warning("visit store unreadable (%s); answering as for a new user", _describe(exc))
        visit.failed = True
        return None


def _write(handler_input: HandlerInput, record: Visitor) -> None:
    """Store the record; a failure is logged and the answer goes out anyway."""
    manager = handler_input.attributes_manager
    try:
        manager.persistent_attributes = record.to_attributes()
        manager.save_persistent_attributes()
    except Exception as exc:
        log.warning("visit store unwritable (%s); the visit is not remembered", _describe(exc))


def begin(handler_input: HandlerInput) -> None:
    """On a request in a session: note the state, and on a new session count the visit."""
    envelope = handler_input.request_envelope
    if envelope.session is None:
        return
    manager = handler_input.attributes_manager
    visit = Visit(before=State.load(manager.session_attributes or {}))
    if envelope.session.new:
        visit.returning = _read(handler_input, visit)
        today = _today(handler_input)
        visit.record = visit.returning.visited(today) if visit.returning else Visitor.first(today)
        offered = visit.returning is not None and visit.returning.reminder_offered is not None
        if offered and manager.session_attributes is not None:
            manager.session_attributes[OFFERED_KEY] = True  # the offer is made once per person
    manager.request_attributes[VISIT_KEY] = visit


def finish(handler_input: HandlerInput) -> None:
    """After the answer: store a new visit, or a tip walk that moved, in one write."""
    visit = handler_input.attributes_manager.request_attributes.get(VISIT_KEY)
    if not isinstance(visit, Visit) or visit.failed:
        return
    after = State.load(handler_input.attributes_manager.session_attributes or {})
    tip = walk_position(visit.before, after)
    offered = visit.offered_reminder
    record = visit.record
    if record is None:  # mid-session: only a moved walk or a new offer is worth a round trip
        if tip is _KEEP and not offered:
            return
        stored = _read(handler_input, visit)
        if _read_failed(visit):
            return
        record = stored or Visitor.first(_today(handler_input))
        same_tip = tip is _KEEP or record.tip == tip
        if same_tip and (not offered or record.reminder_offered is not None):
            return
    if tip is not _KEEP:
        record = replace(record, tip=tip)
    if offered and record.reminder_offered is None:
        record = replace(record, reminder_offered=_today(handler_input))
    _write(handler_input, record)


def _read_failed(visit: Visit) -> bool:
    """Whether the store failed on this visit, as `_read` last left it."""
    return visit.failed


def returning_visitor(handler_input: HandlerInput) -> Visitor | None:
    """The stored record as it was before this session, for a returning user; else None."""
    visit = handler_input.attributes_manager.request_attributes.get(VISIT_KEY)
    return visit.returning if isinstance(visit, Visit) else None


def note_reminder_offer(handler_input: HandlerInput) -> None:
    """This turn offers the nightly reminder: the session and, with a store, the record say so."""
    attributes = handler_input.attributes_manager.session_attributes
    if attributes is not None:
        attributes[OFFERED_KEY] = True
    visit = handler_input.attributes_manager.request_attributes.get(VISIT_KEY)
    if isinstance(visit, Visit):
        visit.offered_reminder = True


def reminder_offered(handler_input: HandlerInput) -> bool:
    """Whether this person has been offered the reminder (this session, or on a stored visit)."""
    attributes = handler_input.attributes_manager.session_attributes or {}
    return attributes.get(OFFERED_KEY) is True


def forget(handler_input: HandlerInput) -> None:
    """Delete the user's record; without a store there is nothing to delete."""
    try:
        handler_input.attributes_manager.delete_persistent_attributes()
    except AttributesManagerException:
        return
    except Exception as exc:
        log.warning("visit record not deleted (%s)", _describe(exc))
