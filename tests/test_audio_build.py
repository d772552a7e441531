"""Building and checking clips with the real offline engine (espeak-ng + LAME), read by mutagen."""

from __future__ import annotations

import array
import json
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from skill.audio import mp3
from skill.audio.__main__ import main
from skill.audio.build import build, content_texts
from skill.audio.check import check
from skill.audio.engines import OfflineEngine
from skill.audio.manifest import Manifest, text_sha256
from skill.data import audio_dir

pytestmark = pytest.mark.integration

TEXTS = [
    ("cause.COLD.summary", "Cold can bring on a cramp."),
    ("prompt.help", "You can ask what causes leg cramps, or how to prevent them."),
]


def _loudest_sample(clip: Path, tmp_path: Path) -> int:
    """Decode a clip with LAME's decoder and return its peak amplitude."""
    wav_path = tmp_path / "decoded.wav"
    subprocess.run(["lame", "--quiet", "--decode", str(clip), str(wav_path)], check=True)
    with wave.open(str(wav_path)) as wav:
        assert wav.getframerate() == 24_000 and wav.getnchannels() == 1
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return max(abs(s) for s in samples)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A clip folder built from TEXTS with the offline engine."""
    out = tmp_path / "audio"
    summary = build(TEXTS, "en-US", out, [OfflineEngine()])
    assert summary.rendered == {"offline": 2} and summary.unchanged == 0
    return out


def test_offline_clips_meet_alexas_rules_and_hold_speech(built: Path, tmp_path: Path) -> None:
    """Each clip is MPEG-2 Layer III, 48 kbps in every frame, 24 kHz, and not silent."""
    entries = Manifest.load(built / "manifest.json").clips["en-US"]
    for clip_id, text in TEXTS:
        entry = entries[clip_id]
        clip = built / "en-US" / entry.file
        facts = mp3.inspect(clip)
        assert (facts.version, facts.layer, facts.sample_rate) == (2, 3, 24_000)
        assert facts.bitrates == {48_000} and facts.frames > 10
        assert entry.text_sha256 == text_sha256(text) and entry.engine == "offline"
        assert entry.bytes == clip.stat().st_size
        assert abs(entry.duration - facts.duration) < 0.01
        assert _loudest_sample(clip, tmp_path) > 3000
    long_clip, short_clip = (entries[c].duration for c in ("prompt.help", "cause.COLD.summary"))
    assert long_clip > short_clip > 0.5


def test_rebuild_renders_only_changed_text_and_prunes_dropped_clips(built: Path) -> None:
    """Unchanged words are skipped, edited words re-rendered, removed ones deleted."""
    again = build(TEXTS, "en-US", built, [OfflineEngine()])
    assert again.unchanged == 2 and not again.rendered

    edited = [("cause.COLD.summary", "Cold legs can bring on a cramp at night.")]
    summary = build(edited, "en-US", built, [OfflineEngine()])
    assert summary.rendered == {"offline": 1} and summary.removed == 1
    entries = Manifest.load(built / "manifest.json").clips["en-US"]
    assert list(entries) == ["cause.COLD.summary"]
    assert entries["cause.COLD.summary"].text_sha256 == text_sha256(edited[0][1])
    assert sorted(p.name for p in (built / "en-US").iterdir()) == ["cause-cold-summary.mp3"]


def test_damaged_clip_is_rendered_again(built: Path) -> None:
    """A clip file whose size no longer matches the manifest is not trusted."""
    clip = built / "en-US" / "prompt-help.mp3"
    clip.write_bytes(clip.read_bytes()[:500])
    summary = build(TEXTS, "en-US", built, [OfflineEngine()])
    assert summary.rendered == {"offline": 1} and summary.unchanged == 1
    assert mp3.problems(clip) == []


def test_no_engine_leaves_the_text_to_alexa(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without espeak-ng on PATH the build reports the clips as without audio, and check fails."""
    monkeypatch.setenv("PATH", str(tmp_path))
    summary = build(TEXTS, "en-US", tmp_path, [OfflineEngine()])
    assert summary.missing == ["cause.COLD.summary", "prompt.help"]
    assert "2 without audio" in summary.line()
    assert len(check(TEXTS, "en-US", tmp_path)) == 2


def test_check_passes_a_fresh_build(built: Path) -> None:
    """A complete, fresh build has no problems."""
    assert check(TEXTS, "en-US", built) == []


def test_check_finds_stale_missing_and_nonconformant_clips(built: Path, tmp_path: Path) -> None:
    """Changed words, a deleted file and a wrong-bitrate file are each reported."""
    texts = [("cause.COLD.summary", "Different words now."), *TEXTS[1:]]
    assert check(texts, "en-US", built) == [
        "en-US/cause.COLD.summary: stale, the text changed since the clip was made"
    ]
    (built / "en-US" / "cause-cold-summary.mp3").unlink()
    assert "is missing" in check(TEXTS, "en-US", built)[0]

    wav, clip = tmp_path / "x.wav", built / "en-US" / "prompt-help.mp3"
    subprocess.run(["espeak-ng", "-w", str(wav), "Too rich."], check=True)
    subprocess.run(["lame", "--quiet", "-b", "64", "--resample", "24", str(wav), str(clip)])
    manifest = Manifest.load(built / "manifest.json")
    old = manifest.clips["en-US"]["prompt.help"]
    manifest.clips["en-US"]["prompt.help"] = type(old)(
        old.file, old.text_sha256, old.engine, old.duration, clip.stat().st_size
    )
    manifest.save(built / "manifest.json")
    problems = check(TEXTS, "en-US", built)
    assert any("bitrates [64000], want constant 48000" in p for p in problems)


def test_cli_check_and_build_on_the_committed_clips(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """`check` fails once a clip's text changes; `build` re-renders only that one; then every
    locale's clips pass `check` again."""
    out = tmp_path / "audio"
    shutil.copytree(audio_dir(), out)
    data = json.loads((out / "manifest.json").read_text())
    clip_id = content_texts("en-US")[0][0]
    data["clips"]["en-US"][clip_id]["text_sha256"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(data))
    assert main(["check", "--locale", "en-US", "--out", str(out)]) == 1
    assert f"en-US/{clip_id}: stale" in capsys.readouterr().err

    assert main(["build", "--engine", "offline", "--locale", "en-US", "--out", str(out)]) == 0
    total = len(content_texts("en-US"))
    assert f"{total} clips, {total - 1} unchanged, rendered 1 offline" in capsys.readouterr().out
    assert main(["check", "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert f"  en-US: {total} clips, " in report and "  total: " in report


def test_cli_reports_a_malformed_manifest(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A hand-broken manifest gets a one-line error and exit status 2, not a traceback."""
    (tmp_path / "manifest.json").write_text('{"format": 1, "clips": {"en-US": {"x": {"y": 1}}}}')
    assert main(["check", "--out", str(tmp_path)]) == 2
    assert "malformed manifest" in capsys.readouterr().err
