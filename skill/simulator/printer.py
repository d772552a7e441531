"""How the terminal simulator shows a turn: wrapped text for people, one JSON line for programs."""

from __future__ import annotations

import json
import textwrap
from typing import Any, TextIO

from skill.simulator.session import Exchange, Turn

PROMPT = "you: "


class Printer:
    """Shows turns to a person (text) or to a program (one JSON object per line)."""

    def __init__(self, out: TextIO, err: TextIO, *, as_json: bool, echo: bool) -> None:
        self.out, self.err, self.as_json, self.echo = out, err, as_json, echo
        self.raw = False

    @property
    def info(self) -> TextIO:
        """Where notes and raw envelopes go: stdout for people, stderr beside JSON output."""
        return self.err if self.as_json else self.out

    def note(self, message: str) -> None:
        """A short note for a person (silent in JSON mode)."""
        if not self.as_json:
            print(f"({message})", file=self.out, flush=True)

    def error(self, message: str) -> None:
        """A problem, always on stderr."""
        print(f"error: {message}", file=self.err, flush=True)

    def turn(self, turn: Turn) -> None:
        """One typed line's result."""
        if turn.closed is not None:
            self.exchange(turn.closed)
        self.exchange(turn.exchange)
        if self.as_json:
            print(json.dumps(turn.summary(), ensure_ascii=False), file=self.out, flush=True)
            return
        lines = [f"{PROMPT}{turn.utterance}"] if self.echo else []
        if turn.closed is not None:
            lines.append(_row("", "(the open session was ended first)"))
        heard = turn.intent or turn.request_type
        lines.append(_row("heard", heard + (" (new session)" if _is_new(turn) else "")))
        for name, slot in turn.slots.items():
            resolved = f" -> {slot['id'] or 'no match'}" if _resolves(turn, name) else ""
            lines.append(_row("slot", f'{name} = "{slot["value"]}"{resolved}'))
        for directive in turn.directives:
            shown = " ".join(str(v) for v in directive.values())
            if directive["type"] == "Connections.SendRequest":
                shown += " (Alexa asks for the permission: answer with .accept or .deny)"
            lines.append(_row("sends", shown))
        lines.append(_row("speech", turn.speech or "(silence)"))
        if turn.reprompt:
            lines.append(_row("reprompt", turn.reprompt))
        if turn.card:
            lines.append(_row("card", f"[{turn.card['title']}]\n{turn.card['text']}"))
        for directive in turn.directives:
            lines.append(_row("screen", _screen_line(directive)))
        if turn.reminders_changed:
            set_ = [f"{r['time']} ({r['recurrence']}): {r['text']}" for r in turn.reminders]
            lines.append(_row("reminder", "\n".join(set_) or "none"))
        if any(d["type"] == "Connections.SendRequest" for d in turn.directives):
            lines.append(_row("session", "paused: Alexa asks, and resumes it with the answer"))
        else:
            lines.append(_row("session", "ended" if turn.end_session else "open, listening"))
        print("\n".join(lines) + "\n", file=self.out, flush=True)

    def exchange(self, exchange: Exchange) -> None:
        """The raw request and response envelopes, when `.json` has switched them on."""
        if self.raw:
            for label, envelope in (("request", exchange.request), ("response", exchange.response)):
                print(f"{label}: {json.dumps(envelope, indent=2)}", file=self.info, flush=True)


def _screen_line(directive: dict[str, Any]) -> str:
    """A directive in a line: what a RenderDocument shows, else its type."""
    properties = (directive.get("datasources") or {}).get("screen", {}).get("properties") or {}
    shown = properties.get("headline") or properties.get("lead")
    place = properties.get("place")
    words = " · ".join(str(w) for w in (shown, place) if w)
    return f"{directive.get('type')}" + (f": {words}" if words else "")


def _resolves(turn: Turn, name: str) -> bool:
    """Whether a slot went through entity resolution (custom types; AMAZON.TIME does not)."""
    slots = turn.exchange.request["request"].get("intent", {}).get("slots", {})
    return "resolutions" in slots.get(name, {})


def _is_new(turn: Turn) -> bool:
    return bool(turn.exchange.request.get("session", {}).get("new"))


def _row(label: str, text: str) -> str:
    """A labelled, wrapped block of text."""
    indent = " " * 11
    paragraphs = [p for p in text.split("\n") if p.strip()] or [""]
    wrapped = [
        textwrap.fill(p, 100, initial_indent=indent, subsequent_indent=indent) for p in paragraphs
    ]
    first = wrapped[0]
    return f"  {label:<8} {first[len(indent) :]}" + "".join(f"\n{w}" for w in wrapped[1:])
