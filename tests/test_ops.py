"""`python -m skill.ops history|profile` with Amazon's real ask-smapi-sdk clients, against
loopback stand-ins for SMAPI and Login with Amazon (tests/smapi_standin.py) over HTTPS that a
test certificate authority signs and the clients trust through REQUESTS_CA_BUNDLE."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest
from smapi_standin import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_SKILL_ID,
    REFRESH_TOKEN,
    SKILL_ID,
    Cloud,
    history_item,
    serve,
)

from skill.ops import cli
from skill.ops.csvout import safe_cell
from skill.ops.profile import alexa_parse
from skill.simulator import cli as simulator_cli
from skill.simulator.nlueval import load_annotations, load_labelled
from skill.simulator.session import nlu_for

pytestmark = pytest.mark.integration


ROOT = Path(__file__).resolve().parent.parent
FALLBACK = "AMAZON.FallbackIntent"


def sample_cloud() -> Cloud:
    """120 live en-US items (three pages) taken from the held-out set, a few es-US ones, none in
    en-GB: Alexa's choice is the labelled intent, confidence HIGH, every tenth MEDIUM."""
    labelled = load_labelled(ROOT / "tests" / "data" / "heldout_en-US.tsv")
    in_domain = [r for r in labelled if r.intent != FALLBACK][:100]
    items = [
        history_item(r.text, r.intent, "MEDIUM" if i % 10 == 9 else "HIGH")
        for i, r in enumerate(in_domain)
    ]
    items += [history_item(r.text, FALLBACK, "LOW") for r in labelled if not r.in_domain][:12]
    items += [
        history_item("why do my legs cramp at night", "CrampCausesIntent", "MEDIUM"),
        history_item("=HYPERLINK(1)", FALLBACK, "LOW"),
        history_item("-stretch my calf", "GuidedStretchIntent", "HIGH"),
        history_item("@help", "AMAZON.HelpIntent", "HIGH"),
        history_item("+1 how do i stop a cramp", "CrampReliefIntent", "HIGH"),
        history_item("chest pain and a cramp", "UrgentSymptomsIntent", "HIGH", slots=("symptom",)),
        history_item("stop", "AMAZON.StopIntent"),
        history_item("help me", "AMAZON.HelpIntent"),
    ]
    items += [history_item("qué causa los calambres", "CrampCausesIntent", locale="es-US")] * 3
    items += [history_item("what is a cramp", "WhatIsACrampIntent", stage="development")]
    return Cloud(history=items)


@pytest.fixture
def cloud() -> Cloud:
    """The sample history."""
    return sample_cloud()


