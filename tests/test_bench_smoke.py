"""Smoke runs of the latency and import benchmarks with tiny counts: they run and report fully.

No timing is asserted here; speed is judged by `python -m bench`, never by a test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import (
    cold_import,
    handler_latency,
    handler_latency_persistence,
    hello_world,
    nlu_accuracy,
    web_sim,
)
from bench.__main__ import discover
from skill.lambda_function import handler
from skill.simulator import envelopes
from skill.simulator.envelopes import Session

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_FIELDS = {"n", "median_ms", "p95_ms", "min_ms"}
NLU_TARGET = 0.9  # in-domain accuracy the simulator NLU must reach on the held-out set


def _results(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_hello_world_baseline_answers_like_the_sdk_sample() -> None:
    """The baseline is a working skill: it welcomes on launch and says hello to its intent."""
    session = Session()
    welcome = hello_world.handler(envelopes.launch(session), None)["response"]
    assert "Welcome to the Alexa Skills Kit" in welcome["outputSpeech"]["ssml"]
    assert welcome["shouldEndSession"] is False
    hello = hello_world.handler(envelopes.intent(session, hello_world.INTENT_NAME), None)
    assert "Hello Python World" in hello["response"]["outputSpeech"]["ssml"]
    assert hello["response"]["shouldEndSession"] is True


def test_baseline_envelopes_differ_from_the_skills_only_in_the_intent_name() -> None:
    """Both skills are timed on the same envelopes; only the intent name is the hello-world's."""
    events = handler_latency.record_conversation(handler)
    assert len(events) == len(handler_latency.STEPS)
    for event in events:
        twin = handler_latency.as_hello_world(event)
        if event["request"]["type"] == "IntentRequest":
            assert twin["request"]["intent"]["name"] == hello_world.INTENT_NAME
            twin["request"]["intent"]["name"] = event["request"]["intent"]["name"]
        assert twin == event
    assert events[-1]["session"]["attributes"], "session attributes are carried into later turns"


def test_a_conversation_that_hits_the_catch_all_is_refused() -> None:
    """Timing the apology path would flatter the skill: recording stops at the first error."""

    def unknown_intents(event: dict, context: object) -> dict:
        if event["request"]["type"] == "IntentRequest":
            event["request"]["intent"]["name"] = "NoSuchIntent"
        return handler(event, context)

    with pytest.raises(RuntimeError, match="CrampCausesIntent"):
        handler_latency.record_conversation(unknown_intents)


