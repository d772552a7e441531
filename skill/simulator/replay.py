"""ASK CLI `ask dialog` replay files, and the simulator's dot-commands that they may hold."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LOCALE = "en-US"
COMMANDS = (".new", ".accept", ".deny", ".json", ".record FILE", ".quit")


class ReplayError(ValueError):
    """A replay file that cannot be run."""


@dataclass(frozen=True, slots=True)
class Replay:
    """An ASK CLI `ask dialog` replay file."""

    skill_id: str
    locale: str
    lines: list[str]

    @classmethod
    def load(cls, path: Path) -> Replay:
        """Read and check a replay file, explaining what is wrong with a malformed one."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ReplayError(f"cannot read it: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise ReplayError(f"not valid JSON: {exc}") from None
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Replay:
        """Check a replay file's text, explaining what is wrong with a malformed one."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ReplayError(f"not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ReplayError("expected a JSON object with skillId, locale, type and userInput")
        missing = [key for key in ("skillId", "locale", "type", "userInput") if key not in data]
        if missing:
            raise ReplayError(f"missing {', '.join(missing)}")
        for key in ("skillId", "locale"):
            if not isinstance(data[key], str) or not data[key].strip():
                raise ReplayError(f"{key} must be a non-empty string")
        if data["type"] != "text":
            raise ReplayError(f'type must be "text", not {data["type"]!r}')
        lines = data["userInput"]
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            raise ReplayError("userInput must be a list of strings")
        for index, line in enumerate(lines):
            problem = line.strip().startswith(".") and command_error(line.strip())
            if problem:
                raise ReplayError(f"userInput[{index}]: {problem}")
        return cls(data["skillId"], data["locale"], lines)

    def dump(self) -> str:
        """The file's text, in the ASK CLI's own layout."""
        data = {
            "skillId": self.skill_id,
            "locale": self.locale,
            "type": "text",
            "userInput": self.lines,
        }
        return json.dumps(data, indent=2) + "\n"


def command_error(line: str) -> str | None:
    """Why a dot-command line is not a valid command, or None if it is."""
    name, _, argument = line.partition(" ")
    if name not in {command.split()[0] for command in COMMANDS}:
        return f"unknown command {name!r}; the commands are {', '.join(COMMANDS)}"
    if name == ".record" and not argument.strip():
        return "usage: .record FILE"
    return None
