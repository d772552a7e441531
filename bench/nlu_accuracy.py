"""Simulator NLU: accuracy on the held-out and development sets, per-utterance latency, load time.

Every set is named by its file: `tests/data/heldout_<locale>.tsv` (one per locale that has one)
and `bench/data/dev_en-US.tsv`, each run against its own locale's model.

Baseline, measured in the same run: an exact matcher that only knows the model's samples with
every slot filled by each of its values and synonyms (how virtual-alexa matches), sending
everything else to AMAZON.FallbackIntent.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._common import out_dir_argument, percentile, print_table, write_results
from skill.simulator.nlu import FALLBACK, NLU, Parse, SlotMatch
from skill.simulator.nlueval import Labelled, evaluate, load_labelled
from skill.simulator.textnorm import language

NAME = "nlu_accuracy"
ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "interaction_model"
SETS = {
    path.stem: path
    for folder in (ROOT / "tests" / "data", ROOT / "bench" / "data")
    for path in sorted(folder.glob("*_*.tsv"))
}
COLD_LOAD = (
    "import time; t = time.perf_counter(); from skill.simulator.nlu import NLU; "
    "NLU.for_locale(); print(time.perf_counter() - t)"
)


class ExactMatcher:
    """Exact sample lookup with slots filled by known values: the no-generalisation baseline."""

    def __init__(self, model: dict[str, Any], locale: str) -> None:
        words = self.words = language(locale).words
        lm = model["interactionModel"]["languageModel"]
        values = {
            t["name"]: [
                (phrase, v["id"], v["name"]["value"])
                for v in t["values"]
                for phrase in [v["name"]["value"], *v["name"]["synonyms"]]
            ]
            for t in lm["types"]
        }
        self.table: dict[str, Parse] = {}
        for intent in lm["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                names = re.findall(r"\{(\w+)\}", sample)
                if not names:
                    self.table.setdefault(" ".join(words(sample)), Parse(intent["name"]))
                    continue
                slot = names[0]
                # A built-in slot type (AMAZON.TIME) has no values to spell out: no exact match.
                for phrase, value_id, value_name in values.get(slot_types[slot], []):
                    text = " ".join(words(sample.replace(f"{{{slot}}}", phrase)))
                    match = SlotMatch(slot, slot_types[slot], phrase, value_id, value_name)
                    self.table.setdefault(text, Parse(intent["name"], {slot: match}, 1.0))

    def parse(self, text: str) -> Parse:
        """The sample's intent on an exact match, else Fallback."""
        return self.table.get(" ".join(self.words(text)), Parse(FALLBACK))


def _latencies(matcher: NLU | ExactMatcher, rows: list[Labelled], repeat: int) -> list[float]:
    """Seconds per parse, each utterance parsed `repeat` times."""
    times = []
    for _ in range(repeat):
        for row in rows:
            start = time.perf_counter()
            matcher.parse(row.text)
            times.append(time.perf_counter() - start)
    return times


def _cold_load_seconds() -> float:
    """Import and build the NLU in a fresh interpreter (what the simulator does at start-up)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-c", COLD_LOAD], cwd=ROOT, env=env, capture_output=True, text=True
    )
    out.check_returncode()
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    """Measure, print a table, write bench/results/nlu_accuracy.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="parses per utterance for timing")
    parser.add_argument("--loads", type=int, default=5, help="in-process builds for load time")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh interpreters for load time")
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    parser.add_argument("--show-misses", action="store_true", help="list what the NLU got wrong")
    out_dir_argument(parser)
    args = parser.parse_args(argv)

    loads = []
    for _ in range(args.loads):
        start = time.perf_counter()
        NLU.from_model(MODEL_DIR / "en-US.json", "en-US")
        loads.append(time.perf_counter() - start)
    cold = [_cold_load_seconds() for _ in range(args.cold_runs)]

    rows, results = [], {}
    for set_name in args.sets:
        data = load_labelled(SETS[set_name])
        locale = set_name.split("_", 1)[1]
        model = MODEL_DIR / f"{locale}.json"
        nlu = NLU.from_model(model, locale)
        baseline = ExactMatcher(json.loads(model.read_text(encoding="utf-8")), locale)
        for name, matcher in (("nlu", nlu), ("exact baseline", baseline)):
            acc = evaluate(matcher, data)  # type: ignore[arg-type]
            times = _latencies(matcher, data, args.repeat)
            entry = {
                "n_in_domain": acc.n_in,
                "n_out_of_domain": acc.n_out,
                "in_domain_accuracy": round(acc.in_domain, 4),
                "out_of_domain_accuracy": round(acc.out_of_domain, 4),
                "latency_mean_ms": round(statistics.fmean(times) * 1000, 4),
                "latency_p95_ms": round(percentile(times, 95) * 1000, 4),
            }
            results[f"{set_name}/{name}"] = entry
            in_acc = f"{acc.in_domain:.3f} ({acc.n_in})"
            out_acc = f"{acc.out_of_domain:.3f} ({acc.n_out})"
            timing = [entry["latency_mean_ms"], entry["latency_p95_ms"]]
            rows.append([set_name, name, in_acc, out_acc, *timing])
            if args.show_misses and name == "nlu":
                for row, got in acc.misses:
                    print(f"miss [{set_name}] {row.text!r}: want {row.intent}, got {got.intent}")
    print_table(["set", "matcher", "in-domain", "out-of-domain", "mean ms", "p95 ms"], rows)
    load = {
        "load_in_process_median_ms": round(statistics.median(loads) * 1000, 2),
        "load_cold_process_median_ms": round(statistics.median(cold) * 1000, 2),
    }
    print(
        f"\nNLU load: {load['load_in_process_median_ms']} ms in process (median of {len(loads)}), "
        f"{load['load_cold_process_median_ms']} ms with imports, fresh interpreter "
        f"(median of {len(cold)})"
    )
    path = write_results(NAME, {"results": results, **load}, args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
