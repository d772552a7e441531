"""The web simulator: the page in `static/` and a small JSON API over the terminal's `Simulator`.

Routes: `GET /` (the page), `GET /api/locales`, `GET /api/devices`, `POST /api/turn`,
`POST /api/event` (a touch on the screen preview), `GET /api/replay?session=ID`,
`POST /api/replay` (run a replay file), `POST /api/evaluate?locale=L` (an NLU-evaluation CSV),
`GET /audio/<locale>/<file>.mp3` (the committed clips, for voice out).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skill.audio.local import Speaker, segments
from skill.content import SUPPORTED_LOCALES, resolve_locale
from skill.data import on_disk
from skill.settings import Settings
from skill.simulator.devices import DEVICES, SPEAKER, describe
from skill.simulator.nlueval import AnnotationError, load_annotations, score
from skill.simulator.replay import DEFAULT_LOCALE, Replay, ReplayError, command_error
from skill.simulator.session import (
    GRANTS,
    PERMISSION_ANSWERS,
    Exchange,
    Simulator,
    SimulatorError,
    Turn,
    nlu_for,
)
from skill.simulator.websessions import SessionStore, WebSession
from skill.webaudio import add_audio_route

MAX_LINE_CHARS = 1000
MAX_USER_CHARS = 256
MAX_REPLAY_LINES = 200
MAX_SESSION_LINES = 500  # a session's recorded lines are bounded too
MAX_CONSIDERED = 5  # like the utterance profiler, a few runners-up
MAX_BODY_BYTES = 1024 * 1024
MAX_EVENT_ARGUMENTS = 4
MAX_TOKEN_CHARS = 200
TERMINAL_ONLY = {
    ".json": "the page always shows the request and response JSON",
    ".record": "use Download replay instead",
    ".quit": "close the page instead",
}


class ApiError(Exception):
    """A client error: the HTTP status and a message for the person who sent it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def locales() -> list[str]:
    """Every locale the skill serves (each has its interaction model and content)."""
    return list(SUPPORTED_LOCALES)


@cache
def _speaker(locale: str, audio_dir: Path) -> Speaker:
    """Clip lookup for a locale's answers (no engines: the browser voices the rest)."""
    return Speaker(resolve_locale(locale), audio_dir, engines=[])


def voice(ssml: str, locale: str, audio_dir: Path) -> list[dict[str, str | float]]:
    """How the page speaks an answer: committed clips where they exist, else text to synthesise,
    and each `<break>` as a pause in seconds, so a guided stretch keeps its timing."""
    speaker = _speaker(locale, audio_dir)
    plan: list[dict[str, str | float]] = []
    for segment in segments(ssml):
        if isinstance(segment, float):
            plan.append({"pause": segment})
            continue
        clip = speaker.committed(segment)
        if clip is not None:
            plan.append({"clip": f"/audio/{speaker.locale}/{clip.name}"})
        elif not segment.startswith("<audio"):
            plan.append({"text": segment})
    return plan


def considered(turn: Turn) -> list[dict[str, Any]]:
    """The intents the NLU weighed, best first; the one chosen leads when it was not the best."""
    ranked = [{"intent": name, "score": value} for name, value in turn.considered]
    if turn.intent and ranked and ranked[0]["intent"] != turn.intent:
        chosen = [c for c in ranked if c["intent"] == turn.intent]
        ranked = chosen + [c for c in ranked if c["intent"] != turn.intent]
        if not chosen:
            ranked.insert(0, {"intent": turn.intent, "score": None})
    return ranked[:MAX_CONSIDERED]


def answer(
    session_id: str,
    turn: Turn | None,
    closed: Exchange | None,
    audio_dir: Path,
    grants: list[str] | None = None,
) -> dict[str, Any]:
    """The API's answer for one line; `grants`: the permissions the user now has."""
    if turn is None:
        exchange = closed
        body: dict[str, Any] = {"session": session_id, "turn": None, "considered": []}
        body["voice"] = []
    else:
        exchange = turn.exchange
        body = {"session": session_id, "turn": turn.summary(), "considered": considered(turn)}
        body["voice"] = voice(turn.ssml, turn.exchange.request["request"]["locale"], audio_dir)
    body["request"] = exchange.request if exchange else None
    body["response"] = exchange.response if exchange else None
    body["grants"] = grants or []
    return body


def _json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 saying what is wrong."""
    try:
        data = json.loads(request.get_data(cache=False).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object")
    return data


def _field(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A string field of the body (None when absent or null), or a 400."""
    value = data.get(name)
    if value is None:
        if required:
            raise ApiError(400, f'"{name}" is required')
        return None
    if not isinstance(value, str):
        raise ApiError(400, f'"{name}" must be a string')
    return value


