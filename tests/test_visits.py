"""Remembering users in SQLite (the simulators' and web service's store): what a returning user
hears, what is kept, forgetting on request, and storage trouble that never breaks an answer.

Every request is a real envelope through a Lambda handler built by the one skill factory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Conversation
from web_support import app_post

from skill import ssml
from skill.factory import create_skill_builder
from skill.persistence import RETENTION_DAYS, create_adapter
from skill.settings import Settings
from skill.simulator import envelopes
from skill.simulator.cli import main
from skill.simulator.envelopes import Session
from skill.simulator.session import DEFAULT_USER_ID
from skill.webservice import create_app

pytestmark = pytest.mark.integration

USER = "amzn1.ask.account.TEST-USER-ONE"
FIELDS = {"first_visit", "last_visit", "visits", "tip"}


@pytest.fixture
def skill() -> Any:
    """A Lambda handler remembering visits in this test's own SQLite file (`visit_store`)."""
    return create_skill_builder(Settings.from_env()).lambda_handler()


def visit(skill: Any, user: str = USER, day: str | None = None) -> Conversation:
    """A new session for `user`, opened with a LaunchRequest (on `day`, YYYY-MM-DD, if given)."""
    talk = Conversation(user_id=user, skill=skill)
    request = envelopes.launch(talk.session)
    if day is not None:
        request["request"]["timestamp"] = f"{day}T03:00:00Z"
    talk.send(request)
    return talk


def stored(path: Path, user: str = USER) -> dict[str, Any] | None:
    """The record kept for `user`, as the SQLite file holds it (None when there is none)."""
    key = hashlib.sha256(user.encode()).hexdigest()
    with sqlite3.connect(path) as db:
        query = "SELECT attributes, expires_at FROM visits WHERE id = ?"
        row = db.execute(query, (key,)).fetchone()
    if row is None:
        return None
    return {**json.loads(row[0]), "_expires_at": row[1]}


def skill_disabled(talk: Conversation, status: str) -> dict[str, Any]:
    """The AlexaSkillEvent.SkillDisabled event, sent through the conversation's handler."""
    return talk.skill(disabled_event(talk, status), None)


def disabled_event(talk: Conversation, status: str) -> dict[str, Any]:
    """The AlexaSkillEvent.SkillDisabled event Alexa sends for the user: no session."""
    event = envelopes.launch(talk.session)
    del event["session"]
    event["request"] = {
        "type": "AlexaSkillEvent.SkillDisabled",
        "requestId": "amzn1.echo-api.request.event",
        "timestamp": event["request"]["timestamp"],
        "eventCreationTime": event["request"]["timestamp"],
        "eventPublishingTime": event["request"]["timestamp"],
        "body": {"userInformationPersistenceStatus": status},
    }
    return event


def test_a_returning_user_hears_a_shorter_welcome_with_the_disclaimer(skill: Any) -> None:
    """The second visit skips the examples but still says it is not medical advice."""
    first = visit(skill).turns[0]
    again = visit(skill).turns[0]
    assert first.speech.startswith("Welcome to Leg Cramp Helper.")
    assert "You can ask me why legs cramp" in first.speech
    assert again.speech.startswith("Welcome back.")
    assert "not medical advice" in again.speech
    assert "You can ask me why legs cramp" not in again.speech
    assert len(again.speech) < len(first.speech)
    assert not again.ends and again.reprompt
    assert "medical advice" in again.card["content"]


def test_another_user_is_still_new(skill: Any) -> None:
    """A record belongs to one user: someone else on the same skill gets the full welcome."""
    visit(skill)
    other = visit(skill, user="amzn1.ask.account.TEST-USER-TWO").turns[0]
    assert other.speech.startswith("Welcome to Leg Cramp Helper.")


