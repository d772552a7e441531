"""Handler latency with visits remembered in SQLite, against the ASK SDK hello-world, same run.

The conversation and the method are `handler_latency`'s; the skill is built as Lambda builds it
but with `PERSISTENCE=sqlite:<a fresh file>`, so each conversation reads and writes the store
on launch and as the tip walk moves (three of its seven requests). Target: at most 2x the
hello-world. It also reports what each `PERSISTENCE` setting adds to a cold
`import skill.lambda_function` (fresh interpreters, alternating; the module builds its adapter
on import), against `none`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import cold_import, handler_latency
from bench._common import out_dir_argument, print_table, write_results
from skill.factory import create_skill_builder
from skill.settings import Settings

NAME = "handler_latency_persistence"
TARGET_RATIO = 2.0
# The DynamoDB adapter builds boto3 resources on import; a region lets it, no call is made.
DYNAMODB_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "dummy",
    "AWS_SECRET_ACCESS_KEY": "dummy",
}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` set, restored afterwards."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def cold_imports(folder: Path, runs: int) -> dict[str, Any]:
    """Median in-process import time of skill.lambda_function per PERSISTENCE setting."""
    settings = {
        "none": {"PERSISTENCE": "none"},
        "sqlite": {"PERSISTENCE": f"sqlite:{folder / 'cold.sqlite3'}"},
        "dynamodb": {"PERSISTENCE": "dynamodb:leg-cramp-helper-bench-visits", **DYNAMODB_ENV},
    }
    samples: dict[str, list[float]] = {name: [] for name in settings}
    for index in range(runs + 1):  # the first round warms the disk cache, untimed
        order = list(settings) if index % 2 == 0 else list(reversed(settings))
        for name in order:
            with environment(settings[name]):
                seconds = cold_import.timed_import("skill.lambda_function")["import"]
            if index:
                samples[name].append(seconds)
    medians = {name: round(statistics.median(s) * 1000, 2) for name, s in samples.items()}
    return {
        "runs": runs,
        "import_median_ms": medians,
        "added_ms": {name: round(medians[name] - medians["none"], 2) for name in settings},
    }


def report(results: dict[str, Any]) -> None:
    """The latency tables, then the cold import per setting."""
    handler_latency.report(results)
    cold = results["cold_import"]
    print(f"\nCold `import skill.lambda_function` by PERSISTENCE ({cold['runs']} runs each)")
    print_table(
        ("PERSISTENCE", "import median ms", "added ms"),
        [(name, ms, cold["added_ms"][name]) for name, ms in cold["import_median_ms"].items()],
    )


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark, prints the tables and writes bench/results/<NAME>.json."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{NAME}", description=__doc__)
    parser.add_argument("--rounds", type=int, default=400, help="timed conversations per skill")
    parser.add_argument("--warmup", type=int, default=20, help="untimed conversations first")
    parser.add_argument("--import-runs", type=int, default=20, help="cold imports per setting")
    out_dir_argument(parser)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-visits-") as folder:
        store = Path(folder) / "visits.sqlite3"
        handler_latency.deployed_handler()  # the deployed environment (SKILL_ID, audio)
        with environment({"PERSISTENCE": f"sqlite:{store}"}):
            skill_handler = create_skill_builder(Settings.from_env()).lambda_handler()
        results = handler_latency.measure(skill_handler, args.rounds, args.warmup, TARGET_RATIO)
        results["environment"]["PERSISTENCE"] = "sqlite:<temporary file>"
        results["cold_import"] = cold_imports(Path(folder), args.import_runs)
    report(results)
    path = write_results(NAME, results, args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
