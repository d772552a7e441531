"""The gTTS path of the clip build, against a LOCAL STAND-IN for Google's TTS endpoint.

These machines have no route to Google, so the cloud boundary is replaced: gTTS itself runs
unchanged (real `requests`, real TLS, real HTTP). It reaches the stand-in the way it would
reach Google through a corporate proxy, via `https_proxy`: a local CONNECT proxy that
terminates TLS with a throwaway certificate (gTTS does not verify certificates) and answers
the batchexecute endpoint in Google's format, or fails on purpose (429, 503, slow, no audio).
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from skill.audio import mp3
from skill.audio.build import build
from skill.audio.engines import GttsEngine, OfflineEngine
from skill.audio.manifest import Manifest

pytestmark = pytest.mark.integration

TEXTS = [("prompt.hello", "Hello there."), ("prompt.bye", "Goodbye for now.")]


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for translate.google.com, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "translate.google.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class StandIn:
    """Google's TTS endpoint as seen through a proxy; `script` lists what the next calls get."""

    def __init__(self, tls: ssl.SSLContext, speech: bytes) -> None:
        self.tls, self.speech = tls, speech
        self.script: list[str] = []
        self.texts: list[str] = []
        self.paths: list[str] = []

    def answer(self) -> str:
        """The behaviour for the next request: the head of the script, then `ok`."""
        return self.script.pop(0) if self.script else "ok"


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Google(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            """Quiet."""

        def do_POST(self) -> None:
            """The batchexecute RPC: one text part in, base64 MP3 out (or a failure)."""
            body = self.rfile.read(int(self.headers["Content-Length"]))
            rpc = json.loads(urllib.parse.parse_qs(body.decode())["f.req"][0])
            stand_in.paths.append(self.path)
            stand_in.texts.append(json.loads(rpc[0][0][1])[0])
            answer = stand_in.answer()
            if answer == "slow":
                time.sleep(0.6)
                answer = "ok"
            if answer.isdigit():
                self.send_error(int(answer))
                return
            audio = base64.b64encode(stand_in.speech).decode() if answer == "ok" else ""
            rpc_reply = [["wrb.fr", "jQ1olc", f'["{audio}"]', None, None, None, "generic"]]
            line = json.dumps(rpc_reply, separators=(",", ":"))
            payload = (")]}'\n\n" + line + "\n").encode()
            if answer == "noaudio":
                payload = b')]}\'\n\n[["wrb.fr","jQ1olc",null]]\n'
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    class Proxy(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            """Quiet."""

        def do_CONNECT(self) -> None:
            """Accept the tunnel, then speak TLS as translate.google.com inside it."""
            assert self.path == "translate.google.com:443", self.path
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            tunnel = stand_in.tls.wrap_socket(self.connection, server_side=True)
            Google(tunnel, self.client_address, self.server)
            self.close_connection = True

    return Proxy


def _proxy_to(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """Route gTTS's HTTPS traffic through a local port, whatever proxies the machine has."""
    for name in ("no_proxy", "NO_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")


@pytest.fixture(scope="module")
def google_mp3(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An MP3 shaped like Google's answer: 24 kHz mono at 32 kbps (not Alexa's 48 kbps)."""
    folder = tmp_path_factory.mktemp("google")
    wav, out = folder / "g.wav", folder / "g.mp3"
    subprocess.run(["espeak-ng", "-w", str(wav), "Hello there."], check=True)
    subprocess.run(
        ["lame", "--quiet", "-m", "m", "-b", "32", "--resample", "24", str(wav), str(out)],
        check=True,
    )
    return out.read_bytes()


@pytest.fixture
def google(tmp_path: Path, google_mp3: bytes, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """The stand-in, with `https_proxy` pointing gTTS at it."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(*_certificate(tmp_path))
    stand_in = StandIn(tls, google_mp3)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    _proxy_to(monkeypatch, server.server_address[1])
    yield stand_in
    server.shutdown()
    server.server_close()


def _gtts(**kwargs: object) -> GttsEngine:
    """gTTS with its retries recorded instead of slept."""
    engine = GttsEngine(timeout=0.3, **kwargs)
    engine.slept = []  # type: ignore[attr-defined]
    engine.sleep = engine.slept.append  # type: ignore[attr-defined]
    return engine


def test_gtts_clip_is_re_encoded_to_alexas_format(google: StandIn, tmp_path: Path) -> None:
    """Google's 32 kbps answer becomes a 48 kbps CBR MPEG-2 clip, recorded as made by gTTS."""
    summary = build(TEXTS, "en-US", tmp_path, [_gtts(), OfflineEngine()])
    assert summary.rendered == {"gtts": 2} and not summary.missing
    assert google.texts == ["Hello there.", "Goodbye for now."]
    assert google.paths == ["/_/TranslateWebserverUi/data/batchexecute"] * 2
    entries = Manifest.load(tmp_path / "manifest.json").clips["en-US"]
    assert {e.engine for e in entries.values()} == {"gtts"}
    clip = tmp_path / "en-US" / entries["prompt.hello"].file
    assert mp3.problems(clip) == []
    facts = mp3.inspect(clip)
    assert facts.bitrates == {48_000} and facts.sample_rate == 24_000
    assert abs(facts.duration - entries["prompt.hello"].duration) < 0.01
    assert 0.5 < facts.duration < 3


@pytest.mark.parametrize("failure", ["429", "503", "slow"])
def test_transient_failures_are_retried_with_backoff(
    google: StandIn, tmp_path: Path, failure: str
) -> None:
    """A rate limit, a server error or a timeout is retried, waiting longer each time."""
    google.script = [failure, failure]
    engine = _gtts(attempts=3, backoff=0.5)
    summary = build(TEXTS[:1], "en-US", tmp_path, [engine, OfflineEngine()])
    assert summary.rendered == {"gtts": 1}
    assert engine.slept == [0.5, 1.0]  # type: ignore[attr-defined]


def test_persistent_failure_falls_back_then_next_build_upgrades(
    google: StandIn, tmp_path: Path
) -> None:
    """When gTTS keeps failing, espeak-ng makes the clip; the next reachable build redoes it."""
    google.script = ["503"] * 3
    engine = _gtts(attempts=3)
    first = build(TEXTS, "en-US", tmp_path, [engine, OfflineEngine()])
    assert first.rendered == {"offline": 2}
    assert len(google.texts) == 3  # gave up on gTTS for the rest of the run after one clip
    entries = Manifest.load(tmp_path / "manifest.json").clips["en-US"]
    assert {e.engine for e in entries.values()} == {"offline"}

    second = build(TEXTS, "en-US", tmp_path, [_gtts(), OfflineEngine()])
    assert second.rendered == {"gtts": 2} and second.unchanged == 0
    entries = Manifest.load(tmp_path / "manifest.json").clips["en-US"]
    assert {e.engine for e in entries.values()} == {"gtts"}
    assert all(mp3.problems(tmp_path / "en-US" / e.file) == [] for e in entries.values())

    google.texts.clear()
    third = build(TEXTS, "en-US", tmp_path, [_gtts(), OfflineEngine()])
    assert third.unchanged == 2 and not third.rendered and google.texts == []


def test_answer_without_audio_counts_as_failure(google: StandIn, tmp_path: Path) -> None:
    """A 200 with no audio in it (a changed token or API) falls back like any other failure."""
    google.script = ["noaudio"] * 2
    summary = build(TEXTS[:1], "en-US", tmp_path, [_gtts(attempts=2), OfflineEngine()])
    assert summary.rendered == {"offline": 1}


def test_failed_upgrade_keeps_the_fallback_clip(google: StandIn, tmp_path: Path) -> None:
    """An offline clip whose gTTS retry fails stays as it was, not re-rendered offline."""
    build(TEXTS[:1], "en-US", tmp_path, [OfflineEngine()])
    before = (tmp_path / "manifest.json").read_text()
    google.script = ["403"] * 2
    summary = build(TEXTS[:1], "en-US", tmp_path, [_gtts(attempts=2), OfflineEngine()])
    assert summary.unchanged == 1 and not summary.rendered
    assert (tmp_path / "manifest.json").read_text() == before
    assert re.search(r'"engine": "offline"', before)


def test_no_network_falls_back_to_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused connection (the stand-in's address with nothing listening) is retried, then
    the offline engine makes every clip."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    _proxy_to(monkeypatch, port)
    engine = _gtts(attempts=2)
    summary = build(TEXTS, "en-US", tmp_path, [engine, OfflineEngine()])
    assert summary.rendered == {"offline": 2} and engine.down
    assert engine.slept == [0.5]  # type: ignore[attr-defined]
