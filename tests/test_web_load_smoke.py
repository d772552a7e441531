"""A small run of the load benchmark: real gunicorn, both apps, zero errors. No timing asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent


def test_load_benchmark_runs_both_apps_without_errors(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bench.web_load", "--clients", "3", "--requests", "50"]
    command += ["--rounds", "1", "--workers", "1", "--out", str(tmp_path)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "throughput ratio" in completed.stdout
    results = json.loads((tmp_path / "web_load.json").read_text())
    for name in ("skill", "baseline"):
        assert results[name]["requests"] == 150
        assert results[name]["errors"] == 0
        assert 0 < results[name]["p50_ms"] <= results[name]["p99_ms"]
    expected = round(results["skill"]["throughput_rps"] / results["baseline"]["throughput_rps"], 3)
    assert results["ratio_throughput"] == expected
    assert results["zero_errors"] is True
