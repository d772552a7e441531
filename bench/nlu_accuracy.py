"""Simulator NLU: accuracy on every labelled set, per locale; parse time; model load time.

The sets, each run in its own locale's model: the held-out sets `tests/data/heldout_<locale>.tsv`
(never used for tuning), the development sets `bench/data/dev_<locale>.tsv`, and each blind batch
`bench/data/blind-<date>-<name>/<locale>.tsv`, written by someone who never saw the samples, with
its red flags (`redflags_<locale>.tsv`), which count as warned only when the skill answers with
the warning (through the simulator, so Fallback never counts).

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

from bench._common import out_dir_argument, print_table, write_results
from skill.model.language import language
from skill.simulator.nlu import FALLBACK, NLU, Parse, SlotMatch
from skill.simulator.nlueval import Labelled, evaluate, load_labelled, warned

NAME = "nlu_accuracy"
ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "interaction_model"


def _sets() -> dict[str, Path]:
    """Every labelled set by name ("heldout_en-US", "blind-2026-12-07-first/en-GB", ...)."""
    sets = {p.stem: p for p in sorted((ROOT / "tests" / "data").glob("heldout_*.tsv"))}
    sets |= {p.stem: p for p in sorted((ROOT / "bench" / "data").glob("dev_*.tsv"))}
    for path in sorted((ROOT / "bench" / "data").glob("blind-*/*-*.tsv")):
        if not path.stem.startswith("redflags_"):
            sets[f"{path.parent.name}/{path.stem}"] = path
    return sets


def locale_of(set_name: str) -> str:
    """The locale a set is written for: the last part of its name."""
    return re.split(r"[_/]", set_name)[-1]


SETS = _sets()
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


def _p99(seconds: list[float]) -> float:
    return (
        statistics.quantiles(seconds, n=100, method="inclusive")[98]
        if len(seconds) > 1
        else seconds[0]
    )


def _red_flags(set_path: Path, locale: str) -> dict[str, Any] | None:
    """How many of a blind batch's red flags the skill answers with the warning."""
    path = set_path.with_name(f"redflags_{locale}.tsv")
    if not path.is_file():
        return None
    lines = [ln.split("\t")[0] for ln in path.read_text(encoding="utf-8").splitlines()]
    said = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    missed = [ln for ln in said if not warned(locale, ln)]
    return {"n": len(said), "warned": len(said) - len(missed), "missed": missed}


def main(argv: list[str] | None = None) -> int:
    """Measure, print a table, write bench/results/nlu_accuracy.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="parses per utterance for timing")
    parser.add_argument("--loads", type=int, default=3, help="in-process builds for load time")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh interpreters for load time")
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    parser.add_argument("--baseline", action="store_true", help="also run the exact matcher")
    parser.add_argument("--show-misses", action="store_true", help="list what the NLU got wrong")
    out_dir_argument(parser)
    args = parser.parse_args(argv)

    loads = []
    for _ in range(args.loads):
        start = time.perf_counter()
        NLU.for_locale("en-US")
        loads.append(time.perf_counter() - start)
    cold = [_cold_load_seconds() for _ in range(args.cold_runs)]

    rows, results, nlus = [], {}, {}
    for set_name in args.sets:
        data = load_labelled(SETS[set_name])
        locale = locale_of(set_name)
        nlu = nlus.setdefault(locale, NLU.for_locale(locale))
        matchers: list[tuple[str, Any]] = [("nlu", nlu)]
        if args.baseline:
            model = json.loads((MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))
            matchers.append(("exact baseline", ExactMatcher(model, locale)))
        for name, matcher in matchers:
            acc = evaluate(matcher, data)
            times = _latencies(matcher, data, args.repeat)
            entry: dict[str, Any] = {
                "n_in_domain": acc.n_in,
                "n_out_of_domain": acc.n_out,
                "in_domain_accuracy": round(acc.in_domain, 4),
                "out_of_domain_accuracy": round(acc.out_of_domain, 4),
                "latency_mean_ms": round(statistics.fmean(times) * 1000, 4),
                "latency_p99_ms": round(_p99(times) * 1000, 4),
            }
            flags = _red_flags(SETS[set_name], locale) if name == "nlu" else None
            if flags is not None:
                entry["red_flags"] = flags["n"]
                entry["red_flags_warned"] = flags["warned"]
            results[f"{set_name}/{name}"] = entry
            warned_cell = f"{flags['warned']}/{flags['n']}" if flags else ""
            in_acc = f"{acc.in_domain:.3f} ({acc.n_in})"
            out_acc = f"{acc.out_of_domain:.3f} ({acc.n_out})"
            timing = [entry["latency_mean_ms"], entry["latency_p99_ms"]]
            rows.append([set_name, locale, name, in_acc, out_acc, warned_cell, *timing])
            if args.show_misses and name == "nlu":
                for row, got in acc.misses:
                    slots = {k: v.id for k, v in got.slots.items()}
                    print(
                        f"miss [{set_name}] {row.text!r}: want {row.intent} {row.slot_ids}, "
                        f"got {got.intent} {slots}"
                    )
                for line in (flags or {}).get("missed", []):
                    print(f"miss [{set_name}] red flag not warned: {line!r}")
    header = ["set", "locale", "matcher", "in domain", "out of domain", "red flags", "mean ms"]
    print_table([*header, "p99 ms"], rows)
    load = {
        "load_in_process_median_ms": round(statistics.median(loads) * 1000, 2),
        "load_cold_process_median_ms": round(statistics.median(cold) * 1000, 2),
    }
    print(
        f"\nNLU load, en-US: {load['load_in_process_median_ms']} ms in process (median of "
        f"{len(loads)}), {load['load_cold_process_median_ms']} ms with imports, fresh interpreter "
        f"(median of {len(cold)})"
    )
    path = write_results(NAME, {"results": results, **load}, args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
