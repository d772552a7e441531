"""Checks that a web-service request really comes from Alexa, per Amazon's hosting rules."""

from __future__ import annotations

import base64
import binascii
import http.client
import posixpath
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote, urlsplit

import certifi
from ask_sdk_model import RequestEnvelope
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
ALEXA_SAN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
FETCH_TIMEOUT_SECONDS = 3.0
MAX_CHAIN_BYTES = 64 * 1024

Fetcher = Callable[[str], bytes]
Clock = Callable[[], datetime]


class RequestRejected(VerificationException):
    """A request that failed verification; `reason` is short and safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_cert_url(url: str) -> str:
    """The canonical `SignatureCertChainUrl`, or RequestRejected if Amazon could not own it."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise RequestRejected("cert url unparsable") from error
    if parts.scheme.lower() != "https":
        raise RequestRejected("cert url scheme")
    if parts.username is not None or parts.password is not None:
        raise RequestRejected("cert url userinfo")
    if parts.hostname != CERT_HOST:
        raise RequestRejected("cert url host")
    if port not in (None, 443):
        raise RequestRejected("cert url port")
    path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
    if not path.startswith(CERT_PATH_PREFIX):
        raise RequestRejected("cert url path")
    return f"https://{CERT_HOST}{quote(path)}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: the chain must come from the checked URL itself."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Returning None makes urllib raise the redirect as an HTTPError."""
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def download_chain(
    url: str, timeout: float = FETCH_TIMEOUT_SECONDS, max_bytes: int = MAX_CHAIN_BYTES
) -> bytes:
    """GET the PEM chain with a short timeout and a size cap; RequestRejected on any failure."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            data: bytes = response.read(max_bytes + 1)
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise RequestRejected("cert download failed") from error
    if len(data) > max_bytes:
        raise RequestRejected("cert chain too large")
    return data


def load_trusted_roots(pem_path: str | None = None) -> list[x509.Certificate]:
    """The CA roots to chain to: certifi's bundle unless a PEM file is given."""
    with open(pem_path or certifi.where(), "rb") as handle:
        return x509.load_pem_x509_certificates(handle.read())


@dataclass(frozen=True, slots=True)
class _TrustedChain:
    """A verified signing certificate's key, usable until the chain's earliest expiry."""

    public_key: rsa.RSAPublicKey
    expires: datetime


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by case-insensitive name (Flask headers and plain dicts alike)."""
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def _application_ids(envelope: RequestEnvelope) -> Iterable[str | None]:
    """The context's application id (None if absent: Alexa always sends it), and the session's."""
    system = envelope.context.system if envelope.context is not None else None
    application = system.application if system is not None else None
    yield application.application_id if application is not None else None
    if envelope.session is not None and envelope.session.application is not None:
        yield envelope.session.application.application_id


class AlexaRequestVerifier(AbstractVerifier):
    """Signature, certificate chain, timestamp and application-id checks for one skill.

    `dev_mode` switches off only the signature and timestamp checks (for simulators that
    cannot sign); the application id is still checked whenever `skill_id` is set.
    """

    def __init__(
        self,
        skill_id: str,
        *,
        dev_mode: bool = False,
        fetch: Fetcher = download_chain,
        trusted_roots: list[x509.Certificate] | None = None,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._skill_id = skill_id
        self._dev_mode = dev_mode
        self._fetch = fetch
        self._roots = trusted_roots
        self._store: Store | None = None
        self._clock = clock
        self._cache: dict[str, _TrustedChain] = {}
        self._lock = threading.Lock()

    def verify(
        self,
        headers: Mapping[str, str],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        """Raise RequestRejected unless the request passes every check that is switched on."""
        now = self._clock()
        if deserialized_request_env is None or deserialized_request_env.request is None:
            raise RequestRejected("not an Alexa request")
        if self._skill_id:
            self._check_application_id(deserialized_request_env)
        if self._dev_mode:
            return
        url = _header(headers, CERT_URL_HEADER)
        signature = _header(headers, SIGNATURE_HEADER)
        if not url:
            raise RequestRejected(f"missing {CERT_URL_HEADER}")
        if not signature:
            raise RequestRejected(f"missing {SIGNATURE_HEADER}")
        self._check_timestamp(deserialized_request_env, now)
        chain = self._trusted_chain(normalise_cert_url(url), now)
        self._check_signature(chain.public_key, signature, serialized_request_env.encode("utf-8"))

    def _check_application_id(self, envelope: RequestEnvelope) -> None:
        if any(app_id != self._skill_id for app_id in _application_ids(envelope)):
            raise RequestRejected("application id")

    @staticmethod
    def _check_timestamp(envelope: RequestEnvelope, now: datetime) -> None:
        stamp = envelope.request.timestamp if envelope.request is not None else None
        if not isinstance(stamp, datetime):
            raise RequestRejected("timestamp missing")
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        if abs(now - stamp) > TIMESTAMP_TOLERANCE:
            raise RequestRejected("timestamp out of range")

    def _trusted_chain(self, url: str, now: datetime) -> _TrustedChain:
        """The verified chain for `url`, downloaded once and cached until it expires."""
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None and now < cached.expires:
            return cached
        chain = self._verify_chain(self._fetch(url), now)
        with self._lock:
            self._cache[url] = chain
        return chain

    def _verify_chain(self, pem: bytes, now: datetime) -> _TrustedChain:
        try:
            certificates = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise RequestRejected("cert chain unparsable") from error
        leaf, intermediates = certificates[0], certificates[1:]
        if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
            raise RequestRejected("cert outside validity dates")
        try:
            san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except (x509.ExtensionNotFound, x509.DuplicateExtension, ValueError) as error:
            raise RequestRejected("cert has no readable SAN") from error
        if ALEXA_SAN not in (name.lower() for name in san.get_values_for_type(x509.DNSName)):
            raise RequestRejected("cert SAN is not echo-api.amazon.com")
        verifier = (
            PolicyBuilder()
            .store(self._trust_store())
            .time(now)
            .build_server_verifier(x509.DNSName(ALEXA_SAN))
        )
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError as error:
            raise RequestRejected("cert chain untrusted") from error
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise RequestRejected("cert key is not RSA")
        expires = min(cert.not_valid_after_utc for cert in certificates)
        return _TrustedChain(public_key=key, expires=expires)

    def _trust_store(self) -> Store:
        """The root store, built on first use (parsing the CA bundle takes a moment)."""
        if self._store is None:
            self._store = Store(self._roots if self._roots is not None else load_trusted_roots())
        return self._store

    @staticmethod
    def _check_signature(key: rsa.RSAPublicKey, signature_b64: str, body: bytes) -> None:
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise RequestRejected("signature not base64") from error
        try:
            key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as error:
            raise RequestRejected("signature mismatch") from error
