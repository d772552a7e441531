"""Audio for clients without a voice (the simulator): a response's speech as one MP3, and playback.

Each paragraph of the speech uses its committed clip when the clip is fresh (any engine will
do here), a hosted `<audio>` clip by its file, and otherwise the engine chain renders it; each
`<break>` becomes that much silence, so a guided stretch keeps its timing.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mutagen.mp3 import MP3

from skill.audio import mp3
from skill.audio.engines import Engine, chain, render_clip
from skill.audio.manifest import Manifest, text_sha256
from skill.content import resolve_locale
from skill.ssml import to_plain_text

_PART = re.compile(r'<p>(.*?)</p>|<break time="(\d+)ms"/>', re.S)
_AUDIO_SRC = re.compile(r'<audio\s+src="([^"]+)"\s*/>')
PLAYERS = (
    ("mpg123", "-q"),
    ("ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"),
    ("mpv", "--no-video", "--really-quiet"),
    ("cvlc", "--play-and-exit", "--quiet"),
    ("paplay",),
)


def segments(ssml: str) -> list[str | float]:
    """The speech's paragraphs, each as plain words or an `<audio>` tag kept whole, and its
    pauses in seconds."""
    parts: list[str | float] = []
    for paragraph, pause in _PART.findall(ssml) or [(ssml, "")]:
        if pause:
            parts.append(int(pause) / 1000)
            continue
        tag = _AUDIO_SRC.search(paragraph)
        parts.append(tag.group(0) if tag else to_plain_text(paragraph))
    return [p for p in parts if p]


class Speaker:
    """Turns response speech into MP3 files for one locale, reusing committed clips."""

    def __init__(
        self,
        locale: str,
        audio_dir: Path | None = None,
        engines: Sequence[Engine] | None = None,
    ) -> None:
        """Read the manifest of `audio_dir` (default: the shipped clips) once; the engine chain
        (default gTTS, then offline) is kept."""
        if audio_dir is None:
            from skill import data

            audio_dir = data.audio_dir()
        self.locale = locale
        self.folder = audio_dir / locale
        manifest = Manifest.load(audio_dir / "manifest.json")
        self.clips = {e.text_sha256: e.file for e in manifest.clips.get(locale, {}).values()}
        self.engines = list(engines) if engines is not None else chain("auto")

    def committed(self, segment: str) -> Path | None:
        """A segment's hosted or committed clip in the audio folder, if there is one."""
        tag = _AUDIO_SRC.fullmatch(segment)
        if tag:
            path = self.folder / html.unescape(tag.group(1)).rsplit("/", 1)[-1]
            return path if path.is_file() else None
        name = self.clips.get(text_sha256(segment))
        return self.folder / name if name and (self.folder / name).is_file() else None

    def clip_for(self, segment: str, scratch: Path) -> Path | None:
        """One segment as MP3: hosted or committed clip, else rendered to `scratch`, else None."""
        found = self.committed(segment)
        if found is not None or _AUDIO_SRC.fullmatch(segment):
            return found
        return scratch if render_clip(self.engines, segment, self.locale, scratch) else None

    def save(self, ssml: str, dest: Path) -> Path | None:
        """Write the speech as one MP3 at `dest`; None when no part of it could be voiced."""
        with tempfile.TemporaryDirectory() as tmp:
            parts = [
                s if isinstance(s, float) else self.clip_for(s, Path(tmp) / f"part-{i}.mp3")
                for i, s in enumerate(segments(ssml))
            ]
            if not any(isinstance(p, Path) for p in parts):
                return None
            dest.parent.mkdir(parents=True, exist_ok=True)
            with dest.open("wb") as out:
                for part in parts:
                    if isinstance(part, float):
                        out.write(mp3.silence(part))
                    elif part is not None:
                        out.write(_frames(part))
        return dest


class SaveAudio:
    """The simulator's `--save-audio DIR`: each answer as `turn-NNN.mp3`, played if possible."""

    def __init__(
        self,
        folder: Path,
        locale: str,
        *,
        speaker: Speaker | None = None,
        audio_dir: Path | None = None,
    ) -> None:
        """Answers go to `folder`, voiced for the locale the skill answers in, with the clips of
        `audio_dir` (default: the shipped ones)."""
        self.folder = folder
        self.speaker = speaker or Speaker(resolve_locale(locale), audio_dir)
        self.turns = 0

    def __call__(self, ssml: str) -> Path | None:
        """Save (and play) one answer's speech; None when nothing could be voiced."""
        self.turns += 1
        path = self.speaker.save(ssml, self.folder / f"turn-{self.turns:03d}.mp3")
        if path is not None:
            play(path)
        return path


def _frames(path: Path) -> bytes:
    """The MPEG frames of a file, without tags in front, so files join into one stream."""
    return path.read_bytes()[MP3(path).info.frame_offset :]


def play(path: Path) -> bool:
    """Play an MP3 with the first player found on PATH; False when there is none or it fails."""
    for name, *args in PLAYERS:
        exe = shutil.which(name)
        if exe is None:
            continue
        try:
            done = subprocess.run([exe, *args, str(path)], capture_output=True, timeout=600)
        except subprocess.TimeoutExpired:
            return False
        return done.returncode == 0
    return False
