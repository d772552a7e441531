"""Render every fixed spoken text into a clip, incrementally, and keep the manifest in step."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from skill.audio.engines import Engine, render_clip
from skill.audio.manifest import ENGINES, Entry, Manifest, file_name, text_sha256
from skill.content import load_content


def content_texts(locale: str) -> list[tuple[str, str]]:
    """Every (clip id, text) the skill speaks in `locale`, from its content file."""
    content = load_content(locale)
    if content.locale != locale:
        raise ValueError(f"no content for locale {locale!r}")
    return list(content.spoken_texts())


@dataclass
class Summary:
    """What one build of one locale did."""

    locale: str
    clips: int = 0
    unchanged: int = 0
    rendered: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)
    removed: int = 0
    seconds: float = 0.0
    bytes: int = 0
    elapsed: float = 0.0

    def line(self) -> str:
        """The one-line summary printed at the end of a build."""
        made = ", ".join(f"{n} {e}" for e, n in sorted(self.rendered.items())) or "none"
        return (
            f"{self.locale}: {self.clips} clips, {self.unchanged} unchanged, rendered {made}, "
            f"{len(self.missing)} without audio, {self.removed} removed; "
            f"{self.seconds:.1f} s of audio, {self.bytes / 1024:.0f} KiB, "
            f"built in {self.elapsed:.1f} s"
        )


def _better(engines: Sequence[Engine], entry: Entry) -> list[Engine]:
    """Engines that outrank the one that made a fresh clip (a fallback clip is retried)."""
    rank = ENGINES.index(entry.engine) if entry.engine in ENGINES else len(ENGINES)
    return [e for e in engines if ENGINES.index(e.name) < rank]


def build(
    texts: Iterable[tuple[str, str]], locale: str, out: Path, engines: Sequence[Engine]
) -> Summary:
    """Render clips for `texts` into `out/<locale>/`, skipping fresh ones, and prune the rest."""
    started = time.perf_counter()
    manifest_path = out / "manifest.json"
    manifest = Manifest.load(manifest_path)
    entries = manifest.locale(locale)
    folder = out / locale
    folder.mkdir(parents=True, exist_ok=True)
    wanted = dict(texts)
    names = Counter(file_name(clip_id) for clip_id in wanted)
    if clashes := sorted(n for n, count in names.items() if count > 1):
        raise ValueError(f"clip ids share a file name: {clashes}")
    summary = Summary(locale=locale, clips=len(wanted))
    bar = tqdm(wanted.items(), unit="clip", desc=locale, disable=not sys.stderr.isatty())
    for clip_id, text in bar:
        path = folder / file_name(clip_id)
        entry = entries.get(clip_id)
        fresh = (
            entry is not None
            and entry.text_sha256 == text_sha256(text)
            and path.is_file()
            and path.stat().st_size == entry.bytes
        )
        chosen = _better(engines, entry) if fresh and entry is not None else engines
        made = render_clip(chosen, text, locale, path)
        if made is not None:
            entries[clip_id] = made
            summary.rendered[made.engine] += 1
            manifest.save(manifest_path)
        elif fresh:
            summary.unchanged += 1
        else:
            summary.missing.append(clip_id)
            if entries.pop(clip_id, None) is not None:
                path.unlink(missing_ok=True)
                manifest.save(manifest_path)
    summary.removed = _prune(entries, wanted, folder)
    manifest.save(manifest_path)
    kept = [entries[c] for c in wanted if c in entries]
    summary.seconds = sum(e.duration for e in kept)
    summary.bytes = sum(e.bytes for e in kept)
    summary.elapsed = time.perf_counter() - started
    return summary


def _prune(entries: dict[str, Entry], wanted: dict[str, str], folder: Path) -> int:
    """Drop clips whose id is no longer spoken, and stray files; return how many went."""
    removed = 0
    for clip_id in [c for c in entries if c not in wanted]:
        (folder / entries.pop(clip_id).file).unlink(missing_ok=True)
        removed += 1
    known = {e.file for e in entries.values()}
    for stray in folder.glob("*.mp3"):
        if stray.name not in known:
            stray.unlink()
            removed += 1
    return removed
