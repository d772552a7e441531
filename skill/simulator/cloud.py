"""A stand-in at the cloud's edge: Alexa's Reminders and Settings APIs on loopback HTTPS.

Amazon's APIs cannot be reached from here, so the simulator and the tests point the envelope's
`apiEndpoint` at this server and the SDK's real service clients make real HTTP calls to it. It
speaks the documented request and response formats (docs/reminders.md):

- `GET /v2/devices/{deviceId}/settings/System.timeZone`: the zone id as a JSON string, or 204;
- `GET /v1/alerts/reminders`: `{"totalCount", "alerts": [reminder...], "links"}`, only the
  calling user's reminders (on Alexa: this skill's, for this user);
- `POST /v1/alerts/reminders`, `GET`/`PUT`/`DELETE /v1/alerts/reminders/{alertToken}`;
- errors as `{"code", "message"}`: 400 for a body that breaks the format, 401 without a valid
  token, 403 (401 on reads) without the reminders permission, 404 for an unknown reminder.

The SDK's client refuses plain HTTP, so the server has a certificate from a certificate
authority made here (`cryptography`), which callers trust through `ca_path` (the skill's
`ServiceApiClient(ca_bundle=...)`). Tests script failures with `fail()` (a status, a body, a
hang) and read what was sent in `calls`; `delete_from_app` plays a user deleting a reminder in
the Alexa app. Users are told apart by their API access token (`token_for`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import ssl
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SCOPE = "alexa::alerts:reminders:skill:readwrite"
REMINDERS = "/v1/alerts/reminders"
TIME_ZONE = re.compile(r"^/v2/devices/([^/]+)/settings/System\.timeZone$")
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?$")  # no offset
RRULE = re.compile(r"^FREQ=DAILY;BYHOUR=(\d{1,2});BYMINUTE=(\d{1,2});BYSECOND=0(?:;INTERVAL=1)?;?$")
MAX_TEXT_CHARS = 140  # assumed for the stand-in; the skill keeps to it (skill/content.py)
# A plausible zone for each locale's device (the simulator's default; `set_time_zone` changes it).
LOCALE_ZONES = {
    "en-US": "America/New_York",
    "en-CA": "America/Toronto",
    "en-GB": "Europe/London",
    "en-AU": "Australia/Sydney",
    "en-IN": "Asia/Kolkata",
    "es-US": "America/Chicago",
    "es-MX": "America/Mexico_City",
    "es-ES": "Europe/Madrid",
}


@dataclass
class Fault:
    """A scripted failure: the next `times` calls matching method and path prefix get it."""

    method: str
    path: str
    status: int = 500
    body: str | None = None  # None: the documented error object
    hang: float = 0.0  # seconds to wait before answering (past the client's timeout)
    times: int = 1


@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    path: str
    body: Any
    authorized: bool


@dataclass
class _User:
    granted: bool = False
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)


def _now_iso(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A certificate authority and a loopback server certificate it signs, as PEM files:
    (CA certificate, server certificate, server key). The SMAPI stand-in uses it too."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Leg Cramp Helper stand-in CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


def _error_code(path: str, status: int) -> str:
    """The `code` of an error body: the Settings API's codes are an enumeration (the SDK's
    ups.ErrorCode); the Reminders API's are words such as UNAUTHORIZED."""
    if path.startswith("/v2/devices"):
        return "INVALID_TOKEN" if status in (401, 403) else "UNKNOWN_ERROR"
    return {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 429: "TOO_MANY_REQUESTS"}.get(
        status, "INTERNAL_SERVER_ERROR" if status >= 500 else "INVALID_REQUEST"
    )


