"""Verify committed clips: each spoken text has a fresh, Alexa-conformant clip on disk."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from skill.audio import mp3
from skill.audio.manifest import Manifest, file_name, text_sha256

DURATION_TOLERANCE = 0.05


def check(texts: Iterable[tuple[str, str]], locale: str, out: Path) -> list[str]:
    """Every problem with one locale's clips: missing, stale, damaged, non-conformant, extra."""
    entries = Manifest.load(out / "manifest.json").clips.get(locale, {})
    wanted = dict(texts)
    found = [
        f"{locale}/{c}: in the manifest but no longer spoken" for c in entries if c not in wanted
    ]
    for clip_id, text in wanted.items():
        entry = entries.get(clip_id)
        where = f"{locale}/{clip_id}"
        if entry is None:
            found.append(f"{where}: missing from the manifest")
            continue
        if entry.text_sha256 != text_sha256(text):
            found.append(f"{where}: stale, the text changed since the clip was made")
        path = out / locale / entry.file
        if entry.file != file_name(clip_id) or not path.is_file():
            found.append(f"{where}: file {locale}/{entry.file} is missing")
            continue
        if path.stat().st_size != entry.bytes:
            found.append(f"{where}: {path.stat().st_size} bytes, manifest says {entry.bytes}")
        problems = mp3.problems(path)
        found += [f"{locale}/{p}" for p in problems]
        if not problems and abs(mp3.inspect(path).duration - entry.duration) > DURATION_TOLERANCE:
            found.append(f"{where}: duration differs from the manifest's {entry.duration} s")
    return found