@pytest.fixture
def edge(cloud: Cloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    """The stand-ins running, and the environment an operator would set (plus the endpoints)."""
    with serve(cloud, tmp_path) as (url, ca):
        for name, value in {
            "ASK_REFRESH_TOKEN": REFRESH_TOKEN,
            "LWA_CLIENT_ID": CLIENT_ID,
            "LWA_CLIENT_SECRET": CLIENT_SECRET,
            "ASK_SMAPI_ENDPOINT": url,
            "ASK_LWA_ENDPOINT": url,
            "REQUESTS_CA_BUNDLE": str(ca),
            "NO_PROXY": "127.0.0.1,localhost",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        yield cloud


def run(*argv: str, sleeps: list[float] | None = None) -> tuple[int, str, str]:
    """`python -m skill.ops ARGV` in process; backoff sleeps are recorded, not slept."""
    out, err = io.StringIO(), io.StringIO()
    recorded = [] if sleeps is None else sleeps
    status = cli.main(list(argv), stdout=out, stderr=err, sleep=recorded.append)
    return status, out.getvalue(), err.getvalue()


def history(*extra: str, locale: str = "en-US", skill_id: str = SKILL_ID) -> list[str]:
    return ["history", "--skill-id", skill_id, "--locale", locale, *extra]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_history_follows_every_page_and_writes_an_evaluation_set(edge: Cloud) -> None:
    """Stand-in at the cloud's edge (LWA and SMAPI on loopback HTTPS): three pages, one token."""
    status, out, err = run(*history("--out", "real.csv"))
    assert (status, err) == (0, "")
    token_calls = [c for c in edge.calls if c[1].lower() == "/auth/o2/token"]
    pages = [c for c in edge.calls if c[1].endswith("/history/intentRequests")]
    assert len(token_calls) == 1  # the access token is cached between pages
    assert len(pages) == 3
    assert [p[2].get("nextToken") is None for p in pages] == [True, False, False]
    assert all(p[2]["locale"] == ["en-US"] and p[2]["stage"] == ["live"] for p in pages)
    assert all(p[2]["maxResults"] == ["50"] for p in pages)

    rows = read_csv(Path("real.csv"))
    assert rows[0] == ["utterance", "referenceTimestamp", "intent"]
    assert len(rows) == 1 + 120
    assert ["why do my legs cramp at night", "", "CrampCausesIntent"] in rows
    annotations = load_annotations(Path("real.csv").read_text(encoding="utf-8"))
    assert len(annotations) == 120
    assert "120 distinct utterances" in out
    assert "en-US: Fallback 10.8% (13/120), low confidence 10.8% (13/120)" in out
    assert "confidence HIGH 96, MEDIUM 11, LOW 13" in out


def test_history_cells_a_spreadsheet_would_run_are_escaped(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: utterances starting with = + - @ get a leading apostrophe."""
    assert run(*history("--out", "real.csv"))[0] == 0
    texts = [row[0] for row in read_csv(Path("real.csv"))[1:]]
    assert "'=HYPERLINK(1)" in texts and "'-stretch my calf" in texts
    assert "'@help" in texts and "'+1 how do i stop a cramp" in texts
    assert not [t for t in texts if t[0] in "=+-@"]
    assert safe_cell("\tx") == "'\tx" and safe_cell("cramp") == "cramp"


def test_history_reports_the_simulators_agreement_with_alexa(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: the simulator parses the same utterances as Alexa did."""
    status, out, _ = run(*history("--out", "real.csv"))
    assert status == 0
    nlu = nlu_for("en-US")
    en = [i for i in edge.history if i["locale"] == "en-US" and i["stage"] == "live"]
    differs = [i for i in en if nlu.parse(i["utteranceText"]).intent != i["intent"]["name"]]
    agreed = len(en) - len(differs)
    assert f"agrees with Alexa on the intent: {agreed / len(en):.1%} ({agreed}/{len(en)})" in out
    listed = [line for line in out.splitlines() if line.startswith("  differs: ")]
    assert len(listed) == min(len(differs), 40)
    for item in differs[:40]:
        assert any(repr(item["utteranceText"]) in line for line in listed)


def test_history_goes_to_a_private_git_ignored_folder_by_default(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: .data/history/, a .gitignore of its own, owner-only file."""
    status, out, _ = run(*history())
    assert status == 0
    written = list(Path(".data/history").glob("history-en-US-live-*.csv"))
    assert len(written) == 1
    assert stat.S_IMODE(written[0].stat().st_mode) == 0o600
    assert Path(".data/history/.gitignore").read_text().splitlines()[-1] == "*"
    assert f"wrote {written[0]}" in out and "delete it when done" in out
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".data/history/x.csv"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0  # and in this repository, .data/ is ignored too


def test_history_of_a_locale_newer_than_the_sdk_model(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: es-US items (not in ask-smapi-model's locale enum) load."""
    status, out, err = run(*history("--out", "es.csv", locale="es-US"))
    assert (status, err) == (0, "")
    assert "es-US: Fallback 0.0% (0/3)" in out
    assert len(read_csv(Path("es.csv"))) == 4


def test_history_csv_is_what_the_simulators_evaluate_reads(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: the file goes straight into `simulator evaluate`."""
    assert run(*history("--out", "real.csv"))[0] == 0
    out = io.StringIO()
    assert simulator_cli.main(["evaluate", "real.csv", "--locale", "en-US"], stdout=out) == 0
    assert "(120 annotations)" in out.getvalue() or "/120)" in out.getvalue()


def test_throttling_is_retried_with_backoff(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: two 429s, then pages; waits 1 s, then 2 s."""
    edge.throttle = 2
    sleeps: list[float] = []
    status, _, err = run(*history("--out", "real.csv"), sleeps=sleeps)
    assert (status, err) == (0, "")
    assert sleeps == [1.0, 2.0]


def test_throttling_honours_retry_after(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: a 429 with Retry-After: 3 waits 3 s."""
    edge.throttle, edge.retry_after = 1, "3"
    sleeps: list[float] = []
    assert run(*history("--out", "real.csv"), sleeps=sleeps)[0] == 0
    assert sleeps == [3.0]


def test_throttling_that_never_ends_is_reported(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: five 429s in a row give up with a clear message."""
    edge.throttle = 99
    sleeps: list[float] = []
    status, out, err = run(*history(), sleeps=sleeps)
    assert status == 1 and out == ""
    assert "throttling (429) after 5 tries" in err
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert not Path(".data/history").exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"ASK_REFRESH_TOKEN": "Atzr|expired"}, "refused the refresh token (400 invalid_grant"),
        ({"LWA_CLIENT_SECRET": "wrong"}, "refused the security profile (401 invalid_client"),
    ],
)
def test_login_with_amazon_refusals_say_what_to_fix(
    edge: Cloud, monkeypatch: pytest.MonkeyPatch, setup: dict[str, str], message: str
) -> None:
    """Stand-in at the cloud's edge: LWA's OAuth errors, 400 invalid_grant and 401."""
    for name, value in setup.items():
        monkeypatch.setenv(name, value)
    status, out, err = run(*history())
    assert status == 1 and out == ""
    assert message in err
    if "refresh token" in message:
        assert "ask util generate-lwa-tokens" in err


def test_a_revoked_access_token_is_explained(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: SMAPI answers 401 to the access token LWA issued."""
    edge.revoked = True
    status, _, err = run(*history())
    assert status == 1
    assert "SMAPI refused the access token (401 Token is invalid or expired.)" in err


def test_a_skill_that_is_not_yours_is_explained(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: another vendor's skill id is 403."""
    status, _, err = run(*history(skill_id=OTHER_SKILL_ID))
    assert status == 1
    assert f"skill {OTHER_SKILL_ID} is not one this account can read (403" in err


def test_a_locale_without_history_is_explained(edge: Cloud) -> None:
    """Stand-in at the cloud's edge: en-GB has no items; nothing is written."""
    status, out, err = run(*history(locale="en-GB"))
    assert status == 1 and out == ""
    assert "no history for en-GB (live)" in err and "10 unique users" in err
    assert not Path(".data/history").exists()


def test_missing_credentials_are_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """No stand-in is reached: the command stops before any call."""
    for name in ("ASK_REFRESH_TOKEN", "LWA_CLIENT_ID", "LWA_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    status, _, err = run(*history())
    assert status == 2
    assert "ASK_REFRESH_TOKEN, LWA_CLIENT_ID, LWA_CLIENT_SECRET not set" in err
    assert run("history", "--skill-id", "nope", "--locale", "en-US")[0] == 2


def test_plain_http_and_untrusted_certificates_are_refused(
    edge: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stand-in at the cloud's edge: the SDK's client refuses http://, and without the test CA
    the stand-in's certificate is not trusted; neither call gets an answer."""
    monkeypatch.setenv("ASK_LWA_ENDPOINT", "http://127.0.0.1:9")
    status, _, err = run(*history())
    assert status == 1 and "non-HTTPS" in err
    monkeypatch.setenv("ASK_LWA_ENDPOINT", os.environ["ASK_SMAPI_ENDPOINT"])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # the public roots only
    status, _, err = run(*history())
    assert status == 1 and "cannot reach" in err and "CERTIFICATE_VERIFY_FAILED" in err


HELD_OUT = """\
# utterance, intent, slot ids
what causes my legs to cramp at night\tCrampCausesIntent\t
tell me about dehydration\tCauseDetailIntent\tcause=DEHYDRATION
what about calcium\tCauseDetailIntent\tcause=LOW_CALCIUM
how do i stop a cramp right now\tCrampReliefIntent\t
what's the weather in paris\tAMAZON.FallbackIntent\t
"""


def test_profile_gives_alexas_accuracy_the_simulators_and_their_agreement(
    edge: Cloud, tmp_path: Path
) -> None:
    """Stand-in at the cloud's edge: the profiler resolves four lines as labelled (one slot to
    the wrong id) and sends the fifth to Fallback; the simulator parses the same lines."""
    edge.nlu["en-US"] = {
        "what causes my legs to cramp at night": ("CrampCausesIntent", {}),
        "tell me about dehydration": (
            "CauseDetailIntent",
            {"cause": ("dehydration", "DEHYDRATION")},
        ),
        "what about calcium": ("CauseDetailIntent", {"cause": ("calcium", "LOW_MAGNESIUM")}),
        "how do i stop a cramp right now": ("WhatIsACrampIntent", {}),
    }
    path = tmp_path / "heldout.tsv"
    path.write_text(HELD_OUT, encoding="utf-8")
    status, out, err = run("profile", str(path), "--skill-id", SKILL_ID, "--locale", "en-US")
    assert (status, err) == (0, "")
    calls = [c for c in edge.calls if c[1].endswith("/profileNlu")]
    assert len(calls) == 5
    assert (
        calls[0][1]
        == f"/v1/skills/{SKILL_ID}/stages/development/interactionModel/locales/en-US/profileNlu"
    )

    rows = load_labelled(path)
    nlu = nlu_for("en-US")
    parses = [nlu.parse(r.text) for r in rows]
    simulator_right = sum(r.matches(p) for r, p in zip(rows, parses, strict=True))
    alexa = ["CrampCausesIntent", "CauseDetailIntent", "CauseDetailIntent", "WhatIsACrampIntent"]
    alexa.append(FALLBACK)
    agree = sum(p.intent == a for p, a in zip(parses, alexa, strict=True))
    assert "5 labelled utterances, en-US, development model" in out
    assert "Alexa's accuracy       60.0% (3/5)" in out
    assert f"simulator's accuracy  {simulator_right / 5:6.1%} ({simulator_right}/5)" in out
    assert f"agreement on intent   {agree / 5:6.1%} ({agree}/5)" in out


def test_profile_of_a_locale_alexa_has_no_model_for(edge: Cloud, tmp_path: Path) -> None:
    """Stand-in at the cloud's edge: a 404 from profileNlu ends the run with its message."""
    path = tmp_path / "heldout.tsv"
    path.write_text(HELD_OUT, encoding="utf-8")
    status, _, err = run("profile", str(path), "--skill-id", SKILL_ID, "--locale", "en-GB")
    assert status == 1
    assert "(404 No interaction model for locale en-GB.)" in err


def test_profile_reads_both_shapes_of_resolved_values() -> None:
    """No stand-in: ask-smapi-model declares values as {name, id}; Alexa nests {value: {...}}."""
    from ask_smapi_model.v1.skill.evaluations.profile_nlu_response import ProfileNluResponse

    from skill.ops.client import LenientSerializer

    def response(values: list[dict[str, Any]]) -> Any:
        body = {
            "selectedIntent": {
                "name": "CauseDetailIntent",
                "slots": {
                    "cause": {
                        "name": "cause",
                        "resolutions": {
                            "resolutionsPerAuthority": [
                                {"status": {"code": "ER_SUCCESS_NO_MATCH"}, "values": []},
                                {"status": {"code": "ER_SUCCESS_MATCH"}, "values": values},
                            ]
                        },
                    }
                },
            }
        }
        import json

        return LenientSerializer().deserialize(json.dumps(body), ProfileNluResponse)

    nested = response([{"value": {"name": "cold", "id": "COLD"}}])
    flat = response([{"name": "cold", "id": "COLD"}])
    assert alexa_parse(nested) == alexa_parse(flat) == ("CauseDetailIntent", {"cause": "COLD"})


def test_the_real_command_line_against_the_stand_ins(edge: Cloud, tmp_path: Path) -> None:
    """Stand-in at the cloud's edge: `python -m skill.ops history` as an operator runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "skill.ops", *history("--out", str(tmp_path / "h.csv"))],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"history of {SKILL_ID}, live, en-US\n120 distinct")
    assert len(read_csv(tmp_path / "h.csv")) == 121
