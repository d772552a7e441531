"""Audio for clients without a voice: a response's speech saved as one MP3, from real clips."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill import data
from skill.audio import mp3
from skill.audio.engines import OfflineEngine
from skill.audio.local import Speaker, play, segments
from skill.audio.manifest import Manifest
from skill.content import load_content
from skill.simulator.cli import main as simulator_main

pytestmark = pytest.mark.unit

content = load_content("en-US")
CLIPS = Manifest.load(data.audio_dir() / "manifest.json").clips["en-US"]


def test_segments_split_paragraphs_and_keep_audio_tags() -> None:
    """Paragraphs become plain words; a hosted clip stays a tag."""
    body = '<speak><p>Fish &amp; chips.</p><p><audio src="https://h/a/en-US/x.mp3"/></p></speak>'
    assert segments(body) == ["Fish & chips.", '<audio src="https://h/a/en-US/x.mp3"/>']
    assert segments("<speak>Just words.</speak>") == ["Just words."]


def test_launch_speech_is_joined_from_committed_clips(new_conversation, tmp_path: Path) -> None:
    """With no engine at all, the welcome still comes out whole, from the committed clips."""
    turn = new_conversation().launch()
    saved = Speaker("en-US", engines=[]).save(turn.ssml, tmp_path / "turn.mp3")
    assert saved == tmp_path / "turn.mp3"
    assert mp3.problems(saved) == []
    expected = sum(CLIPS[f"prompt.{k}"].duration for k in ("welcome", "welcome_examples"))
    expected += CLIPS["prompt.what_next"].duration
    assert abs(mp3.inspect(saved).duration - expected) < 0.05


def test_hosted_clip_tag_uses_the_local_file(tmp_path: Path) -> None:
    """An `<audio>` tag pointing at a hosted clip plays the same committed file."""
    entry = CLIPS["prompt.goodbye"]
    body = f'<speak><p><audio src="https://cdn.example/audio/en-US/{entry.file}"/></p></speak>'
    saved = Speaker("en-US", engines=[]).save(body, tmp_path / "bye.mp3")
    assert saved is not None
    assert saved.read_bytes() == (data.audio_dir() / "en-US" / entry.file).read_bytes()


def test_words_without_a_clip_go_through_the_engine_chain(tmp_path: Path) -> None:
    """New words are rendered by the offline engine and joined after the committed clip."""
    body = f"<speak><p>{content.prompt('goodnight')}</p><p>Words with no clip yet.</p></speak>"
    saved = Speaker("en-US", engines=[OfflineEngine()]).save(body, tmp_path / "mixed.mp3")
    assert saved is not None and mp3.problems(saved) == []
    assert mp3.inspect(saved).duration > CLIPS["prompt.goodnight"].duration + 0.5


def test_nothing_voiced_returns_none(tmp_path: Path) -> None:
    """Without a clip or an engine nothing is written."""
    speaker = Speaker("en-US", engines=[])
    assert speaker.save("<speak><p>No clip for this.</p></speak>", tmp_path / "x.mp3") is None
    assert not (tmp_path / "x.mp3").exists()


def test_play_without_a_player_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No player on PATH is not an error: play reports that nothing played."""
    monkeypatch.setenv("PATH", str(tmp_path))
    clip = data.audio_dir() / "en-US" / CLIPS["prompt.goodnight"].file
    assert play(clip) is False


def test_simulator_save_audio_writes_each_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """`python -m skill.simulator --save-audio DIR` leaves one conformant MP3 per answer."""
    monkeypatch.setenv("PATH", str(tmp_path))  # no player: nothing is played during tests
    folder = tmp_path / "answers"
    lines = ["open leg cramp helper", "stop"]
    assert simulator_main(["--save-audio", str(folder), *lines]) == 0
    saved = sorted(folder.iterdir())
    assert [p.name for p in saved] == ["turn-001.mp3", "turn-002.mp3"]
    assert all(mp3.problems(p) == [] for p in saved)
    assert f"(audio: {saved[0]})" in capsys.readouterr().out
    goodbye = mp3.inspect(saved[1]).duration
    assert abs(goodbye - CLIPS["prompt.goodbye"].duration) < 0.05


def test_guided_stretch_keeps_its_pauses_as_silence(new_conversation, tmp_path: Path) -> None:
    """The routine's breaks become silence between the committed clips, to the frame."""
    turn = new_conversation().intent("GuidedStretchIntent", routine="RELIEF")
    routine = content.routines["RELIEF"]
    assert [s for s in segments(turn.ssml) if isinstance(s, float)] == [
        min(step.pause, 10.0) for step in routine.steps if step.pause
    ]
    saved = Speaker("en-US", engines=[]).save(turn.ssml, tmp_path / "stretch.mp3")
    assert saved is not None and mp3.problems(saved) == []
    clips = sum(CLIPS[f"routine.RELIEF.{n}"].duration for n in range(1, len(routine.steps) + 1))
    clips += CLIPS["prompt.routine_again"].duration
    pauses = sum(step.pause for step in routine.steps)
    assert abs(mp3.inspect(saved).duration - (clips + pauses)) < 0.03 * len(routine.steps)
