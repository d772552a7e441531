"""Run-time clip lookup for responses: which words may go out as a hosted `<audio>` clip.

Standard library only, and it reads nothing but `audio/manifest.json`: on Lambda the package
carries the manifest, while the MP3 files are hosted at the audio settings' `base_url`
(`AUDIO_BASE_URL`, skill/settings.py).
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

from skill.audio.manifest import Manifest, text_sha256
from skill.settings import AudioSettings
from skill.ssml import Clip, ClipLookup

log = logging.getLogger(__name__)


@cache
def _manifest_path(audio: AudioSettings) -> str:
    """The manifest's path, found once per settings. A str, not a Path: building and hashing a
    Path on every request cost more than the rest."""
    return os.path.join(audio.directory, "manifest.json")


@cache
def _index(path: str, mtime_ns: int, locale: str, engines: frozenset[str]) -> dict[str, Clip]:
    """Clips of one locale by the sha256 of their text, limited to the allowed engines."""
    del mtime_ns  # part of the cache key only: a rebuilt manifest is read again
    try:
        manifest = Manifest.load(Path(path))
    except (OSError, ValueError) as e:
        log.warning("audio manifest unreadable, speaking text instead: %s", e)
        return {}
    return {
        entry.text_sha256: Clip(f"{locale}/{entry.file}", entry.duration)
        for entry in manifest.clips.get(locale, {}).values()
        if entry.engine in engines
    }


def clip_lookup(locale: str, audio: AudioSettings) -> ClipLookup | None:
    """A text -> hosted clip lookup for `locale`, or None when audio is not configured."""
    url = audio.base_url
    if url is None:
        return None
    path = _manifest_path(audio)
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError:
        return None
    clips = _index(path, mtime_ns, locale, audio.engines)

    def lookup(text: str) -> Clip | None:
        clip = clips.get(text_sha256(text))
        return clip and Clip(f"{url}/{clip.src}", clip.seconds)

    return lookup
