"""Bounded load on loopback under gunicorn: the web service against a flask-ask-sdk hello-world.

Both apps run under the same gunicorn settings and get the same envelopes (one recorded
conversation; the hello-world gets its own intent name). The skill runs as deployed
(`bench.handler_latency.DEPLOYED_ENV`: its skill id, hosted audio clips). Neither checks
signatures: the skill is in dev mode (the client cannot sign) and the hello-world has the SDK's
verifiers off. The skill still checks the application id, parses, and logs a line per request.
Each round starts both servers in turn (alternating which goes first) and drives them with
CLIENTS processes sending REQUESTS requests each over one keep-alive connection. Next to
throughput it reports the gunicorn workers' CPU time per request, which a busy machine
disturbs less than wall-clock numbers.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench._common import out_dir_argument, percentile, print_table, ratio, write_results
from bench.handler_latency import (
    DEPLOYED_ENV,
    as_hello_world,
    deployed_handler,
    record_conversation,
)

NAME = "web_load"
TARGET_RATIO = 0.8
ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("requests", "errors", "throughput_rps", "p50_ms", "p99_ms", "server_cpu_ms_per_request")
APPS = {"skill": "skill.webservice:create_app()", "baseline": "bench.hello_web:create_app()"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, workers: int, threads: int) -> Iterator[tuple[int, int]]:
    """Run `app` under gunicorn on a free loopback port until the block ends: (port, pid)."""
    port = _free_port()
    env = {**DEPLOYED_ENV, **os.environ, "SKILL_DEV_MODE": "1"}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), app]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start {app}") from None
                time.sleep(0.1)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown
        process.wait(timeout=30)


def _post(connection: http.client.HTTPConnection, body: bytes) -> bool:
    """One request; True if it got a 200 with an Alexa response."""
    try:
        connection.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        payload = response.read()
        return response.status == 200 and "response" in json.loads(payload)
    except (OSError, http.client.HTTPException, ValueError):
        connection.close()  # the next request reconnects
        return False


def _client(job: tuple[int, list[bytes], int]) -> list[tuple[float, bool]]:
    """One client on one keep-alive connection: `count` requests cycling through the bodies."""
    port, bodies, count = job
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results = []
    for index in range(count):
        start = time.perf_counter()
        ok = _post(connection, bodies[index % len(bodies)])
        results.append((time.perf_counter() - start, ok))
    connection.close()
    return results


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's worker processes."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # fields after the name: state, ppid, ...
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def drive(
    port: int, master_pid: int, bodies: list[bytes], clients: int, requests: int
) -> dict[str, Any]:
    """Send clients x requests; throughput, latency, errors and the workers' CPU time."""
    _client((port, bodies, 4 * len(bodies)))  # warm the workers before the clock starts
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        cpu, start = workers_cpu_seconds(master_pid), time.perf_counter()
        per_client = pool.map(_client, [(port, bodies, requests)] * clients)
        wall = time.perf_counter() - start
        cpu = workers_cpu_seconds(master_pid) - cpu
    latencies = [seconds for results in per_client for seconds, _ in results]
    errors = sum(not ok for results in per_client for _, ok in results)
    return {
        "requests": len(latencies),
        "errors": errors,
        "wall_s": wall,
        "cpu_s": cpu,
        "latencies": latencies,
    }


def _pool(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several runs of one app as one summary."""
    latencies = [s for run in runs for s in run["latencies"]]
    wall = sum(run["wall_s"] for run in runs)
    return {
        "requests": len(latencies),
        "errors": sum(run["errors"] for run in runs),
        "throughput_rps": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "server_cpu_ms_per_request": round(
            1000 * sum(run["cpu_s"] for run in runs) / len(latencies), 3
        ),
    }


def measure(clients: int, requests: int, rounds: int, workers: int, threads: int) -> dict[str, Any]:
    """Alternating rounds on both apps; returns the results document."""
    events = record_conversation(deployed_handler())
    bodies = {
        "skill": [json.dumps(e).encode() for e in events],
        "baseline": [json.dumps(as_hello_world(copy.deepcopy(e))).encode() for e in events],
    }
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in APPS}
    for index in range(rounds):
        for name in ("skill", "baseline") if index % 2 else ("baseline", "skill"):
            with gunicorn(APPS[name], workers, threads) as (port, pid):
                runs[name].append(drive(port, pid, bodies[name], clients, requests))
    skill, baseline = _pool(runs["skill"]), _pool(runs["baseline"])
    return {
        "target_ratio": TARGET_RATIO,
        "clients": clients,
        "requests_per_client": requests,
        "rounds": rounds,
        "gunicorn": {"workers": workers, "threads": threads, "worker_class": "gthread"},
        "skill": skill,
        "baseline": baseline,
        "ratio_throughput": ratio(skill["throughput_rps"], baseline["throughput_rps"]),
        "ratio_server_cpu_per_request": ratio(
            skill["server_cpu_ms_per_request"], baseline["server_cpu_ms_per_request"]
        ),
        "within_target": skill["throughput_rps"] >= TARGET_RATIO * baseline["throughput_rps"],
        "zero_errors": skill["errors"] == 0 and baseline["errors"] == 0,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load test, print the table, write bench/results/web_load.json."""
    parser = argparse.ArgumentParser(prog="python -m bench.web_load", description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=500, help="requests per client per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    out_dir_argument(parser)
    args = parser.parse_args(argv)
    results = measure(args.clients, args.requests, args.rounds, args.workers, args.threads)
    print_table(
        ["app", "requests", "errors", "req/s", "p50 ms", "p99 ms", "server CPU ms/req"],
        [
            [name, *(r[key] for key in COLUMNS)]
            for name, r in (("skill", results["skill"]), ("hello-world", results["baseline"]))
        ],
    )
    print(f"throughput ratio {results['ratio_throughput']} (target >= {TARGET_RATIO})")
    print(f"server CPU per request ratio {results['ratio_server_cpu_per_request']}")
    write_results(NAME, results, args.out)
    return 0 if results["zero_errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