def test_handler_latency_writes_its_results(tmp_path: Path) -> None:
    """A tiny run of `python -m bench.handler_latency` prints the table and writes every field."""
    env = {k: v for k, v in os.environ.items() if k not in handler_latency.DEPLOYED_ENV}
    command = [sys.executable, "-m", "bench.handler_latency", "--rounds", "2", "--warmup", "1"]
    completed = subprocess.run(
        [*command, "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    results = _results(tmp_path / "handler_latency.json")
    assert results["environment"] == handler_latency.DEPLOYED_ENV
    requests = 2 * len(handler_latency.STEPS)
    for name in ("skill", "baseline"):
        assert set(results[name]) == SUMMARY_FIELDS
        assert results[name]["n"] == requests
        assert 0 < results[name]["min_ms"] <= results[name]["median_ms"] <= results[name]["p95_ms"]
        assert set(results["cpu"][name]) == SUMMARY_FIELDS
        assert results["cpu"][name]["n"] == requests
    assert results["ratio_cpu_median"] > 0
    expected = round(results["skill"]["median_ms"] / results["baseline"]["median_ms"], 3)
    assert results["ratio_median"] == expected
    assert results["target_ratio"] == 1.5
    assert isinstance(results["within_target"], bool)
    assert list(results["per_step"]) == results["steps"]
    assert results["steps"][0] == "LaunchRequest"
    assert "AMAZON.RepeatIntent" in results["steps"]
    assert {"benchmark", "measured_at", "python"} <= set(results)
    assert "hello world" in completed.stdout
    assert "ratio" in completed.stdout


def test_cold_import_writes_its_results(tmp_path: Path, capsys) -> None:
    """A one-run pass times both modules and names what only the skill imports."""
    args = ["--runs", "1", "--importtime-runs", "1", "--out", str(tmp_path)]
    assert cold_import.main(args) == 0
    results = _results(tmp_path / "cold_import.json")
    assert results["modules"] == {"skill": "skill.lambda_function", "baseline": "bench.hello_world"}
    for name in ("skill", "baseline"):
        for kind in ("process", "process_cpu", "import"):
            assert set(results[name][kind]) == SUMMARY_FIELDS
            assert results[name][kind]["n"] == 1
        assert results[name]["import"]["median_ms"] < results[name]["process"]["median_ms"]
    ratios = {f"ratio_{kind}_median" for kind in ("process", "process_cpu", "import")}
    ratios.add("ratio_process_paired_median")
    assert ratios | {"within_target"} <= set(results)
    explained = results["importtime"]
    assert "skill" in explained["extra_by_package_ms"]
    assert "ask_sdk_core" not in explained["extra_by_package_ms"]
    assert explained["extra_modules"] >= len(explained["top_extra_modules_ms"]) > 0
    assert "skill.lambda_function" in capsys.readouterr().out


def test_web_sim_times_the_api_against_the_handler(tmp_path: Path, capsys) -> None:
    """A tiny run starts the real `--web` server, and both paths see the same conversation."""
    assert web_sim.main(["--rounds", "2", "--warmup", "1", "--out", str(tmp_path)]) == 0
    results = _results(tmp_path / "web_sim.json")
    requests = 2 * len(web_sim.CONVERSATION)
    for path in ("api", "handler"):
        assert set(results[path]) == SUMMARY_FIELDS
        assert results[path]["n"] == requests
    assert results["requests"][0] == "LaunchRequest"
    assert "AMAZON.FallbackIntent" not in results["requests"]
    assert results["requests"][2] == "CauseDetailIntent"
    expected = round(results["api"]["p95_ms"] - results["handler"]["p95_ms"], 4)
    assert results["added_p95_ms"] == expected
    assert results["within_target"] == (expected <= web_sim.TARGET_ADDED_P95_MS)
    assert "added by the API" in capsys.readouterr().out


def test_handler_latency_with_persistence_writes_its_results(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tiny run times the SQLite-backed skill against the hello-world and the cold imports."""
    for key, value in handler_latency.DEPLOYED_ENV.items():  # set in-process: undone afterwards
        monkeypatch.setenv(key, value)
    args = ["--rounds", "2", "--warmup", "1", "--import-runs", "1", "--out", str(tmp_path)]
    assert handler_latency_persistence.main(args) == 0
    results = _results(tmp_path / "handler_latency_persistence.json")
    assert results["target_ratio"] == 2.0
    assert results["environment"]["PERSISTENCE"] == "sqlite:<temporary file>"
    for name in ("skill", "baseline"):
        assert results[name]["n"] == 2 * len(handler_latency.STEPS)
    cold = results["cold_import"]
    assert set(cold["import_median_ms"]) == {"none", "sqlite", "dynamodb"}
    assert cold["added_ms"]["none"] == 0
    assert "dynamodb" in capsys.readouterr().out


def test_bench_runner_finds_benchmarks_by_their_main(tmp_path: Path) -> None:
    """`python -m bench` runs modules with a main(), not the baseline or private helpers."""
    found = discover()
    assert {"handler_latency", "cold_import"} <= set(found)
    assert "hello_world" not in found
    assert not any(name.startswith("_") for name in found)
    (tmp_path / "with_main.py").write_text("def main():\n    return 0\n")
    (tmp_path / "helper.py").write_text("def other():\n    return 0\n")
    (tmp_path / "_private.py").write_text("def main():\n    return 0\n")
    assert discover(tmp_path) == ["with_main"]


def test_benchmark_reports_accuracy_against_the_exact_matcher(tmp_path: Path) -> None:
    """bench.nlu_accuracy runs (tiny counts) and shows generalisation beyond exact samples."""
    args = ["--repeat", "1", "--loads", "1", "--cold-runs", "1", "--sets", "heldout_en-US"]
    assert nlu_accuracy.main([*args, "--baseline", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "nlu_accuracy.json").read_text())
    results = report["results"]
    nlu, exact = results["heldout_en-US/nlu"], results["heldout_en-US/exact baseline"]
    assert nlu["in_domain_accuracy"] >= NLU_TARGET > exact["in_domain_accuracy"]
    assert nlu["latency_p99_ms"] > 0 and report["load_cold_process_median_ms"] > 0
