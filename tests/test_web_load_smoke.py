"""A small run of the load benchmark: real gunicorn, both apps, zero errors. No timing asserted."""

from __future__ import annotations

import json
from pathlib import Path

from bench import web_load


def test_load_benchmark_runs_both_apps_without_errors(tmp_path: Path) -> None:
    assert (
        web_load.main(
            [
                "--clients",
                "4",
                "--requests",
                "40",
                "--rounds",
                "1",
                "--workers",
                "1",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    results = json.loads((tmp_path / "web_load.json").read_text())
    for name in ("skill", "baseline"):
        assert results[name]["requests"] == 160
        assert results[name]["errors"] == 0
        assert 0 < results[name]["p50_ms"] <= results[name]["p99_ms"]
    expected = round(results["skill"]["throughput_rps"] / results["baseline"]["throughput_rps"], 3)
    assert results["ratio_throughput"] == expected
    assert results["zero_errors"] is True
