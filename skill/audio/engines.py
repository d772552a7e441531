"""Text-to-speech engines writing Alexa-ready MP3 clips: gTTS (online), espeak-ng (offline)."""

from __future__ import annotations

import io
import logging
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from skill.audio import mp3
from skill.audio.manifest import Entry, text_sha256
from skill.ssml import digits_apart

log = logging.getLogger(__name__)

# Google Translate's accent for a locale: gTTS language and top-level domain.
GTTS_ACCENTS = {"en-US": ("en", "com"), "en-GB": ("en", "co.uk"), "en-AU": ("en", "com.au")}
GTTS_ACCENTS |= {"en-IN": ("en", "co.in"), "en-CA": ("en", "ca"), "es-US": ("es", "us")}
GTTS_ACCENTS |= {"es-MX": ("es", "com.mx"), "es-ES": ("es", "es")}
# espeak-ng's nearest voice: it has no Canadian, Australian or Indian English, so those take the
# American or British voice their spelling follows; Latin American Spanish is es-419.
ESPEAK_VOICES = {"en-US": "en-us", "en-CA": "en-us", "en-GB": "en-gb", "en-AU": "en-gb"}
ESPEAK_VOICES |= {"en-IN": "en-gb", "es-US": "es-419", "es-MX": "es-419", "es-ES": "es"}


class EngineError(RuntimeError):
    """An engine could not speak a text; the caller falls back to the next engine."""


class Engine(Protocol):
    """Writes one Alexa-ready MP3 for a text."""

    name: str
    down: bool

    def render(self, text: str, locale: str, dest: Path) -> None:
        """Speak `text` in `locale` into the MP3 file `dest`, or raise EngineError."""


@dataclass
class OfflineEngine:
    """espeak-ng (Debian package) to WAV, then LAME to Alexa's format. Needs no network."""

    name: str = "offline"
    words_per_minute: int = 160
    down: bool = False

    def render(self, text: str, locale: str, dest: Path) -> None:
        """Speak `text` with the espeak-ng voice for `locale`."""
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "speech.wav"
            voice = ESPEAK_VOICES.get(locale, locale.lower())
            cmd = ["espeak-ng", "-v", voice, "-s", str(self.words_per_minute)]
            try:
                subprocess.run(
                    [*cmd, "-w", str(wav), "--stdin"],
                    input=text.encode("utf-8"),
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
                mp3.encode(wav, dest)
            except FileNotFoundError as e:
                raise EngineError("espeak-ng is not installed (Debian package 'espeak-ng')") from e
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
                raise EngineError(f"espeak-ng failed: {e}") from e
            except mp3.EncodeError as e:
                raise EngineError(str(e)) from e


@dataclass
class GttsEngine:
    """Google Translate's voice through gTTS, retried with backoff, then re-encoded for Alexa.

    After one text exhausts its retries the engine marks itself `down` for the rest of the run,
    so a build without a route to Google falls back at once for the remaining clips.
    """

    name: str = "gtts"
    attempts: int = 3
    backoff: float = 0.5
    timeout: float = 10.0
    sleep: Callable[[float], None] = time.sleep
    down: bool = False

    def render(self, text: str, locale: str, dest: Path) -> None:
        """Fetch speech from gTTS and re-encode it; raise EngineError after the last retry."""
        audio = self._fetch(text, locale)
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "gtts.mp3"
            raw.write_bytes(audio)
            try:
                mp3.encode(raw, dest, mp3_input=True)
            except mp3.EncodeError as e:
                raise EngineError(f"gTTS answer is not usable MP3: {e}") from e

    def _fetch(self, text: str, locale: str) -> bytes:
        from gtts import gTTS, gTTSError  # build-time only: never imported on Lambda

        lang, tld = GTTS_ACCENTS.get(locale, (locale.split("-")[0], "com"))
        attempt = 0
        while True:
            attempt += 1
            buf = io.BytesIO()
            try:
                speech = gTTS(text, lang=lang, tld=tld, lang_check=False, timeout=self.timeout)
                speech.write_to_fp(buf)
            except gTTSError as e:
                log.info("gTTS attempt %d/%d failed: %s", attempt, self.attempts, e)
                if attempt >= self.attempts:
                    self.down = True
                    raise EngineError(f"gTTS failed after {attempt} attempts: {e}") from e
                self.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            if not buf.getvalue():
                raise EngineError("gTTS returned no audio")
            return buf.getvalue()


def chain(mode: str) -> list[Engine]:
    """Engines to try in order for a build mode: `auto` (gTTS, then offline), `gtts`, `offline`."""
    engines: dict[str, list[Engine]] = {
        "auto": [GttsEngine(), OfflineEngine()],
        "gtts": [GttsEngine()],
        "offline": [OfflineEngine()],
    }
    try:
        return engines[mode]
    except KeyError:
        raise ValueError(f"unknown engine {mode!r}; use auto, gtts or offline") from None


def render_clip(engines: Sequence[Engine], text: str, locale: str, path: Path) -> Entry | None:
    """Try each engine that is not down; the first clip that passes Alexa's rules wins."""
    tmp = path.with_suffix(".tmp.mp3")
    for engine in engines:
        if engine.down:
            continue
        try:
            engine.render(digits_apart(text), locale, tmp)
        except EngineError as e:
            log.warning("%s: %s failed: %s", path.name, engine.name, e)
            continue
        found = mp3.problems(tmp)
        if found:
            log.warning("%s clip rejected: %s", engine.name, "; ".join(found))
            continue
        duration = mp3.inspect(tmp).duration
        tmp.replace(path)
        return Entry(path.name, text_sha256(text), engine.name, duration, path.stat().st_size)
    tmp.unlink(missing_ok=True)
    return None
