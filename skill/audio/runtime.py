"""Run-time clip lookup for responses: which words may go out as a hosted `<audio>` clip.

Standard library only, and it reads nothing but `audio/manifest.json`: on Lambda the package
carries the manifest, while the MP3 files are hosted at `AUDIO_BASE_URL`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from skill.audio.manifest import AUDIO_DIR, Manifest, text_sha256
from skill.ssml import Clip, ClipLookup

log = logging.getLogger(__name__)
DEFAULT_ENGINES = "gtts"


def base_url(environ: Mapping[str, str]) -> str | None:
    """`AUDIO_BASE_URL` without a trailing slash, if it is an https URL with a host."""
    url = environ.get("AUDIO_BASE_URL", "").strip().rstrip("/")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        log.warning("AUDIO_BASE_URL ignored: Alexa plays audio only from a plain https URL")
        return None
    return url


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


def clip_lookup(locale: str, environ: Mapping[str, str] | None = None) -> ClipLookup | None:
    """A text -> hosted clip lookup for `locale`, or None when audio is not configured."""
    environ = os.environ if environ is None else environ
    url = base_url(environ)
    if url is None:
        return None
    # A str path, not a Path: building and hashing a Path on every request cost more than the rest.
    path = os.path.join(environ.get("AUDIO_DIR") or AUDIO_DIR, "manifest.json")
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError:
        return None
    engines = frozenset(
        e.strip() for e in environ.get("AUDIO_ENGINES", DEFAULT_ENGINES).split(",") if e.strip()
    )
    clips = _index(path, mtime_ns, locale, engines)

    def lookup(text: str) -> Clip | None:
        clip = clips.get(text_sha256(text))
        return clip and Clip(f"{url}/{clip.src}", clip.seconds)

    return lookup
