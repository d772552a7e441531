"""A turn through the web simulator's API against calling the Lambda handler directly, same run.

The server is the real command (`python -m skill.simulator --web`) in its own process; a client
here POSTs each line of one realistic conversation to `/api/turn` over a kept-alive loopback
connection. The baseline is the handler itself given the very envelopes the API built, timed in
this process. Rounds alternate which goes first. What the API adds (language understanding,
envelopes, Flask, JSON, HTTP) is the difference of the two; target: at most 5 ms at p95.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import out_dir_argument, print_table, summary_ms, write_results

NAME = "web_sim"
TARGET_ADDED_P95_MS = 5.0
ROOT = Path(__file__).resolve().parent.parent
CONVERSATION = (
    "open leg cramp helper",
    "why do my legs cramp at night",
    "tell me about chilly legs",
    "how can I prevent leg cramps",
    "yes",
    "next",
    "repeat",
)


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """POSTs JSON to the server over one kept-alive connection (reopened if the server closes)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def turn(self, line: str, session: str | None) -> dict[str, Any]:
        """One line through `/api/turn`; the decoded answer."""
        body = json.dumps({"line": line, "session": session})
        for attempt in (1, 2):
            try:
                self.connection.request(
                    "POST", "/api/turn", body, {"Content-Type": "application/json"}
                )
                response = self.connection.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                if attempt == 2:
                    raise
        if response.status != 200:
            raise RuntimeError(f"{line!r}: HTTP {response.status} {payload[:200]!r}")
        return json.loads(payload)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def start_server(port: int, store: Path) -> subprocess.Popen[bytes]:
    """`python -m skill.simulator --web --port PORT`, waited for until it answers.

    Visits go to the SQLite file `store`, not the checkout's `.data/`: every run meets a
    first-time user and leaves a developer's own simulator state alone.
    """
    server = subprocess.Popen(
        [sys.executable, "-m", "skill.simulator", "--web", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PERSISTENCE": f"sqlite:{store}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the web simulator exited at start") from None
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the web simulator did not start within 60 s")


def api_round(client: Client) -> tuple[list[float], list[dict[str, Any]]]:
    """The conversation through the API: seconds per turn, and the request envelopes it built."""
    session, seconds, envelopes = None, [], []
    for line in CONVERSATION:
        start = time.perf_counter()
        answer = client.turn(line, session)
        seconds.append(time.perf_counter() - start)
        session = answer["session"]
        envelopes.append(answer["request"])
    return seconds, envelopes


def handler_round(handler: Any, envelopes: list[dict[str, Any]]) -> list[float]:
    """The same envelopes straight into the Lambda handler: seconds per request."""
    fresh = copy.deepcopy(envelopes)
    seconds = []
    for event in fresh:
        start = time.perf_counter()
        handler(event, None)
        seconds.append(time.perf_counter() - start)
    return seconds


def measure(rounds: int, warmup: int) -> dict[str, Any]:
    """Interleaved rounds through the API and the handler; returns the results."""
    from skill.lambda_function import handler

    port = free_port()
    folder = tempfile.TemporaryDirectory(prefix="web-sim-")
    server = start_server(port, Path(folder.name) / "visits.sqlite3")
    client = Client(port)
    api: list[float] = []
    direct: list[float] = []
    try:
        _, envelopes = api_round(client)
        intents = [
            e["request"].get("intent", {}).get("name", e["request"]["type"]) for e in envelopes
        ]
        for index in range(warmup + rounds):
            if index % 2 == 0:
                api_seconds, envelopes = api_round(client)
                direct_seconds = handler_round(handler, envelopes)
            else:
                direct_seconds = handler_round(handler, envelopes)
                api_seconds, envelopes = api_round(client)
            if index >= warmup:
                api += api_seconds
                direct += direct_seconds
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)
        folder.cleanup()
    through_api, handler_only = summary_ms(api), summary_ms(direct)
    added_p95 = round(through_api["p95_ms"] - handler_only["p95_ms"], 4)
    return {
        "target_added_p95_ms": TARGET_ADDED_P95_MS,
        "rounds": rounds,
        "warmup_rounds": warmup,
        "conversation": list(CONVERSATION),
        "requests": intents,
        "environment": {k: os.environ.get(k) for k in ("SKILL_ID", "AUDIO_BASE_URL")},
        "api": through_api,
        "handler": handler_only,
        "added_median_ms": round(through_api["median_ms"] - handler_only["median_ms"], 4),
        "added_p95_ms": added_p95,
        "within_target": added_p95 <= TARGET_ADDED_P95_MS,
    }


def report(results: dict[str, Any]) -> None:
    """Prints the results as a small table and the verdict."""
    print(f"Web simulator turn, {results['rounds']} interleaved rounds of {len(CONVERSATION)}")
    rows = [
        (label, s["median_ms"], s["p95_ms"], s["min_ms"], s["n"])
        for label, s in (("POST /api/turn", results["api"]), ("handler", results["handler"]))
    ]
    rows.append(("added by the API", results["added_median_ms"], results["added_p95_ms"], "", ""))
    print_table(("path", "median ms", "p95 ms", "min ms", "requests"), rows)
    verdict = "within" if results["within_target"] else "OVER"
    print(f"\nadded p95 {results['added_p95_ms']} ms: {verdict} target {TARGET_ADDED_P95_MS} ms")


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark, prints the table and writes bench/results/web_sim.json."""
    parser = argparse.ArgumentParser(prog="python -m bench.web_sim", description=__doc__)
    parser.add_argument("--rounds", type=int, default=40, help="timed conversations per path")
    parser.add_argument("--warmup", type=int, default=4, help="untimed conversations first")
    out_dir_argument(parser)
    args = parser.parse_args(argv)
    results = measure(args.rounds, args.warmup)
    report(results)
    path = write_results(NAME, results, args.out)
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
