"""Per-request latency of the skill's Lambda handler against the ASK SDK hello-world, same run.

Both skills get the same realistic envelopes (built by `skill.simulator.envelopes` and recorded
from one real conversation); the hello-world gets its own intent name in place of ours. Rounds
alternate which skill goes first, so machine noise falls on both alike; each request's thread
CPU time is reported too, as it leaves out time spent waiting for a core. The skill runs
configured as serverless.yml deploys it (skill-id check, hosted audio clips); variables already
set in the environment win, so e.g. `AUDIO_BASE_URL=` measures it without audio. Its metrics
records (one EMF line per request on stdout, which Lambda ships to CloudWatch Logs) are written
to /dev/null while it is timed, so they cost what writing them costs, without a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import importlib
import logging
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import hello_world
from bench._common import out_dir_argument, print_table, ratio, summary_ms, write_results
from skill.simulator import envelopes
from skill.simulator.envelopes import Session, Slot

NAME = "handler_latency"
TARGET_RATIO = 1.5

Event = dict[str, Any]
Handler = Callable[[Event, Any], Event]

DEPLOYED_ENV = {
    "SKILL_ID": envelopes.DEFAULT_SKILL_ID,  # the id the envelopes carry: every request passes
    "AUDIO_BASE_URL": "https://audio.example.com/audio",
    "AUDIO_ENGINES": "gtts,offline",  # the committed clips are used, as after a gTTS build
}

STEPS: tuple[tuple[str, Callable[[Session], Event]], ...] = (
    ("LaunchRequest", envelopes.launch),
    ("CrampCausesIntent", lambda s: envelopes.intent(s, "CrampCausesIntent")),
    (
        "CauseDetailIntent (ER match)",
        lambda s: envelopes.intent(
            s,
            "CauseDetailIntent",
            {"cause": Slot("chilly", "COLD", "cold")},
            {"cause": "CrampCause"},
        ),
    ),
    ("PreventionTipsIntent", lambda s: envelopes.intent(s, "PreventionTipsIntent")),
    ("AMAZON.YesIntent", lambda s: envelopes.intent(s, "AMAZON.YesIntent")),
    ("AMAZON.NextIntent", lambda s: envelopes.intent(s, "AMAZON.NextIntent")),
    ("AMAZON.RepeatIntent", lambda s: envelopes.intent(s, "AMAZON.RepeatIntent")),
)


def deployed_handler() -> Handler:
    """`skill.lambda_function.handler`, imported after the deployed configuration is in place."""
    for key, value in DEPLOYED_ENV.items():
        os.environ.setdefault(key, value)
    return importlib.import_module("skill.lambda_function").handler  # reads SKILL_ID on import


class _ErrorLog(logging.Handler):
    """Collects the skill's error records: the catch-all exception handler logs one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keeps the message."""
        self.messages.append(record.getMessage())


def record_conversation(handler: Handler) -> list[Event]:
    """Runs the scripted conversation once through the skill's handler; returns its envelopes.

    Raises RuntimeError if a turn logs an error (the catch-all): that would time the error path.
    """
    errors = _ErrorLog()
    logger = logging.getLogger("skill")
    logger.addHandler(errors)
    try:
        session = Session()
        events = []
        for label, build in STEPS:
            event = build(session)
            session.update(handler(copy.deepcopy(event), None))
            if errors.messages:
                raise RuntimeError(f"{label}: {errors.messages[0]}")
            events.append(event)
        return events
    finally:
        logger.removeHandler(errors)


def as_hello_world(event: Event) -> Event:
    """The same envelope addressed to the hello-world: intents renamed to its one intent."""
    twin = copy.deepcopy(event)
    if twin["request"]["type"] == "IntentRequest":
        twin["request"]["intent"]["name"] = hello_world.INTENT_NAME
    return twin