def _grants(data: dict[str, Any]) -> list[str] | None:
    """The permissions the page's switches give (None when the body says nothing), or a 400."""
    value = data.get("grant")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, '"grant" must be a list of permission names')
    unknown = sorted(set(value) - set(GRANTS))
    if unknown:
        raise ApiError(400, f"unknown permission {unknown[0][:40]!r}; known: {', '.join(GRANTS)}")
    return sorted(set(value))


def _locale(value: str | None) -> str:
    """A known locale (default en-US), or a 400 naming the known ones."""
    known = locales()
    locale = value or DEFAULT_LOCALE
    if locale not in known:
        raise ApiError(400, f"unknown locale {locale!r}; known: {', '.join(known)}")
    return locale


def create_app(
    settings: Settings | None = None,
    *,
    store: SessionStore | None = None,
    audio_dir: Path | None = None,
) -> Flask:
    """The web simulator's WSGI app: the skill as `settings` configure it (by default, what
    `Settings.from_env(local=True)` reads, once); `store` bounds its conversations; the page's
    clips come from `audio_dir`, by default the settings' clip folder."""
    settings = Settings.from_env(local=True) if settings is None else settings
    store = SessionStore() if store is None else store
    audio_dir = audio_dir or settings.audio.directory
    static = on_disk(resources.files(__package__) / "static")  # the page: package data
    app = Flask(__name__, static_folder=str(static), static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    add_audio_route(app, audio_dir)

    def new_session(
        locale: str,
        user: str | None,
        replay_skill_id: str | None = None,
        device: str = SPEAKER,
        grants: list[str] | None = None,
    ) -> tuple[str, WebSession]:
        try:
            simulator = Simulator(
                locale,
                replay_skill_id,
                user_id=user,
                device=device,
                grants=grants or (),
                settings=settings,
            )
        except SimulatorError as exc:
            raise ApiError(400, str(exc)) from None
        return store.add(simulator)

    def say(session_id: str, session: WebSession, line: str) -> dict[str, Any]:
        """One typed line, exactly as the terminal runs it."""
        text = line.strip()
        if not text:
            raise ApiError(400, '"line" is empty')
        if text.startswith("."):
            problem = command_error(text)
            name = text.split()[0]
            if problem or name in TERMINAL_ONLY:
                raise ApiError(
                    400, problem or f"{name} only works in the terminal: " + TERMINAL_ONLY[name]
                )
        with session.lock:
            if text in PERMISSION_ANSWERS and not session.simulator.awaiting_permission:
                raise ApiError(400, f"{text}: the skill has not asked for a permission to answer")
            if len(session.lines) >= MAX_SESSION_LINES:
                raise ApiError(400, f"a session holds {MAX_SESSION_LINES} lines; start a new one")
            try:
                grants = sorted(session.simulator.grants)
                if text == ".new":
                    session.lines.append(text)
                    closed = session.simulator.end_session()
                    return answer(session_id, None, closed, audio_dir, grants)
                turn = session.simulator.say(text)
            except SimulatorError as exc:
                raise ApiError(422, str(exc)) from None
            session.lines.append(text)
            grants = sorted(session.simulator.grants)  # .accept grants for the rest of the run
        return answer(session_id, turn, None, audio_dir, grants)

    @app.get("/")
    def index() -> Response:
        return app.send_static_file("index.html")

    @app.get("/api/locales")
    def api_locales() -> Response:
        return jsonify(locales=locales(), default=DEFAULT_LOCALE)

    @app.get("/api/devices")
    def api_devices() -> Response:
        return jsonify(devices=[describe(name) for name in DEVICES], default=SPEAKER)

    @app.post("/api/event")
    def api_event() -> Response:
        data = _json_body()
        session_id, token = _field(data, "session", required=True), _field(data, "token")
        arguments = data.get("arguments")
        if not isinstance(arguments, list) or len(arguments) > MAX_EVENT_ARGUMENTS:
            raise ApiError(400, f'"arguments" must be a list of at most {MAX_EVENT_ARGUMENTS}')
        if not all(isinstance(a, str) and len(a) <= MAX_LINE_CHARS for a in arguments):
            raise ApiError(400, '"arguments" must hold strings')
        if token is not None and len(token) > MAX_TOKEN_CHARS:
            raise ApiError(400, f'"token" is over {MAX_TOKEN_CHARS} characters')
        assert session_id is not None
        session = store.get(session_id)
        if session is None:
            raise ApiError(404, f"unknown or expired session {session_id[:40]!r}")
        if session.simulator.device == SPEAKER:
            raise ApiError(400, "a speaker has no screen to touch; pick a device with one")
        with session.lock:
            try:
                turn = session.simulator.touch(arguments, token or "")
            except SimulatorError as exc:
                raise ApiError(422, str(exc)) from None
        return jsonify(answer(session_id, turn, None, audio_dir))

    @app.post("/api/turn")
    def api_turn() -> Response:
        data = _json_body()
        line = _field(data, "line", required=True)
        assert line is not None
        if len(line) > MAX_LINE_CHARS:
            raise ApiError(400, f'"line" is over {MAX_LINE_CHARS} characters')
        locale, session_id = _field(data, "locale"), _field(data, "session")
        user, device = _field(data, "user"), _field(data, "device")
        if device is not None and device not in DEVICES:
            raise ApiError(400, f"unknown device {device!r}; known: {', '.join(DEVICES)}")
        if user is not None and not 0 < len(user) <= MAX_USER_CHARS:
            raise ApiError(400, f'"user" must be 1 to {MAX_USER_CHARS} characters')
        if locale is not None:
            _locale(locale)
        grants = _grants(data)
        if session_id is None:
            session_id, session = new_session(
                _locale(locale), user, device=device or SPEAKER, grants=grants
            )
        else:
            found = store.get(session_id)
            if found is None:
                raise ApiError(404, f"unknown or expired session {session_id[:40]!r}")
            session = found
            simulator = session.simulator
            if locale is not None and locale != simulator.locale:
                raise ApiError(400, f"the session is in {simulator.locale}; start a new one")
            if user is not None and simulator.session and user != simulator.session.user_id:
                raise ApiError(400, "the session has another user; start a new one")
            if device is not None and device != simulator.device:
                raise ApiError(400, f"the session is on {simulator.device}; start a new one")
            if grants is not None:
                with session.lock:
                    for name in GRANTS:
                        simulator.grant(name, name in grants)
        return jsonify(say(session_id, session, line))

    @app.get("/api/replay")
    def api_replay() -> Response:
        session_id = request.args.get("session")
        if not session_id:
            raise ApiError(400, "give the session: /api/replay?session=ID")
        session = store.get(session_id)
        if session is None:
            raise ApiError(404, f"unknown or expired session {session_id[:40]!r}")
        simulator = session.simulator
        replay = Replay(simulator.skill_id, simulator.locale, [*session.lines, ".quit"])
        response = Response(replay.dump(), mimetype="application/json")
        response.headers["Content-Disposition"] = 'attachment; filename="dialog.json"'
        return response

    @app.post("/api/replay")
    def api_play() -> Response:
        try:
            replay = Replay.parse(request.get_data(cache=False).decode("utf-8"))
        except (UnicodeDecodeError, ReplayError) as exc:
            raise ApiError(400, f"not a replay file: {exc}") from None
        if len(replay.lines) > MAX_REPLAY_LINES:
            raise ApiError(400, f"a replay may hold at most {MAX_REPLAY_LINES} lines")
        session_id, session = new_session(_locale(replay.locale), None, replay.skill_id)
        turns = []
        for line in replay.lines:
            name = line.strip().split(" ")[0]
            if name == ".quit":
                break
            if len(line) > MAX_LINE_CHARS:
                raise ApiError(400, f"a replay line is over {MAX_LINE_CHARS} characters")
            if line.strip() and name not in TERMINAL_ONLY:
                turns.append(say(session_id, session, line))
        return jsonify(session=session_id, locale=replay.locale, turns=turns)

    @app.post("/api/evaluate")
    def api_evaluate() -> Response:
        locale = _locale(request.args.get("locale"))
        try:
            rows = load_annotations(request.get_data(cache=False).decode("utf-8"))
        except UnicodeDecodeError:
            raise ApiError(400, "the annotation file must be UTF-8 text") from None
        except AnnotationError as exc:
            raise ApiError(400, f"not an NLU-evaluation CSV: {exc}") from None
        return jsonify(locale=locale, **score(nlu_for(locale), rows).as_dict())

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response, int]:
        return jsonify(error=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return jsonify(error=error.description or error.name), error.code or 500

    return app


def serve(host: str, port: int, settings: Settings) -> int:
    """`python -m skill.simulator --web`: Flask's server on loopback unless told otherwise."""
    app = create_app(settings)
    print(f"Web simulator on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    app.run(host=host, port=port, threaded=True)
    return 0
