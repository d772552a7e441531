"""The clip manifest (`audio/manifest.json`): what each clip says, who made it, how long it is.

Standard library only: the Lambda package reads this file at run time.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

FORMAT = 1
ENGINES = ("gtts", "offline")
_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def text_sha256(text: str) -> str:
    """The hash that ties a clip to the exact words it speaks."""
    import hashlib  # on first use: hashing is a request's work, not the cold import's

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_name(clip_id: str) -> str:
    """A URL- and file-safe name for a clip id: `cause.COLD.summary` -> `cause-cold-summary.mp3`."""
    stem = _UNSAFE.sub("-", clip_id.lower()).strip("-")
    if not stem:
        raise ValueError(f"clip id {clip_id!r} has no usable characters")
    return f"{stem}.mp3"


@dataclass(frozen=True, slots=True)
class Entry:
    """One rendered clip."""

    file: str
    text_sha256: str
    engine: str
    duration: float
    bytes: int


@dataclass(slots=True)
class Manifest:
    """Clips by locale, then by clip id."""

    clips: dict[str, dict[str, Entry]]

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a manifest; a missing file is empty, a malformed one raises ValueError."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(clips={})
        try:
            if raw["format"] != FORMAT:
                raise ValueError(f"unknown format {raw['format']!r}")
            return cls(
                clips={
                    locale: {clip_id: Entry(**entry) for clip_id, entry in entries.items()}
                    for locale, entries in raw["clips"].items()
                }
            )
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise ValueError(f"{path}: malformed manifest ({e!r})") from None

    def save(self, path: Path) -> None:
        """Write the manifest atomically, sorted so diffs stay small."""
        data = {
            "format": FORMAT,
            "clips": {
                locale: {clip_id: asdict(e) for clip_id, e in sorted(entries.items())}
                for locale, entries in sorted(self.clips.items())
                if entries
            },
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)

    def locale(self, locale: str) -> dict[str, Entry]:
        """The (mutable) clips of one locale."""
        return self.clips.setdefault(locale, {})
