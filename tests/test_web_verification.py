"""Signed Alexa requests against the real endpoint on a real HTTP server, with a throwaway PKI.

S3 (where Amazon publishes its signing chain) is out of reach here, so the chain comes from an
injected fetcher: the one stand-in, at the boundary of that cloud service.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from web_support import (
    CHAIN_URL,
    SKILL_ID,
    Pki,
    assert_alexa_response,
    post,
    serve,
    signed_headers,
)

from skill.simulator import envelopes
from skill.webservice import MAX_BODY_BYTES, create_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fetched() -> list[str]:
    """Every URL the endpoint downloaded a chain from."""
    return []


@pytest.fixture(scope="module")
def server(pki: Pki, fetched: list[str]) -> Iterator[str]:
    """The endpoint, verifying for real, trusting only the throwaway root."""
    chains = pki.chains()
    good_chain = chains[CHAIN_URL]

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return chains.get(url, good_chain)

    with pytest.MonkeyPatch.context() as env:
        env.delenv("AUDIO_BASE_URL", raising=False)  # speech as text, whatever ran before
        app = create_app(
            skill_id=SKILL_ID, dev_mode=False, fetch_chain=fetch, trusted_roots=[pki.root.cert]
        )
        with serve(app) as base_url:
            yield base_url


def _launch(skill_id: str = SKILL_ID, timestamp: datetime | None = None) -> bytes:
    envelope = envelopes.launch(envelopes.Session(skill_id=skill_id))
    if timestamp is not None:
        envelope["request"]["timestamp"] = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(envelope).encode()


def _rejection(caplog: pytest.LogCaptureFixture) -> str | None:
    """The reason in the last request line logged."""
    lines = [r.getMessage() for r in caplog.records if r.name == "skill.webservice.requests"]
    return json.loads(lines[-1]).get("reason") if lines else None


def test_signed_request_gets_the_skill_answer(server: str, pki: Pki) -> None:
    body = _launch()
    status, answer = post(server, body, signed_headers(body, pki.leaf.key))
    assert status == 200
    assert_alexa_response(answer)
    assert "Leg Cramp Helper" in answer["response"]["outputSpeech"]["ssml"]


def test_chain_is_downloaded_once_for_many_requests(
    server: str, pki: Pki, fetched: list[str]
) -> None:
    url = "https://s3.amazonaws.com/echo.api/cache-check.pem"
    for _ in range(3):
        body = _launch()
        assert post(server, body, signed_headers(body, pki.leaf.key, url))[0] == 200
    assert fetched.count(url) == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert-test.pem", "cert url scheme"),
        ("https://s3.amazonaws.org/echo.api/echo-api-cert-test.pem", "cert url host"),
        ("https://s3.amazonaws.com/echo.apx/echo-api-cert-test.pem", "cert url path"),
        ("https://s3.amazonaws.com/echo.api/../x/echo-api-cert-test.pem", "cert url path"),
        ("https://s3.amazonaws.com:8443/echo.api/echo-api-cert-test.pem", "cert url port"),
    ],
)
def test_bad_chain_url_is_400_even_when_the_chain_would_verify(
    server: str, pki: Pki, url: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The stand-in serves the good chain for any URL: only the URL rules can reject these."""
    caplog.set_level(logging.INFO)
    body = _launch()
    assert post(server, body, signed_headers(body, pki.leaf.key, url))[0] == 400
    assert _rejection(caplog) == reason