def time_conversation(handler: Handler, events: list[Event]) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each request of one conversation; envelopes copied beforehand."""
    fresh = copy.deepcopy(events)
    timings = []
    for event in fresh:
        cpu, start = time.thread_time(), time.perf_counter()
        handler(event, None)
        timings.append((time.perf_counter() - start, time.thread_time() - cpu))
    return timings


def measure(
    skill_handler: Handler, rounds: int, warmup: int, target: float = TARGET_RATIO
) -> dict[str, Any]:
    """Interleaved rounds of the whole conversation on both skills; returns the results."""
    skill_events = record_conversation(skill_handler)
    baseline_events = [as_hello_world(e) for e in skill_events]
    runs: dict[str, tuple[Handler, list[Event]]] = {
        "skill": (skill_handler, skill_events),
        "baseline": (hello_world.handler, baseline_events),
    }
    per_step: dict[str, list[list[float]]] = {name: [[] for _ in STEPS] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for index in range(warmup + rounds):
        order = ("skill", "baseline") if index % 2 == 0 else ("baseline", "skill")
        for name in order:
            handler, events = runs[name]
            timings = time_conversation(handler, events)
            if index >= warmup:
                for step, (wall, cpu_seconds) in enumerate(timings):
                    per_step[name][step].append(wall)
                    cpu[name].append(cpu_seconds)
    pooled = {name: [s for step in steps for s in step] for name, steps in per_step.items()}
    skill, baseline = summary_ms(pooled["skill"]), summary_ms(pooled["baseline"])
    skill_cpu, baseline_cpu = summary_ms(cpu["skill"]), summary_ms(cpu["baseline"])
    return {
        "target_ratio": target,
        "environment": {key: os.environ.get(key) for key in DEPLOYED_ENV},
        "rounds": rounds,
        "warmup_rounds": warmup,
        "steps": [label for label, _ in STEPS],
        "skill": skill,
        "baseline": baseline,
        "ratio_median": ratio(skill["median_ms"], baseline["median_ms"]),
        "ratio_p95": ratio(skill["p95_ms"], baseline["p95_ms"]),
        "cpu": {"skill": skill_cpu, "baseline": baseline_cpu},
        "ratio_cpu_median": ratio(skill_cpu["median_ms"], baseline_cpu["median_ms"]),
        "within_target": skill["median_ms"] <= target * baseline["median_ms"],
        "per_step": {
            label: {
                "skill_median_ms": summary_ms(per_step["skill"][i])["median_ms"],
                "baseline_median_ms": summary_ms(per_step["baseline"][i])["median_ms"],
            }
            for i, (label, _) in enumerate(STEPS)
        },
    }


def profile(skill_handler: Handler, rounds: int, top: int = 25) -> None:
    """Prints where the skill's handler spends its time over `rounds` conversations."""
    profiler = cProfile.Profile()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        events = record_conversation(skill_handler)
        profiler.enable()
        for _ in range(rounds):
            time_conversation(skill_handler, events)
        profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def report(results: dict[str, Any]) -> None:
    """Prints the results as two small tables."""
    skill, baseline = results["skill"], results["baseline"]
    print(f"Handler latency per request ({results['rounds']} interleaved rounds)")
    cpu = results["cpu"]
    rows: list[tuple[object, ...]] = [
        (label, s["median_ms"], s["p95_ms"], s["min_ms"], cpu[name]["median_ms"], s["n"])
        for name, label, s in (
            ("skill", "leg cramp helper", skill),
            ("baseline", "hello world", baseline),
        )
    ]
    ratios = (results["ratio_median"], results["ratio_p95"], "", results["ratio_cpu_median"])
    rows.append(("ratio", *ratios, ""))
    print_table(("skill", "median ms", "p95 ms", "min ms", "CPU median ms", "requests"), rows)
    print()
    print_table(
        ("request", "skill median ms", "hello world median ms"),
        [
            (label, step["skill_median_ms"], step["baseline_median_ms"])
            for label, step in results["per_step"].items()
        ],
    )
    verdict = "within" if results["within_target"] else "OVER"
    target = results["target_ratio"]
    print(f"\nmedian ratio {results['ratio_median']}x: {verdict} the {target}x target")


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark, prints the tables and writes bench/results/handler_latency.json."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{NAME}", description=__doc__)
    parser.add_argument("--rounds", type=int, default=400, help="timed conversations per skill")
    parser.add_argument("--warmup", type=int, default=20, help="untimed conversations first")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the skill")
    out_dir_argument(parser)
    args = parser.parse_args(argv)
    skill_handler = deployed_handler()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        results = measure(skill_handler, args.rounds, args.warmup)
    report(results)
    path: Path = write_results(NAME, results, args.out)
    print(f"wrote {path}")
    if args.profile:
        profile(skill_handler, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
