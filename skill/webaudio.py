"""`GET /audio/<locale>/<file>.mp3`: the committed clips, for every Flask app that serves them."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, send_from_directory
from werkzeug.exceptions import NotFound

AUDIO_MAX_AGE_SECONDS = 24 * 60 * 60


def add_audio_route(app: Flask, audio_dir: Path) -> None:
    """Serve MP3s under `audio_dir` as audio/mpeg, cacheable for a day; anything else is a 404."""

    @app.get("/audio/<path:name>")
    def audio(name: str) -> Response:
        if not name.endswith(".mp3"):
            raise NotFound()
        return send_from_directory(
            audio_dir, name, mimetype="audio/mpeg", max_age=AUDIO_MAX_AGE_SECONDS
        )
