"""Cold import of the Lambda module against the ASK SDK hello-world, in fresh interpreters.

Each run is a new `python -c "import <module>"` process; runs alternate between the two modules so
machine noise falls on both alike. Wall time covers the whole process (interpreter start included,
as on a Lambda cold start), CPU time is what the process itself used (less sensitive to other
work on the machine), and import time is measured inside the process around the import alone.
Each skill run is paired with the baseline run next to it, and the median of the pair ratios is
reported too: it is steadier than the ratio of medians when other work loads the machine.
`python -X importtime` then names the modules only the skill imports, and what they cost.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench._common import out_dir_argument, print_table, ratio, summary_ms, write_results

NAME = "cold_import"
TARGET_RATIO = 1.3
ROOT = Path(__file__).resolve().parent.parent
MODULES = {"skill": "skill.lambda_function", "baseline": "bench.hello_world"}
TIMED_IMPORT = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
KINDS = ("process", "process_cpu", "import")
IMPORTTIME_LINE = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """Runs a fresh interpreter in the repository root; fails loudly if the interpreter fails.

    PYTHON* variables are dropped (PYTHONDONTWRITEBYTECODE, PYTHONPROFILEIMPORTTIME...): they
    would change what is measured.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_import(module: str) -> dict[str, float]:
    """Seconds of one cold run: the process's wall and CPU time, and the import inside it."""
    cpu, start = _children_cpu(), time.perf_counter()
    completed = _python("-c", TIMED_IMPORT.format(module))
    wall = time.perf_counter() - start
    return {
        "process": wall,
        "process_cpu": _children_cpu() - cpu,
        "import": float(completed.stdout),
    }


def import_self_times(module: str) -> dict[str, float]:
    """Self time in seconds of every module a cold `import module` loads, from -X importtime."""
    stderr = _python("-X", "importtime", "-c", f"import {module}").stderr
    return {m[2]: int(m[1]) / 1e6 for m in IMPORTTIME_LINE.finditer(stderr)}


def explain(runs: int, top: int = 12) -> dict[str, Any]:
    """Modules the skill imports that the hello-world does not, by median self time."""
    samples: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in MODULES}
    for _ in range(runs):
        for name, module in MODULES.items():
            for imported, seconds in import_self_times(module).items():
                samples[name][imported].append(seconds)
    medians = {
        name: {m: statistics.median(s) for m, s in found.items()} for name, found in samples.items()
    }
    extra = {m: s for m, s in medians["skill"].items() if m not in medians["baseline"]}
    by_package: dict[str, float] = defaultdict(float)
    for imported, seconds in extra.items():
        by_package[imported.split(".")[0]] += seconds
    ranked = sorted(extra.items(), key=lambda item: -item[1])
    return {
        "runs": runs,
        "skill_total_self_ms": round(sum(medians["skill"].values()) * 1000, 2),
        "baseline_total_self_ms": round(sum(medians["baseline"].values()) * 1000, 2),
        "extra_modules": len(extra),
        "extra_self_ms": round(sum(extra.values()) * 1000, 2),
        "extra_by_package_ms": {
            package: round(seconds * 1000, 2)
            for package, seconds in sorted(by_package.items(), key=lambda item: -item[1])
        },
        "top_extra_modules_ms": {m: round(s * 1000, 2) for m, s in ranked[:top]},
    }


def measure(runs: int, importtime_runs: int) -> dict[str, Any]:
    """Alternating cold runs of both modules (after one untimed warm-up each); the results."""
    for module in MODULES.values():
        timed_import(module)
    timings: dict[str, dict[str, list[float]]] = {
        name: {kind: [] for kind in KINDS} for name in MODULES
    }
    for index in range(runs):
        order = list(MODULES) if index % 2 == 0 else list(reversed(MODULES))
        for name in order:
            for kind, seconds in timed_import(MODULES[name]).items():
                timings[name][kind].append(seconds)
    results: dict[str, Any] = {"target_ratio": TARGET_RATIO, "runs": runs, "modules": MODULES}
    for name in MODULES:
        results[name] = {kind: summary_ms(timings[name][kind]) for kind in KINDS}
    for kind in KINDS:
        results[f"ratio_{kind}_median"] = ratio(
            results["skill"][kind]["median_ms"], results["baseline"][kind]["median_ms"]
        )
    walls = {name: timings[name]["process"] for name in MODULES}
    pairs = [s / b for s, b in zip(walls["skill"], walls["baseline"], strict=True)]
    results["ratio_process_paired_median"] = round(statistics.median(pairs), 3)
    results["within_target"] = results["ratio_process_median"] <= TARGET_RATIO
    results["importtime"] = explain(importtime_runs)
    return results


def report(results: dict[str, Any]) -> None:
    """Prints the results as small tables."""
    print(f"Cold import, {results['runs']} alternating fresh processes per module")
    labels = {"skill": "skill.lambda_function", "baseline": "hello world"}
    rows: list[tuple[object, ...]] = []
    for name in MODULES:
        found = results[name]
        process, cpu, imported = (found[kind] for kind in KINDS)
        row = (labels[name], process["median_ms"], process["p95_ms"], cpu["median_ms"])
        rows.append((*row, imported["median_ms"]))
    ratio_process, ratio_cpu, ratio_import = (results[f"ratio_{kind}_median"] for kind in KINDS)
    rows.append(("ratio", ratio_process, "", ratio_cpu, ratio_import))
    headers = ("module", "process median ms", "process p95 ms", "CPU median ms", "import median ms")
    print_table(headers, rows)
    print(f"median of per-pair process ratios: {results['ratio_process_paired_median']}")
    explained = results["importtime"]
    print(
        f"\n-X importtime: {explained['extra_modules']} modules only the skill imports,"
        f" {explained['extra_self_ms']} ms self time"
    )
    print_table(("module", "self ms"), list(explained["top_extra_modules_ms"].items()))
    verdict = "within" if results["within_target"] else "OVER"
    print(f"\nprocess median ratio {results['ratio_process_median']}x: {verdict} the", end=" ")
    print(f"{TARGET_RATIO}x target")


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark, prints the tables and writes bench/results/cold_import.json."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{NAME}", description=__doc__)
    parser.add_argument("--runs", type=int, default=60, help="cold processes per module")
    parser.add_argument("--importtime-runs", type=int, default=5, help="-X importtime runs each")
    out_dir_argument(parser)
    args = parser.parse_args(argv)
    results = measure(args.runs, args.importtime_runs)
    report(results)
    print(f"wrote {write_results(NAME, results, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