class _BadRequest(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _check_reminder(body: Any, now: dt.datetime) -> None:
    """Refuse a create or update body that breaks the documented format (400)."""
    if not isinstance(body, dict):
        raise _BadRequest("INVALID_REQUEST", "the body must be a reminder object")
    trigger = body.get("trigger")
    if not isinstance(trigger, dict) or trigger.get("type") != "SCHEDULED_ABSOLUTE":
        raise _BadRequest("INVALID_TRIGGER", "trigger.type must be SCHEDULED_ABSOLUTE")
    zone_id = trigger.get("timeZoneId")
    try:
        zone = ZoneInfo(zone_id) if isinstance(zone_id, str) and "/" in zone_id else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone is None:
        raise _BadRequest("INVALID_TIMEZONE", "trigger.timeZoneId must be a time zone id")
    recurrence = trigger.get("recurrence")
    start = trigger.get("scheduledTime")
    if isinstance(recurrence, dict):
        rules = recurrence.get("recurrenceRules")
        if not isinstance(rules, list) or len(rules) != 1 or not RRULE.match(str(rules[0])):
            raise _BadRequest("INVALID_RECURRENCE", "one daily recurrence rule")
        start = recurrence.get("startDateTime", start)
    if not isinstance(start, str) or not LOCAL_TIME.match(start):
        raise _BadRequest(
            "INVALID_TRIGGER_SCHEDULED_TIME_FORMAT", "local date and time, without an offset"
        )
    local = dt.datetime.fromisoformat(start).replace(tzinfo=zone)
    if local <= now:
        raise _BadRequest("PAST_SCHEDULED_TIME", "the first time must be in the future")
    content = (body.get("alertInfo") or {}).get("spokenInfo", {}).get("content")
    if not isinstance(content, list) or not content:
        raise _BadRequest("INVALID_ALERT_INFO", "alertInfo.spokenInfo.content is required")
    for spoken in content:
        text = spoken.get("text") if isinstance(spoken, dict) else None
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_CHARS:
            raise _BadRequest("INVALID_ALERT_INFO", f"text of 1 to {MAX_TEXT_CHARS} characters")
        if not isinstance(spoken.get("locale"), str):
            raise _BadRequest("INVALID_ALERT_INFO", "each text names its locale")
    push = body.get("pushNotification")
    if push is not None and (
        not isinstance(push, dict)
        or push.get("status")
        not in (
            "ENABLED",
            "DISABLED",
        )
    ):
        raise _BadRequest("INVALID_PUSH_NOTIFICATION", "pushNotification.status")


class CloudStandIn:
    """The stand-in server, running on a thread of its own until `close()`."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="alexa-cloud-standin-"))
        ca_path, cert_path, key_path = make_certificates(self._folder)
        self.ca_path = str(ca_path)
        self._lock = threading.Lock()
        self._users: dict[str, _User] = {}
        self._zones: dict[str, str | None] = {}
        self.default_time_zone: str | None = "America/New_York"
        self.faults: list[Fault] = []
        self.calls: list[Call] = []
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                standin._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.endpoint = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # --- what the simulator and the tests set up ---

    @staticmethod
    def token_for(user_id: str) -> str:
        """The API access token the stand-in knows a user by (opaque, as Alexa's are)."""
        return "standin." + hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:32]

    def user(self, token: str, *, granted: bool | None = None) -> None:
        """Make a token known; `granted` sets whether it has the reminders permission."""
        with self._lock:
            user = self._users.setdefault(token, _User())
            if granted is not None:
                user.granted = granted

    def granted(self, token: str) -> bool:
        """Whether the user behind a token has the reminders permission."""
        with self._lock:
            return token in self._users and self._users[token].granted

    def set_time_zone(self, device_id: str, zone_id: str | None) -> None:
        """A device's time zone; None means the Settings API has none for it (204)."""
        with self._lock:
            self._zones[device_id] = zone_id

    def fail(self, method: str, path: str, status: int = 500, **options: Any) -> Fault:
        """Script a failure for the next matching call (see Fault)."""
        fault = Fault(method.upper(), path, status, **options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def reminders(self, token: str) -> list[dict[str, Any]]:
        """A user's reminders as the simulator shows them: id, time, recurrence, text."""
        with self._lock:
            stored = list(self._users[token].reminders.values()) if token in self._users else []
        rows = []
        for reminder in stored:
            trigger = reminder["trigger"]
            rule = (trigger.get("recurrence") or {}).get("recurrenceRules", [""])[0]
            match = RRULE.match(rule)
            when = (
                f"{int(match[1]):02d}:{int(match[2]):02d}"
                if match
                else trigger.get("scheduledTime", "")[11:16]
            )
            content = reminder["alertInfo"]["spokenInfo"]["content"]
            rows.append(
                {
                    "id": reminder["alertToken"],
                    "time": when,
                    "recurrence": rule,
                    "text": content[0]["text"],
                }
            )
        return rows

    def stored(self, token: str) -> list[dict[str, Any]]:
        """A user's reminders exactly as the API would list them."""
        with self._lock:
            user = self._users.get(token)
            return json.loads(json.dumps(list(user.reminders.values()))) if user else []

    def delete_from_app(self, token: str, alert_token: str | None = None) -> None:
        """The user deletes a reminder (or all of them) in the Alexa app."""
        with self._lock:
            user = self._users.get(token)
            if user is None:
                return
            for key in [alert_token] if alert_token else list(user.reminders):
                user.reminders.pop(key, None)

    def close(self) -> None:
        """Stop serving and remove the certificate files."""
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._folder, ignore_errors=True)

    # --- serving ---

    def _fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method == method and path.startswith(fault.path) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        method, path = handler.command, handler.path.split("?", 1)[0]
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        auth = handler.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
        with self._lock:
            known = token in self._users
            self.calls.append(Call(method, path, body, known))
        fault = self._fault(method, path)
        if fault is not None:
            if fault.hang:
                time.sleep(fault.hang)
            text = fault.body
            if text is None:
                text = json.dumps({"code": _error_code(path, fault.status), "message": "scripted"})
            return self._send(handler, fault.status, text)
        status, answer = self._route(method, path, token, known, body)
        self._send(handler, status, None if answer is None else json.dumps(answer))

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, text: str | None) -> None:
        data = (text or "").encode("utf-8")
        handler.send_response(status)
        if data:
            handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if data:
            handler.wfile.write(data)

    def _route(self, method: str, path: str, token: str, known: bool, body: Any) -> tuple[int, Any]:
        if not known:
            return 401, {"code": _error_code(path, 401), "message": "the access token is not valid"}
        zone = TIME_ZONE.match(path)
        if zone and method == "GET":
            with self._lock:
                zone_id = self._zones.get(zone[1], self.default_time_zone)
            return (200, zone_id) if zone_id else (204, None)
        if path == REMINDERS or path.startswith(REMINDERS + "/"):
            if not self.granted(token):
                status = 403 if method == "POST" else 401
                return status, {"code": "UNAUTHORIZED", "message": "no permission for reminders"}
            alert_token = path[len(REMINDERS) + 1 :] or None
            try:
                return self._reminders(method, token, alert_token, body)
            except _BadRequest as bad:
                return 400, {"code": bad.code, "message": bad.message}
        return 404, {"code": "NOT_FOUND", "message": "no such resource"}

    def _reminders(
        self, method: str, token: str, alert_token: str | None, body: Any
    ) -> tuple[int, Any]:
        now = self.clock()
        with self._lock:
            stored = self._users[token].reminders
            if alert_token is None and method == "GET":
                alerts = list(stored.values())
                return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}
            if alert_token is None and method == "POST":
                _check_reminder(body, now)
                alert_token = str(uuid.uuid4())
                stored[alert_token] = self._reminder(alert_token, body, now, now)
                return 200, self._summary(stored[alert_token])
            if alert_token is None or alert_token not in stored:
                return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
            if method == "GET":
                return 200, stored[alert_token]
            if method == "DELETE":
                del stored[alert_token]
                return 200, None
            if method == "PUT":
                _check_reminder(body, now)
                created = stored[alert_token]["createdTime"]
                stored[alert_token] = self._reminder(alert_token, body, now, None, created)
                return 200, self._summary(stored[alert_token])
        return 405, {"code": "METHOD_NOT_ALLOWED", "message": method}

    @staticmethod
    def _reminder(
        alert_token: str,
        body: dict[str, Any],
        now: dt.datetime,
        created: dt.datetime | None,
        created_text: str | None = None,
    ) -> dict[str, Any]:
        return {
            "alertToken": alert_token,
            "createdTime": created_text or _now_iso(created or now),
            "updatedTime": _now_iso(now),
            "trigger": body["trigger"],
            "status": "ON",
            "alertInfo": body["alertInfo"],
            "pushNotification": body.get("pushNotification") or {"status": "ENABLED"},
            "version": "1",
        }

    @staticmethod
    def _summary(reminder: dict[str, Any]) -> dict[str, Any]:
        return {
            "alertToken": reminder["alertToken"],
            "createdTime": reminder["createdTime"],
            "updatedTime": reminder["updatedTime"],
            "status": reminder["status"],
            "version": reminder["version"],
            "href": f"{REMINDERS}/{reminder['alertToken']}",
        }


_shared: CloudStandIn | None = None
_shared_lock = threading.Lock()


def shared() -> CloudStandIn:
    """The process's one stand-in, started on first use (the simulators share it)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = CloudStandIn()
        return _shared
