"""Helpers for web-service tests: a throwaway PKI, signed Alexa requests, a real HTTP server."""

from __future__ import annotations

import base64
import http.client
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from skill.simulator import cli

ALEXA_SAN = "echo-api.amazon.com"
CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Throwaway Test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class Issuer:
    """A CA: its certificate and key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def make_root(common_name: str) -> Issuer:
    """A self-signed root CA."""
    key = _key()
    now = datetime.now(UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issuer(cert, key)


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _issued(
    issuer: Issuer,
    public_key: rsa.RSAPublicKey,
    subject: str,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.cert.public_key()),
            critical=False,
        )
    )


def make_intermediate(root: Issuer, common_name: str) -> Issuer:
    """An intermediate CA under `root`."""
    key = _key()
    cert = (
        _issued(root, key.public_key(), common_name)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .sign(root.key, hashes.SHA256())
    )
    return Issuer(cert, key)


def make_leaf(
    issuer: Issuer,
    san: str = ALEXA_SAN,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Issuer:
    """A signing certificate for `san`, as Amazon's echo-api certificate is shaped."""
    key = _key()
    cert = (
        _issued(issuer, key.public_key(), san, not_before, not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Issuer(cert, key)


def chain_pem(*certs: x509.Certificate) -> bytes:
    """A PEM chain, leaf first, as served from S3."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass(frozen=True)
class Pki:
    """A trusted root with an intermediate, and leaves for the good and bad cases."""

    root: Issuer
    intermediate: Issuer
    leaf: Issuer
    wrong_san_leaf: Issuer
    expired_leaf: Issuer
    untrusted_leaf: Issuer
    untrusted_intermediate: Issuer

    def chains(self) -> dict[str, bytes]:
        """What the stand-in for S3 serves: URL -> PEM chain."""
        base = "https://s3.amazonaws.com/echo.api/"
        return {
            CHAIN_URL: chain_pem(self.leaf.cert, self.intermediate.cert),
            base + "wrong-san.pem": chain_pem(self.wrong_san_leaf.cert, self.intermediate.cert),
            base + "expired.pem": chain_pem(self.expired_leaf.cert, self.intermediate.cert),
            base + "untrusted.pem": chain_pem(
                self.untrusted_leaf.cert, self.untrusted_intermediate.cert
            ),
        }


def make_pki() -> Pki:
    """Build the whole throwaway PKI (a few RSA keys: about a second)."""
    root = make_root("Test Root CA")
    intermediate = make_intermediate(root, "Test Intermediate CA")
    now = datetime.now(UTC)
    rogue_root = make_root("Test Root CA")  # same name, different key: not in the trust store
    rogue_intermediate = make_intermediate(rogue_root, "Test Intermediate CA")
    return Pki(
        root=root,
        intermediate=intermediate,
        leaf=make_leaf(intermediate),
        wrong_san_leaf=make_leaf(intermediate, san="echo-api.example.com"),
        expired_leaf=make_leaf(
            intermediate, not_before=now - timedelta(days=60), not_after=now - timedelta(days=1)
        ),
        untrusted_leaf=make_leaf(rogue_intermediate),
        untrusted_intermediate=rogue_intermediate,
    )


def signed_headers(body: bytes, signer: rsa.RSAPrivateKey, url: str = CHAIN_URL) -> dict[str, str]:
    """The headers Alexa sends: the chain URL and a SHA-256 RSA signature of the body."""
    signature = signer.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": url,
        "Signature-256": base64.b64encode(signature).decode("ascii"),
    }


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Run `app` on a real loopback HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll, so that shutting down (once per test that serves) takes no half second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def get(base_url: str, raw_path: str) -> tuple[int, dict[str, str], bytes]:
    """GET a path exactly as written (no client-side normalisation of `..`)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def post(
    base_url: str, body: bytes, headers: dict[str, str] | None = None, path: str = "/"
) -> tuple[int, dict[str, Any] | None]:
    """POST raw bytes; returns the status and the JSON answer (None if not JSON)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("POST", path, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(payload)
    except ValueError:
        return response.status, None


def app_post(
    client: FlaskClient, body: bytes, headers: dict[str, str] | None = None, path: str = "/"
) -> tuple[int, dict[str, Any] | None]:
    """`post` through Flask's test client, for tests that need no real socket."""
    response = client.post(path, data=body, headers=headers or {})
    return response.status_code, response.get_json(silent=True)


def assert_alexa_response(envelope: Any) -> None:
    """Fail unless `envelope` is a response Alexa would accept and speak."""
    assert isinstance(envelope, dict)
    assert envelope["version"] == "1.0"
    assert len(json.dumps(envelope)) < 24 * 1024
    response = envelope["response"]
    assert response.get("shouldEndSession") in (None, True, False)
    speeches = [response.get("outputSpeech"), (response.get("reprompt") or {}).get("outputSpeech")]
    for speech in filter(None, speeches):
        assert speech["type"] == "SSML"
        assert speech["ssml"].startswith("<speak>")
        assert speech["ssml"].endswith("</speak>")
        assert len(speech["ssml"]) < 8000
    if response.get("shouldEndSession") is False:
        speaks = any(  # on a screen, the guided stretch is spoken by its document
            d.get("type") == "Alexa.Presentation.APL.ExecuteCommands"
            for d in response.get("directives") or []
        )
        assert response.get("outputSpeech") or speaks, "an open microphone needs something said"


def terminal_json(lines: list[str], locale: str = "en-US") -> list[dict[str, Any]]:
    """What `python -m skill.simulator --json --locale L --user-id new LINE...` prints, one object
    per line.

    A first-time user of its own, so it is never welcomed back by an earlier test's visit.
    """
    out = io.StringIO()
    argv = ["--json", "--locale", locale, "--user-id", "new", *lines]
    assert cli.main(argv, stdout=out, stderr=io.StringIO()) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]