def test_first_and_last_visit_dates_and_count_are_kept_for_ninety_days(
    skill: Any, visit_store: Path
) -> None:
    """Exactly the dates, the count and an expiry 90 days after the last visit."""
    visit(skill, day="2026-11-01")
    visit(skill, day="2026-11-20")
    talk = Conversation(user_id=USER, skill=skill)
    talk.intent("CrampReliefIntent")  # a one-shot also counts as a visit
    record = stored(visit_store)
    assert record is not None
    expires = record.pop("_expires_at")
    assert record == {"first_visit": "2026-11-01", "last_visit": talk_day(talk), "visits": 3}
    assert abs(expires - (time.time() + RETENTION_DAYS * 86400)) < 60


def talk_day(talk: Conversation) -> str:
    """The date of the conversation's requests."""
    return envelopes.launch(talk.session)["request"]["timestamp"][:10]


def test_the_store_never_holds_the_user_id_or_what_was_said(skill: Any, visit_store: Path) -> None:
    """The key is a hash of the user id; no device id, no words, no health topic is written."""
    talk = visit(skill)
    talk.intent("CauseDetailIntent", cause=("low calcium", "LOW_CALCIUM"))
    talk.intent("UrgentSymptomsIntent")
    raw = b"".join(p.read_bytes() for p in visit_store.parent.iterdir())
    for secret in (USER, talk.session.device_id, "calcium", "LOW_CALCIUM", "URGENT", "swollen"):
        assert secret.encode() not in raw
    assert set(stored(visit_store)) - {"_expires_at"} <= FIELDS


def test_an_unfinished_tip_walk_is_saved_as_it_moves_and_offered_next_time(
    skill: Any, visit_store: Path
) -> None:
    """Each tip is stored when spoken, with no SessionEndedRequest; yes carries on from it."""
    talk = visit(skill)
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")
    assert stored(visit_store)["tip"] == "FOOTWEAR"
    talk.intent("AMAZON.YesIntent")
    assert stored(visit_store)["tip"] == "BEDDING"
    # The user walks away: Alexa closes the session without telling the skill.

    again = visit(skill)
    offer = again.turns[0]
    assert offer.speech.startswith("Welcome back.")
    assert "not medical advice" in offer.speech
    assert "Last time we got to loose bedding. Shall we carry on?" in offer.speech
    assert offer.reprompt == "Shall we carry on with the prevention tips?"
    carried = again.intent("AMAZON.YesIntent")
    assert carried.speech.startswith("Stretch your calves and feet before bed.")
    assert stored(visit_store)["tip"] == "STRETCHING"


def test_next_after_the_offer_also_carries_on(skill: Any) -> None:
    """ "Next" is as good as yes: the walk goes on from the saved tip."""
    talk = visit(skill)
    talk.intent("TipDetailIntent", tip="FOOTWEAR")
    turn = visit(skill).intent("AMAZON.NextIntent")
    assert turn.speech.startswith("Keep your bedding loose around your feet.")


def test_a_tampered_offer_past_the_last_tip_is_answered_calmly(skill: Any) -> None:
    """A session claiming an offer to carry on after the last tip gets a question, no apology."""
    talk = visit(skill)
    talk.session.attributes = {"question": "resume", "tip_index": 3}
    turn = talk.intent("AMAZON.YesIntent")
    assert turn.speech == "What would you like to know?"
    assert not turn.ends


def test_no_to_carrying_on_goes_on_as_usual_and_is_not_asked_again(
    skill: Any, visit_store: Path
) -> None:
    """No gets the usual choices, the session stays open, and the position is forgotten."""
    talk = visit(skill)
    talk.intent("TipDetailIntent", tip="BEDDING")
    declined = visit(skill).intent("AMAZON.NoIntent")
    assert declined.speech.startswith("Okay. You can ask why legs cramp at night")
    assert not declined.ends
    assert "tip" not in stored(visit_store)
    assert "Last time" not in visit(skill).turns[0].speech


def test_anything_else_after_the_offer_is_answered_as_usual(skill: Any, visit_store: Path) -> None:
    """Asking something else answers it, and the offer is not repeated next time."""
    visit(skill).intent("TipDetailIntent", tip="FOOTWEAR")
    turn = visit(skill).intent("CrampCausesIntent")
    assert turn.speech.startswith("Night leg cramps often have no clear cause.")
    assert "tip" not in stored(visit_store)


