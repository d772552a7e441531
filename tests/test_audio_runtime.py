"""At run time: which words go out as hosted `<audio>` clips, within Alexa's limits."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill import ssml
from skill.audio.manifest import Entry, Manifest, text_sha256
from skill.audio.runtime import clip_lookup
from skill.content import SUPPORTED_LOCALES, load_content
from skill.factory import create_skill_builder
from skill.settings import AudioSettings, Settings
from skill.ssml import Clip

pytestmark = pytest.mark.unit

BASE = "https://cramps.example.com/audio"
AUDIO_RE = re.compile(r'<audio src="([^"]+)"/>')
content = load_content("en-US")


def lookup_for(locale: str, env: dict[str, str]) -> ssml.ClipLookup | None:
    """The clip lookup of the audio settings an entry point would read from `env`."""
    return clip_lookup(locale, AudioSettings.from_env(env))


def deployed_handler() -> Any:
    """The Lambda handler as skill/lambda_function.py builds it from the environment now."""
    return create_skill_builder(Settings.from_env()).lambda_handler()


def _fixed(seconds: float) -> ssml.ClipLookup:
    """Every segment has a clip of the given length, named after its words."""
    return lambda text: Clip(f"{BASE}/{text}.mp3", seconds)


def test_no_lookup_means_plain_text() -> None:
    """Without clips every segment is an escaped paragraph."""
    assert ssml.render(["A & B", " ", "C"]) == "<p>A &amp; B</p><p>C</p>"


def test_at_most_five_audio_tags() -> None:
    """The sixth segment with a clip is spoken as text."""
    body = ssml.render([f"s{i}" for i in range(7)], _fixed(1.0))
    assert AUDIO_RE.findall(body) == [f"{BASE}/s{i}.mp3" for i in range(5)]
    assert body.endswith("<p>s5</p><p>s6</p>")


def test_total_seconds_limit_and_reprompt_limit() -> None:
    """Clips stop once the total would pass 240 s (90 s in a reprompt); later short ones fit."""
    lengths = {"a": 100.0, "b": 100.0, "c": 50.0, "d": 40.0}

    def lookup(text: str) -> Clip:
        return Clip(f"{BASE}/{text}.mp3", lengths[text])

    body = ssml.render(list("abcd"), lookup)
    assert [s.rsplit("/", 1)[1] for s in AUDIO_RE.findall(body)] == ["a.mp3", "b.mp3", "d.mp3"]
    assert "<p>c</p>" in body
    reprompt = ssml.render(list("abcd"), lookup, max_seconds=ssml.MAX_REPROMPT_AUDIO_SECONDS)
    assert [s.rsplit("/", 1)[1] for s in AUDIO_RE.findall(reprompt)] == ["c.mp3", "d.mp3"]


def test_src_is_escaped() -> None:
    """A URL with `&` stays well-formed XML."""
    body = ssml.render(["x"], lambda _: Clip("https://h/a.mp3?x=1&y=2", 1.0))
    assert body == '<p><audio src="https://h/a.mp3?x=1&amp;y=2"/></p>'


@pytest.fixture
def audio_dir(tmp_path: Path) -> Path:
    """A manifest with one gTTS clip and one offline clip for real content words."""
    manifest = Manifest(clips={})
    welcome, help_text = content.prompt("welcome"), content.prompt("help")
    manifest.locale("en-US")["prompt.welcome"] = Entry(
        "prompt-welcome.mp3", text_sha256(welcome), "gtts", 4.2, 25_200
    )
    manifest.locale("en-US")["prompt.help"] = Entry(
        "prompt-help.mp3", text_sha256(help_text), "offline", 6.0, 36_000
    )
    manifest.save(tmp_path / "manifest.json")
    return tmp_path


def test_lookup_needs_an_https_base_url(audio_dir: Path) -> None:
    """No base URL, or a non-https one, means no audio at all."""
    env = {"AUDIO_DIR": str(audio_dir)}
    assert lookup_for("en-US", env) is None
    assert lookup_for("en-US", env | {"AUDIO_BASE_URL": "http://insecure.example"}) is None
    assert lookup_for("en-US", env | {"AUDIO_BASE_URL": "https://"}) is None


def test_lookup_matches_exact_words_from_allowed_engines(audio_dir: Path) -> None:
    """Only the current words find a clip, and offline clips only when AUDIO_ENGINES allows."""
    env = {"AUDIO_DIR": str(audio_dir), "AUDIO_BASE_URL": BASE + "/"}
    lookup = lookup_for("en-US", env)
    assert lookup is not None
    assert lookup(content.prompt("welcome")) == Clip(f"{BASE}/en-US/prompt-welcome.mp3", 4.2)
    assert lookup(content.prompt("welcome") + " ") is None
    assert lookup(content.prompt("help")) is None
    both = lookup_for("en-US", env | {"AUDIO_ENGINES": "gtts, offline"})
    assert both is not None and both(content.prompt("help")).seconds == 6.0
    assert lookup_for("en-GB", env)(content.prompt("welcome")) is None


def test_unreadable_manifest_falls_back_to_text(tmp_path: Path) -> None:
    """A broken or missing manifest never breaks a response."""
    env = {"AUDIO_DIR": str(tmp_path), "AUDIO_BASE_URL": BASE}
    assert lookup_for("en-US", env) is None
    (tmp_path / "manifest.json").write_text("{not json")
    assert lookup_for("en-US", env)("anything") is None


def test_skill_responses_use_fresh_clips(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch, new_conversation
) -> None:
    """Through the Lambda handler: the welcome plays as a clip, other words stay as text."""
    monkeypatch.setenv("AUDIO_DIR", str(audio_dir))
    monkeypatch.setenv("AUDIO_BASE_URL", BASE)
    skill = deployed_handler()
    turn = new_conversation(skill=skill).launch()
    assert AUDIO_RE.findall(turn.ssml) == [f"{BASE}/en-US/prompt-welcome.mp3"]
    assert content.prompt("welcome") not in turn.speech
    assert content.prompt("welcome_examples") in turn.speech

    data = json.loads((audio_dir / "manifest.json").read_text())
    data["clips"]["en-US"]["prompt.welcome"]["text_sha256"] = text_sha256("older words")
    (audio_dir / "manifest.json").write_text(json.dumps(data))
    stale = new_conversation(skill=skill).launch()
    assert "<audio" not in stale.ssml
    assert stale.speech.startswith(content.prompt("welcome"))


def test_the_settings_are_read_once_not_per_response(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch, new_conversation
) -> None:
    """The environment at start-up configures the skill; changing it later changes nothing."""
    monkeypatch.setenv("AUDIO_DIR", str(audio_dir))
    monkeypatch.setenv("AUDIO_BASE_URL", BASE)
    skill = deployed_handler()
    monkeypatch.delenv("AUDIO_BASE_URL")
    assert AUDIO_RE.findall(new_conversation(skill=skill).launch().ssml)
    assert not AUDIO_RE.findall(new_conversation(skill=deployed_handler()).launch().ssml)


def test_committed_clips_with_offline_allowed_fill_a_response_within_limits(
    monkeypatch: pytest.MonkeyPatch, new_conversation
) -> None:
    """With the committed manifest, speech and reprompt together hold at most five clips."""
    monkeypatch.delenv("AUDIO_DIR", raising=False)
    monkeypatch.setenv("AUDIO_BASE_URL", BASE)
    monkeypatch.setenv("AUDIO_ENGINES", "offline,gtts")
    talk = new_conversation(skill=deployed_handler())
    turn = talk.launch()
    reprompt = turn.response["reprompt"]["outputSpeech"]["ssml"]
    assert AUDIO_RE.findall(turn.ssml)[0] == f"{BASE}/en-US/prompt-welcome.mp3"
    assert 1 <= len(AUDIO_RE.findall(turn.ssml)) + len(AUDIO_RE.findall(reprompt)) <= 5
    detail = talk.intent("CauseDetailIntent", cause="COLD")
    assert AUDIO_RE.findall(detail.ssml)[0] == f"{BASE}/en-US/cause-cold-summary.mp3"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_locale_plays_its_own_clips(
    monkeypatch: pytest.MonkeyPatch, new_conversation, locale: str
) -> None:
    """A request in a locale plays that locale's committed clips, in its own accent."""
    monkeypatch.delenv("AUDIO_DIR", raising=False)
    monkeypatch.setenv("AUDIO_BASE_URL", BASE)
    monkeypatch.setenv("AUDIO_ENGINES", "offline,gtts")
    skill = deployed_handler()
    turn = new_conversation(locale=locale, skill=skill).intent("UrgentSymptomsIntent")
    assert AUDIO_RE.findall(turn.ssml) == [
        f"{BASE}/{locale}/prompt-emergency.mp3",
        f"{BASE}/{locale}/prompt-urgent_legs.mp3",
    ]
    launch = new_conversation(locale=locale, skill=skill).launch()
    assert AUDIO_RE.findall(launch.ssml)[0] == f"{BASE}/{locale}/prompt-welcome.mp3"


def test_runtime_imports_only_the_standard_library() -> None:
    """The Lambda path (responses + audio lookup) loads no build-time audio library."""
    code = (
        "import sys, skill.responses, skill.audio.runtime; "
        "print(sorted({'gtts','mutagen','tqdm'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