def _headers_for(case: str, pki: Pki, body: bytes) -> tuple[bytes, dict[str, str]]:
    """Body and headers for one way of getting it wrong."""
    base = "https://s3.amazonaws.com/echo.api/"
    if case == "tampered body":
        headers = signed_headers(body, pki.leaf.key)
        return body.replace(b"LaunchRequest", b"IntentRequest", 1), headers
    if case == "wrong SAN":
        return body, signed_headers(body, pki.wrong_san_leaf.key, base + "wrong-san.pem")
    if case == "expired certificate":
        return body, signed_headers(body, pki.expired_leaf.key, base + "expired.pem")
    if case == "untrusted root":
        return body, signed_headers(body, pki.untrusted_leaf.key, base + "untrusted.pem")
    if case == "signed by another key":
        return body, signed_headers(body, pki.wrong_san_leaf.key)
    if case == "signature not base64":
        return body, {**signed_headers(body, pki.leaf.key), "Signature-256": "not base64!"}
    if case == "SHA-1-only signature":
        sha1 = pki.leaf.key.sign(body, padding.PKCS1v15(), hashes.SHA1())
        return body, {"SignatureCertChainUrl": CHAIN_URL, "Signature": base64.b64encode(sha1)}
    if case == "no signature":
        return body, {"SignatureCertChainUrl": CHAIN_URL}
    if case == "no chain url":
        headers = signed_headers(body, pki.leaf.key)
        del headers["SignatureCertChainUrl"]
        return body, headers
    if case == "no headers":
        return body, {}
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("tampered body", "signature mismatch"),
        ("wrong SAN", "cert SAN is not echo-api.amazon.com"),
        ("expired certificate", "cert outside validity dates"),
        ("untrusted root", "cert chain untrusted"),
        ("signed by another key", "signature mismatch"),
        ("signature not base64", "signature not base64"),
        ("SHA-1-only signature", "missing Signature-256"),
        ("no signature", "missing Signature-256"),
        ("no chain url", "missing SignatureCertChainUrl"),
        ("no headers", "missing SignatureCertChainUrl"),
    ],
)
def test_bad_signature_or_certificate_is_400(
    server: str, pki: Pki, case: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body, headers = _headers_for(case, pki, _launch())
    status, answer = post(server, body, headers)
    assert status == 400
    assert answer == {"error": "Bad Request"}
    assert _rejection(caplog) == reason
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "one line, no traceback"


@pytest.mark.parametrize(
    "age", [timedelta(seconds=-151), timedelta(seconds=151), timedelta(days=1)]
)
def test_stale_or_future_timestamp_is_400(
    server: str, pki: Pki, age: timedelta, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = _launch(timestamp=datetime.now(UTC) - age)
    assert post(server, body, signed_headers(body, pki.leaf.key))[0] == 400
    assert _rejection(caplog) == "timestamp out of range"


def test_timestamp_within_150_seconds_passes(server: str, pki: Pki) -> None:
    body = _launch(timestamp=datetime.now(UTC) - timedelta(seconds=120))
    assert post(server, body, signed_headers(body, pki.leaf.key))[0] == 200


def test_wrong_skill_id_is_400_not_500(
    server: str, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = _launch(skill_id="amzn1.ask.skill.someone-else")
    assert post(server, body, signed_headers(body, pki.leaf.key))[0] == 400
    assert _rejection(caplog) == "application id"


def test_envelope_without_context_application_is_400_not_500(
    server: str, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    """Found by the fuzzer: the SDK itself crashes on this shape when a skill id is set."""
    caplog.set_level(logging.INFO)
    envelope: dict[str, Any] = json.loads(_launch())
    del envelope["context"]["System"]["application"]
    body = json.dumps(envelope).encode()
    assert post(server, body, signed_headers(body, pki.leaf.key))[0] == 400
    assert _rejection(caplog) == "application id"


@pytest.mark.parametrize(
    "body",
    [b"{", b"not json at all", b"\xff\xfe\x00garbage", b"[]", b'"LaunchRequest"', b"{}", b""],
)
def test_malformed_body_is_400(server: str, pki: Pki, body: bytes) -> None:
    status, answer = post(server, body, signed_headers(body, pki.leaf.key))
    assert status == 400
    assert answer == {"error": "Bad Request"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("type", "NoSuchRequestType"), ("timestamp", "my secret words"), ("type", ["my words"])],
)
def test_envelope_the_sdk_cannot_read_is_400_not_500_and_not_logged(
    server: str, pki: Pki, field: str, value: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    envelope: dict[str, Any] = json.loads(_launch())
    envelope["request"][field] = value
    body = json.dumps(envelope).encode()
    assert post(server, body, signed_headers(body, pki.leaf.key))[0] == 400
    assert _rejection(caplog) == "envelope does not deserialize"
    assert "my words" not in caplog.text
    assert "my secret words" not in caplog.text


def test_oversize_body_is_413(server: str, pki: Pki) -> None:
    envelope: dict[str, Any] = json.loads(_launch())
    envelope["session"]["attributes"] = {"padding": "x" * MAX_BODY_BYTES}
    body = json.dumps(envelope).encode()
    status, answer = post(server, body, signed_headers(body, pki.leaf.key))
    assert status == 413
    assert answer == {"error": HTTPStatus.REQUEST_ENTITY_TOO_LARGE.phrase}  # name varies by Python


def test_request_log_line_has_ids_and_outcome_but_nothing_personal(
    server: str, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    session = envelopes.Session(skill_id=SKILL_ID)
    envelope = envelopes.intent(
        session,
        "CauseDetailIntent",
        {"cause": envelopes.Slot("my secret words", "COLD")},
        {"cause": "CrampCause"},
    )
    body = json.dumps(envelope).encode()
    assert post(server, body, signed_headers(body, pki.leaf.key))[0] == 200

    text = "\n".join(record.getMessage() for record in caplog.records)
    line = json.loads(
        [r.getMessage() for r in caplog.records if r.name == "skill.webservice.requests"][-1]
    )
    assert line["request_id"] == envelope["request"]["requestId"]
    assert (line["type"], line["intent"], line["status"]) == (
        "IntentRequest",
        "CauseDetailIntent",
        200,
    )
    assert line["latency_ms"] > 0
    for private in (session.user_id, session.device_id, session.session_id, "my secret words"):
        assert private not in text


def test_production_mode_refuses_to_start_without_skill_id() -> None:
    with pytest.raises(RuntimeError, match="SKILL_ID"):
        create_app(skill_id="", dev_mode=False)


def test_dev_mode_skips_signatures_but_still_checks_the_skill_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    app = create_app(skill_id=SKILL_ID, dev_mode=True)
    assert any("DEV MODE" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    with serve(app) as base_url:
        status, answer = post(base_url, _launch(timestamp=datetime.now(UTC) - timedelta(hours=1)))
        assert status == 200
        assert_alexa_response(answer)
        assert post(base_url, _launch(skill_id="amzn1.ask.skill.someone-else"))[0] == 400
