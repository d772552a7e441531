"""Alexa's MP3 format: encode to it with LAME, and verify files against it with mutagen."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from mutagen.mp3 import MP3, HeaderNotFoundError, MPEGFrame

BITRATE = 48_000
SAMPLE_RATE = 24_000
ALLOWED_RATES = (24_000, 22_050, 16_000)
MAX_SECONDS = 240.0
ID3V1_SIZE = 128  # a trailing ID3v1 tag is allowed
FRAME_SAMPLES = 576  # per MPEG-2 Layer III frame
# One frame of silence in that format: header (MPEG-2 Layer III, 48 kbps, 24 kHz, mono), then
# side information and main data all zero, which decodes to nothing.
_SILENT_FRAME = bytes.fromhex("fff364c4").ljust(72 * BITRATE // SAMPLE_RATE, b"\0")


class EncodeError(RuntimeError):
    """LAME is missing or could not encode the input."""


def encode(source: Path, dest: Path, *, mp3_input: bool = False) -> None:
    """Re-encode a WAV (or, with `mp3_input`, an MP3) to mono 48 kbps CBR MPEG-2 Layer III."""
    cmd = ["lame", "--quiet", "-m", "m", "--cbr", "-b", str(BITRATE // 1000)]
    cmd += ["--resample", str(SAMPLE_RATE / 1000).removesuffix(".0")]
    if mp3_input:
        cmd.append("--mp3input")
    try:
        subprocess.run([*cmd, str(source), str(dest)], check=True, capture_output=True, timeout=120)
    except FileNotFoundError as e:
        raise EncodeError("lame is not installed (Debian package 'lame')") from e
    except subprocess.CalledProcessError as e:
        raise EncodeError(f"lame failed: {e.stderr.decode(errors='replace').strip()}") from e


def silence(seconds: float) -> bytes:
    """MPEG frames of silence lasting `seconds` (to the frame), ready to join between clips."""
    return _SILENT_FRAME * max(0, round(seconds * SAMPLE_RATE / FRAME_SAMPLES))


@dataclass(frozen=True, slots=True)
class Facts:
    """What a parser reads from an MP3 file."""

    version: float
    layer: int
    sample_rate: int
    bitrates: frozenset[int]
    frames: int
    unparsed: int
    duration: float


def inspect(path: Path) -> Facts:
    """Parse the stream info, then walk every frame header; no MPEG frames raises ValueError."""
    try:
        info = MP3(path).info
    except (HeaderNotFoundError, OSError) as e:
        raise ValueError(f"{path.name}: not an MP3 ({e})") from e
    bitrates: set[int] = set()
    frames = 0
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(info.frame_offset)
        while f.tell() < size:
            try:
                frame = MPEGFrame(f)
            except HeaderNotFoundError:
                break
            frames += 1
            bitrates.add(frame.bitrate)
        unparsed = size - f.tell()
    samples_per_frame = 576 if info.version >= 2 else 1152
    return Facts(
        version=info.version,
        layer=info.layer,
        sample_rate=info.sample_rate,
        bitrates=frozenset(bitrates),
        frames=frames,
        unparsed=unparsed,
        duration=round(frames * samples_per_frame / info.sample_rate, 3),
    )


def problems(path: Path) -> list[str]:
    """Every way a file breaks Alexa's `<audio>` rules; empty when it conforms."""
    try:
        facts = inspect(path)
    except ValueError as e:
        return [str(e)]
    found = []
    if (facts.version, facts.layer) != (2, 3):
        found.append(f"MPEG-{facts.version:g} Layer {facts.layer}, want MPEG-2 Layer III")
    if facts.sample_rate not in ALLOWED_RATES:
        found.append(f"{facts.sample_rate} Hz, want one of {ALLOWED_RATES}")
    if facts.bitrates != {BITRATE}:
        found.append(f"bitrates {sorted(facts.bitrates)}, want constant {BITRATE}")
    if facts.unparsed > ID3V1_SIZE:
        found.append(f"{facts.unparsed} bytes after frame {facts.frames} are not MPEG frames")
    if not 0 < facts.duration <= MAX_SECONDS:
        found.append(f"{facts.duration} s, want more than 0 and at most {MAX_SECONDS:g}")
    return [f"{path.name}: {p}" for p in found]
