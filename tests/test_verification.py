"""The request verifier on its own: URL rules, the chain download, the chain cache."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, redirect
from web_support import CHAIN_URL, SKILL_ID, Pki, chain_pem, serve, signed_headers

from skill.simulator import envelopes
from skill.verification import (
    AlexaRequestVerifier,
    RequestRejected,
    download_chain,
    normalise_cert_url,
)

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (CHAIN_URL, CHAIN_URL),
        (
            "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "HTTPS://S3.AmazonAWS.COM/echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
    ],
)
def test_amazon_urls_are_accepted_in_canonical_form(url: str, expected: str) -> None:
    assert normalise_cert_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "cert url scheme"),
        ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", "cert url scheme"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "cert url host"),
        ("https://s3.amazonaws.com.evil.example/echo.api/cert.pem", "cert url host"),
        ("https://s3.amazonaws.com@evil.example/echo.api/cert.pem", "cert url userinfo"),
        ("https://user@s3.amazonaws.com/echo.api/cert.pem", "cert url userinfo"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "cert url path"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "cert url path"),
        ("https://s3.amazonaws.com/echo.api/../evil/cert.pem", "cert url path"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem", "cert url path"),
        ("https://s3.amazonaws.com/echo.api", "cert url path"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "cert url port"),
        ("https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem", "cert url port"),
        ("https://s3.amazonaws.com:junk/echo.api/echo-api-cert.pem", "cert url unparsable"),
        ("", "cert url scheme"),
    ],
)
def test_urls_amazon_cannot_own_are_rejected(url: str, reason: str) -> None:
    with pytest.raises(RequestRejected) as rejected:
        normalise_cert_url(url)
    assert rejected.value.reason == reason


def _signed(pki: Pki, at: datetime, url: str = CHAIN_URL) -> tuple[dict[str, str], str, Any]:
    """Headers, body and deserialized envelope of a LaunchRequest stamped `at`."""
    envelope = envelopes.launch(envelopes.Session(skill_id=SKILL_ID))
    envelope["request"]["timestamp"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(envelope)
    deserialized = DefaultSerializer().deserialize(body, RequestEnvelope)
    return signed_headers(body.encode(), pki.leaf.key, url), body, deserialized


def test_bad_url_is_rejected_before_anything_is_downloaded(pki: Pki) -> None:
    fetched: list[str] = []
    verifier = AlexaRequestVerifier(
        SKILL_ID, fetch=lambda url: fetched.append(url) or b"", trusted_roots=[pki.root.cert]
    )
    headers, body, envelope = _signed(
        pki, datetime.now(UTC), "https://evil.example/echo.api/cert.pem"
    )
    with pytest.raises(RequestRejected, match="cert url host"):
        verifier.verify(headers, body, envelope)
    assert fetched == []


def test_chain_is_cached_until_the_certificate_expires(pki: Pki) -> None:
    fetched: list[str] = []
    now = [datetime.now(UTC)]
    chain = chain_pem(pki.leaf.cert, pki.intermediate.cert)
    verifier = AlexaRequestVerifier(
        SKILL_ID,
        fetch=lambda url: fetched.append(url) or chain,
        trusted_roots=[pki.root.cert],
        clock=lambda: now[0],
    )
    for _ in range(3):
        verifier.verify(*_signed(pki, now[0]))
    assert fetched == [CHAIN_URL]

    now[0] = pki.leaf.cert.not_valid_after_utc + timedelta(seconds=1)
    with pytest.raises(RequestRejected, match="cert outside validity dates"):
        verifier.verify(*_signed(pki, now[0]))
    assert fetched == [CHAIN_URL, CHAIN_URL]


@pytest.fixture(scope="module")
def s3_stand_in(pki: Pki) -> Iterator[str]:
    """A local HTTP server standing in for S3 (unreachable here), for the real downloader."""
    app = Flask("s3-stand-in")
    chain = chain_pem(pki.leaf.cert, pki.intermediate.cert)

    @app.get("/chain.pem")
    def good() -> bytes:
        return chain

    @app.get("/huge.pem")
    def huge() -> bytes:
        return chain * 40

    @app.get("/slow.pem")
    def slow() -> bytes:
        time.sleep(1.5)
        return chain

    @app.get("/moved.pem")
    def moved() -> Response:
        return redirect("/chain.pem")

    with serve(app) as base_url:
        yield base_url


def test_download_returns_the_chain(s3_stand_in: str, pki: Pki) -> None:
    assert download_chain(f"{s3_stand_in}/chain.pem") == chain_pem(
        pki.leaf.cert, pki.intermediate.cert
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/huge.pem", "cert chain too large"),
        ("/slow.pem", "cert download failed"),
        ("/moved.pem", "cert download failed"),
        ("/missing.pem", "cert download failed"),
    ],
)
def test_download_fails_closed(s3_stand_in: str, path: str, reason: str) -> None:
    with pytest.raises(RequestRejected) as rejected:
        download_chain(f"{s3_stand_in}{path}", timeout=0.5)
    assert rejected.value.reason == reason


@pytest.mark.parametrize(
    "served",
    [
        b"",
        b"<html>Access Denied</html>",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ],
)
def test_unparsable_chain_is_rejected(pki: Pki, served: bytes) -> None:
    verifier = AlexaRequestVerifier(
        SKILL_ID, fetch=lambda url: served, trusted_roots=[pki.root.cert]
    )
    with pytest.raises(RequestRejected, match="cert chain unparsable"):
        verifier.verify(*_signed(pki, datetime.now(UTC)))