def test_a_finished_walk_is_not_offered_again(skill: Any, visit_store: Path) -> None:
    """After the last tip there is nothing to carry on with."""
    talk = visit(skill)
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")
    for _ in range(3):  # Next, not Yes: Yes after the stretching tip starts the guided stretch
        talk.intent("AMAZON.NextIntent")
    assert talk.turns[-1].speech.find("That was the last tip.") > 0
    assert "tip" not in stored(visit_store)
    assert visit(skill).turns[0].speech == (
        "Welcome back. General information only, not medical advice. What would you like to know?"
    )


def test_disabling_the_skill_without_keeping_data_forgets_the_user(
    skill: Any, visit_store: Path
) -> None:
    """SkillDisabled with NOT_PERSISTED deletes the record; the next visit is a first one."""
    talk = visit(skill)
    assert stored(visit_store) is not None
    response = skill_disabled(talk, "NOT_PERSISTED")
    assert response["response"] == {}
    assert stored(visit_store) is None
    assert visit(skill).turns[0].speech.startswith("Welcome to Leg Cramp Helper.")


def test_disabling_the_skill_while_keeping_data_keeps_the_record(
    skill: Any, visit_store: Path
) -> None:
    """With PERSISTED, Alexa keeps the user's data for a re-enable, and so does the skill."""
    skill_disabled(visit(skill), "PERSISTED")
    assert stored(visit_store)["visits"] == 1


def test_disabling_without_a_store_is_answered_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """With PERSISTENCE=none there is nothing to delete, and the event still gets its answer."""
    monkeypatch.setenv("PERSISTENCE", "none")
    talk = Conversation(skill=create_skill_builder(Settings.from_env()).lambda_handler())
    assert skill_disabled(talk, "NOT_PERSISTED")["response"] == {}


def test_with_persistence_none_every_visit_is_a_first_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """`none` keeps the skill stateless between sessions."""
    monkeypatch.setenv("PERSISTENCE", "none")
    skill = create_skill_builder(Settings.from_env()).lambda_handler()
    visit(skill)
    assert visit(skill).turns[0].speech.startswith("Welcome to Leg Cramp Helper.")


@pytest.mark.parametrize(
    "spec", ["", "sqlite", "sqlite:", "dynamodb:", "mysql:db", "none:x", "dynamo:table"]
)
def test_a_malformed_setting_is_refused_clearly(spec: str) -> None:
    """A typo in PERSISTENCE stops the start with a message naming the three forms."""
    with pytest.raises(ValueError, match="none, sqlite:PATH or dynamodb:TABLE"):
        create_adapter(spec)


