"""The web simulator's JSON API through Flask's test client: turns, replay, evaluation, bad input.

No socket is needed for any of it (the browser tests run the page against a real server).
Every answer with speech that `turn` gets is checked for a voice plan that says all of it: each
paragraph a served clip or text, each `<break>` a pause (the guided stretch, in every locale).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from locale_support import ASK, OPEN, STRETCH, language
from web_support import terminal_json

from skill.content import SUPPORTED_LOCALES
from skill.simulator import cli, web
from skill.simulator.web import MAX_LINE_CHARS, create_app, locales
from skill.simulator.websessions import SessionStore

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
BREAK = re.compile(r'<break time="(\d+)ms"/>')
CSV = (
    "utterance,referenceTimestamp,intent,slot[cause]\n"
    "what about calcium,,CauseDetailIntent,calcium\n"
    "why do my legs cramp at night,,CrampCausesIntent,\n"
    "is it my phone bill,,CrampCausesIntent,\n"
)


@pytest.fixture
def server() -> FlaskClient:
    """The web simulator's app, with a small store so bounds are reachable, configured by this
    test's environment (its own visit store: tests/conftest.py)."""
    return create_app(store=SessionStore(max_sessions=50)).test_client()


def post(
    client: FlaskClient, body: bytes, headers: dict[str, str] | None = None, path: str = "/"
) -> tuple[int, dict[str, Any] | None]:
    """POST raw bytes; returns the status and the JSON answer (None if not JSON)."""
    response = client.post(path, data=body, headers=headers or {})
    return response.status_code, response.get_json(silent=True)


