"""`GET /audio/<path>`: the hosted clips Alexa fetches for `<audio>` tags, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_support import SKILL_ID, serve
from web_support import get as _get

from skill.webservice import create_app

pytestmark = pytest.mark.integration

CLIP = b"\xff\xf3\x64\xc4" + bytes(200)  # served as bytes: the route does not parse clips


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The endpoint serving a temporary audio directory, with a secret file just outside it."""
    root = tmp_path_factory.mktemp("site")
    audio = root / "audio"
    (audio / "en-US").mkdir(parents=True)
    (audio / "en-US" / "welcome.mp3").write_bytes(CLIP)
    (audio / "manifest.json").write_text("{}")
    (root / "secret.mp3").write_bytes(b"not for the internet")
    with serve(create_app(skill_id=SKILL_ID, audio_dir=audio)) as base_url:
        yield base_url


def test_clip_is_served_as_cacheable_mpeg(server: str) -> None:
    status, headers, body = _get(server, "/audio/en-US/welcome.mp3")
    assert status == 200
    assert headers["Content-Type"] == "audio/mpeg"
    assert "public" in headers["Cache-Control"]
    assert "max-age=86400" in headers["Cache-Control"]
    assert body == CLIP


@pytest.mark.parametrize(
    "path",
    [
        "/audio/en-US/missing.mp3",
        "/audio/manifest.json",
        "/audio/../secret.mp3",
        "/audio/en-US/../../secret.mp3",
        "/audio/%2e%2e/secret.mp3",
        "/audio/..%2fsecret.mp3",
        "/audio/en-US/..%2f..%2fsecret.mp3",
        "/audio//etc/passwd",
        "/audio/%2fetc%2fhostname.mp3",
    ],
)
def test_anything_but_a_clip_inside_the_audio_directory_is_404(server: str, path: str) -> None:
    status, _, body = _get(server, path)
    assert status == 404
    assert b"not for the internet" not in body


def test_default_audio_directory_follows_audio_dir_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "en-US").mkdir()
    (tmp_path / "en-US" / "help.mp3").write_bytes(CLIP)
    monkeypatch.setenv("AUDIO_DIR", str(tmp_path))
    with serve(create_app(skill_id=SKILL_ID)) as base_url:
        assert _get(base_url, "/audio/en-US/help.mp3")[2] == CLIP