@pytest.mark.parametrize(
    "attributes",
    [
        "{not json",
        '"a string"',
        '{"first_visit": "yesterday", "last_visit": "2026-11-01", "visits": 1}',
        '{"first_visit": "2026-11-01", "last_visit": "2026-11-01", "visits": -3}',
        '{"first_visit": "2026-11-01", "last_visit": "2026-11-01", "visits": 1, "tip": "SOCKS"}',
        '{"first_visit": "2026-11-01", "last_visit": "2026-11-01", "visits": 1, "said": "hi"}',
    ],
)
def test_a_corrupted_record_means_a_new_user_and_is_replaced(
    skill: Any, visit_store: Path, attributes: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The answer is the new-user welcome, a warning names no id, and a good record replaces it."""
    visit(skill)
    key = hashlib.sha256(USER.encode()).hexdigest()
    with sqlite3.connect(visit_store) as db:
        db.execute("UPDATE visits SET attributes = ? WHERE id = ?", (attributes, key))
    with caplog.at_level(logging.WARNING):
        turn = visit(skill).turns[0]
    assert turn.speech.startswith("Welcome to Leg Cramp Helper.")
    assert not turn.ends
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "new" in warnings[0].getMessage()
    assert all(USER not in r.getMessage() and key not in r.getMessage() for r in caplog.records)
    assert visit(skill).turns[0].speech.startswith("Welcome back.")


def test_an_unusable_store_never_breaks_a_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A file that is not a database: every answer is as for a new user, with warnings."""
    broken = tmp_path / "visits.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("PERSISTENCE", f"sqlite:{broken}")
    skill = create_skill_builder(Settings.from_env()).lambda_handler()
    with caplog.at_level(logging.WARNING):
        talk = visit(skill)
        talk.intent("PreventionTipsIntent")
        walk = talk.intent("AMAZON.YesIntent")
    assert talk.turns[0].speech.startswith("Welcome to Leg Cramp Helper.")
    assert walk.speech.startswith("Wear comfortable, supportive shoes")
    assert [t.ends for t in talk.turns] == [False, False, False]
    assert any("answering as for a new user" in r.getMessage() for r in caplog.records)
    assert all(USER not in r.getMessage() for r in caplog.records)


def test_an_expired_record_is_gone(skill: Any, visit_store: Path) -> None:
    """Past its expiry a record is not read, and the next write removes it."""
    visit(skill)
    with sqlite3.connect(visit_store) as db:
        db.execute("UPDATE visits SET expires_at = ?", (int(time.time()) - 1,))
    assert (
        visit(skill, user="amzn1.ask.account.SOMEONE-ELSE")
        .turns[0]
        .speech.startswith("Welcome to Leg Cramp Helper.")
    )
    assert stored(visit_store) is None
    assert visit(skill).turns[0].speech.startswith("Welcome to Leg Cramp Helper.")


def _visits_in_a_worker(args: tuple[str, int]) -> list[bool]:
    """One worker process: its own handler (as a gunicorn worker builds it), many first visits."""
    prefix, count = args
    skill = create_skill_builder(Settings.from_env()).lambda_handler()
    return [
        visit(skill, user=f"{prefix}-{i}").turns[0].speech.startswith("Welcome to Leg")
        and visit(skill, user=f"{prefix}-{i}").turns[0].speech.startswith("Welcome back")
        for i in range(count)
    ]


def test_several_worker_processes_share_the_file_safely(visit_store: Path) -> None:
    """Four processes writing at once (as gunicorn's workers do): every visit is remembered."""
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_visits_in_a_worker, [(f"worker{n}", 15) for n in range(4)])
    assert all(all(r) for r in results)
    with sqlite3.connect(visit_store) as db:
        assert db.execute("SELECT count(*) FROM visits").fetchone() == (60,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_simulator_remembers_its_default_user_between_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`make run` twice: the second run is a returning user; `--user-id new` is a new one."""
    for _ in range(2):
        assert main(["--json", "open leg cramp helper"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["speech"].startswith("Welcome to Leg Cramp Helper.")
    assert second["speech"].startswith("Welcome back.")
    assert main(["--json", "--user-id", "new", "open leg cramp helper"]) == 0
    assert json.loads(capsys.readouterr().out)["speech"].startswith("Welcome to Leg Cramp Helper.")
    assert main(["--json", "--user-id", DEFAULT_USER_ID, "open leg cramp helper"]) == 0
    assert json.loads(capsys.readouterr().out)["speech"].startswith("Welcome back.")


def test_the_web_service_remembers_users_and_forgets_them_on_request(visit_store: Path) -> None:
    """Through the web service's app: welcome back on the second launch; SkillDisabled forgets."""
    skill_id = envelopes.DEFAULT_SKILL_ID
    talk = Conversation(user_id=USER)
    client = create_app(skill_id=skill_id, dev_mode=True).test_client()
    answers = []
    for _ in range(2):
        talk.session = Session(user_id=USER)
        status, answer = app_post(client, json.dumps(envelopes.launch(talk.session)).encode())
        assert status == 200 and answer is not None
        answers.append(ssml.to_plain_text(answer["response"]["outputSpeech"]["ssml"]))
    event = disabled_event(talk, "NOT_PERSISTED")
    status, answer = app_post(client, json.dumps(event).encode())
    assert answers[0].startswith("Welcome to Leg Cramp Helper.")
    assert answers[1].startswith("Welcome back.")
    assert status == 200 and answer["response"] == {}
    assert stored(visit_store) is None
