"""Size and cold start of the Lambda zip that `serverless package` builds, against a naive zip.

The artifact comes from the real `scripts/package.sh` (offline). The baseline, built in the same
run, is what a package without this project's trimming would hold: the same requirements as pip
installs them (bytecode, metadata, tests, scripts) plus the whole `skill/` and `audio/` trees
(clips included). Cold start: fresh `python3.12 -S` processes answer a LaunchRequest from the
extracted artifact, as Lambda's /var/task, with the Powertools layer on the path as /opt/python,
without and with precompiled bytecode; peak memory of those processes backs the function's
memory setting.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench._common import out_dir_argument, print_table, ratio, summary_ms, write_results
from skill.simulator import envelopes
from skill.simulator.envelopes import Session

NAME = "lambda_size"
ROOT = Path(__file__).resolve().parent.parent
LIMIT_BYTES = 3 * 1024 * 1024
MIB = 1024 * 1024
# The flags serverless.yml gives pip: wheels for Lambda's python3.12 on x86_64.
PIP_FLAGS = ["--platform", "manylinux2014_x86_64", "--implementation", "cp"]
PIP_FLAGS += ["--python-version", "3.12", "--only-binary=:all:"]
# sys.argv[1]: what Lambda adds to the path, the Powertools layer and the runtime's jmespath.
LAUNCH = (
    "import json, sys; sys.path.append(sys.argv[1]); from skill.lambda_function import handler; "
    "r = handler(json.load(sys.stdin), None); assert r['response']['outputSpeech']; "
    "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)
LAYER_PACKAGES = ("aws_lambda_powertools", "typing_extensions", "jmespath")


def lambda_python() -> str:
    """The interpreter closest to Lambda's runtime on this machine."""
    script = ROOT / "scripts" / "lambda_python.py"
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout.strip()


def package(out: Path) -> float:
    """Runs the real offline packaging into `out`; returns its wall seconds."""
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / "scripts" / "package.sh"), str(out)],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start


def naive_zip(python: str, work: Path) -> Path:
    """The baseline: untrimmed requirements plus the whole skill and audio trees, zipped."""
    tree = work / "naive"
    requirements = str(ROOT / "requirements-lambda.txt")
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            *PIP_FLAGS,
            "-t",
            str(tree),
            "-r",
            requirements,
        ],
        capture_output=True,
        check=True,
    )
    compileall.compile_dir(tree, quiet=1)
    for part in ("skill", "audio"):
        shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns("__pycache__"))
    return Path(shutil.make_archive(str(work / "naive"), "zip", tree))


def composition(zip_path: Path) -> dict[str, int]:
    """Compressed bytes in the zip by top-level entry."""
    sizes: Counter[str] = Counter()
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            sizes[info.filename.split("/")[0]] += info.compress_size
    return dict(sizes.most_common())


def layer(target: Path) -> Path:
    """/opt/python as AWS's Powertools layer lays it out (with the runtime's jmespath)."""
    import aws_lambda_powertools

    site = Path(aws_lambda_powertools.__file__).resolve().parent.parent
    target.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__")
    for name in LAYER_PACKAGES:
        if (site / name).is_dir():
            shutil.copytree(site / name, target / name, ignore=skip)
        else:
            shutil.copy2(site / f"{name}.py", target / f"{name}.py")
    return target


def cold_launch(python: str, task_dir: Path, event: str, layer_dir: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one fresh process answering a LaunchRequest."""
    start = time.perf_counter()
    completed = subprocess.run(
        [python, "-S", "-E", "-B", "-c", LAUNCH, str(layer_dir)],
        cwd=task_dir,
        input=event,
        env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        check=True,
    )
    # The last line: the handler's metrics record (an EMF line) comes first.
    return time.perf_counter() - start, int(completed.stdout.splitlines()[-1])


def measure(runs: int) -> dict[str, Any]:
    """Package, build the baseline, and time cold launches; returns the results."""
    python = lambda_python()
    event = json.dumps(envelopes.launch(Session()))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        package_seconds = package(work / "package")
        artifact = work / "package" / "leg-cramp-helper.zip"
        baseline = naive_zip(python, work)
        plain, compiled = work / "task", work / "task-pyc"
        for target in (plain, compiled):
            with zipfile.ZipFile(artifact) as archive:
                archive.extractall(target)
        compileall.compile_dir(compiled, quiet=1)
        layer_dir = layer(work / "opt" / "python")
        timings: dict[str, list[float]] = {"no_bytecode": [], "bytecode": []}
        peak_kib = 0
        for _ in range(runs):
            for kind, task in (("no_bytecode", plain), ("bytecode", compiled)):
                seconds, kib = cold_launch(python, task, event, layer_dir)
                timings[kind].append(seconds)
                peak_kib = max(peak_kib, kib)
        with zipfile.ZipFile(artifact) as archive:
            files = len(archive.namelist())
        size, naive_size = artifact.stat().st_size, baseline.stat().st_size
        return {
            "python": python,
            "artifact_bytes": size,
            "artifact_mib": round(size / MIB, 3),
            "limit_bytes": LIMIT_BYTES,
            "within_limit": size <= LIMIT_BYTES,
            "artifact_files": files,
            "baseline_bytes": naive_size,
            "baseline_mib": round(naive_size / MIB, 3),
            "ratio_to_baseline": ratio(size, naive_size),
            "package_seconds": round(package_seconds, 1),
            "composition_bytes": composition(artifact),
            "cold_launch": {kind: summary_ms(values) for kind, values in timings.items()},
            "peak_rss_mib": round(peak_kib / 1024, 1),
        }


def main(argv: list[str] | None = None) -> int:
    """Measures, prints a table and writes bench/results/lambda_size.json."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{NAME}", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold launches of each kind")
    out_dir_argument(parser)
    args = parser.parse_args(argv)
    results = measure(args.runs)
    print_table(
        ["what", "bytes", "MiB", "note"],
        [
            ["artifact", results["artifact_bytes"], results["artifact_mib"], "serverless package"],
            ["baseline", results["baseline_bytes"], results["baseline_mib"], "untrimmed"],
            ["limit", LIMIT_BYTES, 3.0, f"artifact/baseline {results['ratio_to_baseline']}"],
        ],
    )
    print()
    cold = results["cold_launch"]
    print_table(
        ["cold LaunchRequest (python -S)", "median ms", "p95 ms", "n"],
        [[kind, s["median_ms"], s["p95_ms"], s["n"]] for kind, s in cold.items()],
    )
    print(f"\npeak RSS {results['peak_rss_mib']} MiB; packaging {results['package_seconds']} s")
    print(
        "largest parts:",
        ", ".join(f"{k} {v}" for k, v in list(results["composition_bytes"].items())[:5]),
    )
    write_results(NAME, results, args.out)
    return 0 if results["within_limit"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