def get(client: FlaskClient, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET a path; returns the status, the headers and the body."""
    response = client.get(path)
    return response.status_code, dict(response.headers), response.get_data()


def turn(client: FlaskClient, **body: Any) -> tuple[int, dict[str, Any]]:
    """POST /api/turn with a JSON body; every answer with speech has a voice plan that keeps it."""
    status, answer = post(
        client, json.dumps(body).encode(), {"Content-Type": "application/json"}, "/api/turn"
    )
    assert answer is not None, "every answer is JSON"
    if status == 200 and answer["turn"] and answer["turn"]["ssml"]:
        assert_voice_keeps_the_speech(answer, client)
    return status, answer


def assert_voice_keeps_the_speech(answer: dict[str, Any], client: FlaskClient) -> None:
    """The voice plan says every paragraph, as a clip the app serves or as text, with every
    `<break>` as a pause of its length, in order."""
    ssml = answer["response"]["response"]["outputSpeech"]["ssml"]
    plan = answer["voice"]
    assert all(len(part) == 1 and set(part) <= {"clip", "text", "pause"} for part in plan), plan
    pauses = [part["pause"] for part in plan if "pause" in part]
    assert pauses == [int(ms) / 1000 for ms in BREAK.findall(ssml)]
    assert len(plan) - len(pauses) == ssml.count("<p>")
    for url in [part["clip"] for part in plan if "clip" in part]:
        status, headers, body = get(client, url)
        assert status == 200, url
        assert headers["Content-Type"] == "audio/mpeg"
        assert len(body) > 1000


def test_a_conversation_answers_like_the_terminal(server: FlaskClient) -> None:
    """Same lines, same intents, slots, speech and cards as `--json` prints; same keys too.

    Each side plays a first-time user of its own, so neither is welcomed back.
    """
    lines = ["open leg cramp helper", "what about calcium", "tell me more", STRETCH["en"], "stop"]
    session = None
    answers = []
    for line in lines:
        status, answer = turn(server, line=line, session=session, user="amzn1.ask.account.web")
        assert status == 200, answer
        session = answer["session"]
        answers.append(answer)
    expected = terminal_json(lines)
    assert [a["turn"] for a in answers] == expected
    calcium = answers[1]
    assert calcium["turn"]["slots"] == {"cause": {"value": "calcium", "id": "LOW_CALCIUM"}}
    slot = calcium["request"]["request"]["intent"]["slots"]["cause"]
    status_code = slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"]
    assert status_code == "ER_SUCCESS_MATCH"
    assert calcium["response"]["response"]["card"]["title"]
    assert (
        calcium["request"]["session"]["sessionId"] == answers[2]["request"]["session"]["sessionId"]
    )
    assert answers[3]["turn"]["intent"] == "GuidedStretchIntent"
    assert answers[-1]["turn"]["end_session"] is True


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_guided_stretch_answers_with_its_clips_and_pauses_in_every_locale(
    server: FlaskClient, locale: str
) -> None:
    """The headline turn, asked in one go: 200, what the terminal says, and a voice plan that
    plays the locale's clips with the routine's pauses between them."""
    line = ASK[language(locale)].format(STRETCH[language(locale)])
    status, answer = turn(server, line=line, locale=locale, user="amzn1.ask.account.web")
    assert status == 200, answer
    assert answer["turn"] == terminal_json([line], locale)[0]
    assert answer["turn"]["intent"] == "GuidedStretchIntent"
    kinds = {kind for part in answer["voice"] for kind in part}
    assert kinds == {"clip", "pause"}, "every routine step has its committed clip"
    assert all(
        part["clip"].startswith(f"/audio/{locale}/") for part in answer["voice"] if "clip" in part
    )


def test_considered_intents_are_best_first_with_scores(server: FlaskClient) -> None:
    _, answer = turn(server, line="ask leg cramp helper why do my legs cramp at night")
    considered = answer["considered"]
    assert considered[0]["intent"] == "CrampCausesIntent"
    assert 0.9 < considered[0]["score"] <= 1.0  # the model's own sample: a confident probability
    scores = [c["score"] for c in considered]
    assert scores == sorted(scores, reverse=True)
    assert 1 < len(considered) <= 5
    assert len({c["intent"] for c in considered}) == len(considered)


def test_fallback_leads_the_considered_list_before_the_near_misses(server: FlaskClient) -> None:
    _, answer = turn(server, line="ask leg cramp helper what is the capital of peru")
    assert answer["turn"]["intent"] == "AMAZON.FallbackIntent"
    assert answer["considered"][0] == {"intent": "AMAZON.FallbackIntent", "score": None}
    near_misses = [c["score"] for c in answer["considered"][1:]]
    assert near_misses and near_misses == sorted(near_misses, reverse=True)


def test_a_launch_has_no_language_understanding_to_show(server: FlaskClient) -> None:
    _, answer = turn(server, line="open leg cramp helper")
    assert answer["turn"]["request_type"] == "LaunchRequest"
    assert answer["considered"] == []


def test_voice_plays_committed_clips_that_the_server_serves(server: FlaskClient) -> None:
    """The welcome is pre-rendered: the page gets clip URLs, and they are real MP3s."""
    _, answer = turn(server, line="open leg cramp helper")
    assert [part for part in answer["voice"] if "clip" in part], answer["voice"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_voice_falls_back_to_text_without_clips(tmp_path: Path, locale: str) -> None:
    """With no clips (an empty audio folder), every paragraph is text to synthesise in the
    locale; a guided stretch keeps its pauses."""
    client = create_app(audio_dir=tmp_path).test_client()
    if locale == "en-US":
        _, answer = turn(client, line="ask leg cramp helper what about calcium")
        assert all(set(part) == {"text"} for part in answer["voice"])
        assert "calcium" in " ".join(part["text"] for part in answer["voice"]).lower()
    line = ASK[language(locale)].format(STRETCH[language(locale)])
    status, answer = turn(client, line=line, locale=locale)
    assert status == 200, answer
    assert {kind for part in answer["voice"] for kind in part} == {"text", "pause"}


def test_user_id_is_the_simulated_alexa_user(server: FlaskClient) -> None:
    user = "amzn1.ask.account.WEBTEST"
    _, first = turn(server, line="open leg cramp helper", user=user)
    assert first["request"]["session"]["user"]["userId"] == user
    assert first["request"]["context"]["System"]["user"]["userId"] == user
    _, second = turn(server, line="what about calcium", session=first["session"], user=user)
    assert second["request"]["session"]["user"]["userId"] == user
    _, default = turn(server, line="open leg cramp helper")
    assert default["request"]["session"]["user"]["userId"].startswith("amzn1.ask.account.")
    assert default["request"]["session"]["user"]["userId"] != user


def test_new_session_line_ends_the_session_like_the_terminal(server: FlaskClient) -> None:
    _, first = turn(server, line="open leg cramp helper")
    session = first["session"]
    status, closed = turn(server, line=".new", session=session)
    assert status == 200
    assert closed["turn"] is None
    assert closed["request"]["request"]["type"] == "SessionEndedRequest"
    _, after = turn(server, line="what about calcium", session=session)
    assert after["request"]["session"]["new"] is True
    assert after["request"]["session"]["sessionId"] != first["request"]["session"]["sessionId"]
    assert after["request"]["session"]["user"] == first["request"]["session"]["user"]


def test_replay_file_records_the_lines_and_plays_back(server: FlaskClient) -> None:
    session = None
    said = ["open leg cramp helper", "what about calcium", ".new", "help", STRETCH["en"]]
    for line in said:
        _, answer = turn(server, line=line, session=session)
        session = answer["session"]
    status, headers, body = get(server, f"/api/replay?session={session}")
    assert status == 200
    assert "attachment" in headers["Content-Disposition"]
    replay = json.loads(body)
    assert replay["type"] == "text"
    assert replay["locale"] == "en-US"
    assert replay["userInput"] == [*said, ".quit"]
    status, played = post(server, body, path="/api/replay")
    assert status == 200, played
    assert played is not None and played["session"] != session
    assert [t["turn"] and t["turn"]["intent"] for t in played["turns"]] == [
        None,
        "CauseDetailIntent",
        None,
        "AMAZON.HelpIntent",
        "GuidedStretchIntent",
    ]
    for answer in played["turns"]:
        if answer["turn"]:
            assert_voice_keeps_the_speech(answer, server)


def test_replay_made_here_runs_in_the_terminal(server: FlaskClient, tmp_path: Path) -> None:
    _, answer = turn(server, line="ask leg cramp helper what about calcium")
    _, _, body = get(server, f"/api/replay?session={answer['session']}")
    path = tmp_path / "dialog.json"
    path.write_bytes(body)
    out = io.StringIO()
    assert cli.main(["--json", "--replay", str(path)], stdout=out, stderr=io.StringIO()) == 0
    assert json.loads(out.getvalue().splitlines()[0])["speech"] == answer["turn"]["speech"]


def test_evaluation_reports_accuracy_per_intent_and_misses(server: FlaskClient) -> None:
    status, result = post(server, CSV.encode(), {"Content-Type": "text/csv"}, "/api/evaluate")
    assert status == 200, result
    assert (result["total"], result["passed"]) == (3, 2)
    assert result["per_intent"] == [
        {"intent": "CauseDetailIntent", "total": 1, "passed": 1, "accuracy": 1.0},
        {"intent": "CrampCausesIntent", "total": 2, "passed": 1, "accuracy": 0.5},
    ]
    assert [m["utterance"] for m in result["misses"]] == ["is it my phone bill"]


def test_locales_are_every_locale_with_an_interaction_model(server: FlaskClient) -> None:
    status, _, body = get(server, "/api/locales")
    assert status == 200
    found = sorted(p.stem for p in (ROOT / "interaction_model").glob("*.json"))
    assert sorted(json.loads(body)["locales"]) == found
    assert json.loads(body)["locales"] == list(SUPPORTED_LOCALES)


def test_every_locale_starts_a_session_in_its_own_language(server: FlaskClient) -> None:
    """Opened in each locale, a session answers in it; a guided stretch in it keeps its voice."""
    for locale in locales():
        status, answer = turn(server, line=OPEN[language(locale)], locale=locale)
        assert status == 200, answer
        assert answer["request"]["request"]["locale"] == locale
        assert answer["turn"]["speech"]
        status, stretch = turn(server, line=STRETCH[language(locale)], session=answer["session"])
        assert status == 200, stretch
        assert stretch["request"]["request"]["locale"] == locale
        assert stretch["turn"]["intent"] == "GuidedStretchIntent"


BAD_TURNS = [
    (b"not json", 400, "JSON object"),
    (b"[1, 2]", 400, "JSON object"),
    (b'{"line": 5}', 400, '"line" must be a string'),
    (b'{"locale": "en-US"}', 400, '"line" is required'),
    (b'{"line": "hi", "locale": 7}', 400, '"locale" must be a string'),
    (b'{"line": "hi", "session": 12}', 400, '"session" must be a string'),
    (b'{"line": "hi", "user": []}', 400, '"user" must be a string'),
    (b'{"line": "hi", "user": ""}', 400, '"user" must be 1 to'),
    (json.dumps({"line": "x" * (MAX_LINE_CHARS + 1)}).encode(), 400, "over 1000 characters"),
    (b'{"line": "hi", "locale": "xx-XX"}', 400, "unknown locale 'xx-XX'"),
    (b'{"line": "hi", "session": "no-such-session"}', 404, "unknown or expired session"),
    (b'{"line": "   "}', 400, "empty"),
    (b'{"line": ".record /tmp/x.json"}', 400, "only works in the terminal"),
    (b'{"line": ".frobnicate"}', 400, "unknown command"),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD_TURNS)
def test_bad_turns_get_a_4xx_with_a_message(
    server: FlaskClient, body: bytes, status: int, message: str
) -> None:
    got, answer = post(server, body, {"Content-Type": "application/json"}, "/api/turn")
    assert got == status
    assert answer is not None and message in answer["error"]


def test_a_line_of_exactly_the_limit_is_heard(server: FlaskClient) -> None:
    status, answer = turn(server, line=("cramp " * 200)[:MAX_LINE_CHARS])
    assert status == 200
    assert answer["turn"]["intent"]


def test_a_huge_body_is_refused_without_reading_it_all(server: FlaskClient) -> None:
    status, answer = post(server, b"{" + b" " * (2 * 1024 * 1024) + b"}", path="/api/turn")
    assert status == 413
    assert answer is not None and answer["error"]


def test_a_session_keeps_its_locale_and_user(server: FlaskClient) -> None:
    _, first = turn(server, line="open leg cramp helper", user="amzn1.ask.account.A")
    status, answer = turn(server, line="help", session=first["session"], user="other")
    assert status == 400 and "another user" in answer["error"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/replay", 400), ("/api/replay?session=nope", 404), ("/api/nothing", 404)],
)
def test_bad_replay_requests(server: FlaskClient, path: str, status: int) -> None:
    got, headers, body = get(server, path)
    assert got == status
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{}", "missing skillId"),
        (b"nope", "not valid JSON"),
        (b"\xff\xfe", "not a replay file"),
        (
            json.dumps(
                {"skillId": "x", "locale": "xx-XX", "type": "text", "userInput": ["hi"]}
            ).encode(),
            "unknown locale",
        ),
    ],
)
def test_bad_replay_files_get_a_400(server: FlaskClient, body: bytes, message: str) -> None:
    status, answer = post(server, body, path="/api/replay")
    assert status == 400
    assert answer is not None and message in answer["error"]


@pytest.mark.parametrize(
    ("body", "query", "message"),
    [
        (b"utterance,intent\nhi,X\n", "", "header must start with"),
        (b"utterance,referenceTimestamp,intent,cause\n", "", "slot[name]"),
        (b"utterance,referenceTimestamp,intent\n", "", "no annotations"),
        (b"utterance,referenceTimestamp,intent\n,,X\n", "", "line 2"),
        (b"\xff\xfe", "", "UTF-8"),
        (CSV.encode(), "?locale=xx-XX", "unknown locale"),
    ],
)
def test_bad_annotation_files_get_a_400(
    server: FlaskClient, body: bytes, query: str, message: str
) -> None:
    status, answer = post(server, body, path=f"/api/evaluate{query}")
    assert status == 400
    assert answer is not None and message in answer["error"]


def test_sessions_are_bounded_in_number(tmp_path: Path) -> None:
    """The least recently used conversation goes first when the store is full."""
    client = create_app(store=SessionStore(max_sessions=2)).test_client()
    ids = [turn(client, line="open leg cramp helper")[1]["session"] for _ in range(2)]
    assert turn(client, line="help", session=ids[0])[0] == 200  # ids[1] is now oldest
    turn(client, line="open leg cramp helper")
    assert turn(client, line="help", session=ids[1])[0] == 404
    assert turn(client, line="help", session=ids[0])[0] == 200


def test_sessions_expire_when_idle() -> None:
    now = [1000.0]
    store = SessionStore(max_sessions=10, idle_seconds=60, clock=lambda: now[0])
    client = create_app(store=store).test_client()
    old = turn(client, line="open leg cramp helper")[1]["session"]
    now[0] += 30
    kept = turn(client, line="open leg cramp helper")[1]["session"]
    now[0] += 45
    assert turn(client, line="help", session=old)[0] == 404
    assert turn(client, line="help", session=kept)[0] == 200
    assert len(store) == 1


def test_a_session_holds_a_bounded_number_of_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "MAX_SESSION_LINES", 3)
    client = create_app().test_client()
    session = turn(client, line="open leg cramp helper")[1]["session"]
    for _ in range(2):
        assert turn(client, line="help", session=session)[0] == 200
    status, answer = turn(client, line="help", session=session)
    assert status == 400 and "start a new one" in answer["error"]
    assert turn(client, line="help")[0] == 200


def test_web_flag_takes_only_host_and_port() -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info, contextlib.redirect_stderr(err):
        cli.main(["--web", "--json"])
    assert exit_info.value.code == 2
    assert "--web takes only --host and --port" in err.getvalue()
