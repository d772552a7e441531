"""What every benchmark shares: summary statistics, a small text table, the results file."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).parent / "results"


def percentile(values: Sequence[float], q: int) -> float:
    """The q-th percentile (1-99) of the timings, interpolated between the nearest ranks (the
    standard library's inclusive quantiles); a single timing is its own percentile."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    """Median, p95, min and count of timings given in seconds, as milliseconds."""
    return {
        "n": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 4),
        "p95_ms": round(percentile(seconds, 95) * 1000, 4),
        "min_ms": round(min(seconds) * 1000, 4),
    }


def ratio(value: float, baseline: float) -> float:
    """value / baseline, rounded for reports."""
    return round(value / baseline, 3)


def out_dir_argument(parser: argparse.ArgumentParser) -> None:
    """Adds `--out DIR` (default bench/results) to a benchmark's arguments."""
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="directory for <name>.json")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Prints rows as a plain aligned text table."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def write_results(name: str, results: dict[str, Any], out_dir: Path = RESULTS_DIR) -> Path:
    """Writes `<out_dir>/<name>.json` with the results and where they were measured."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    document = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "executable": sys.executable,
        **results,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path
