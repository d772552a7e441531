"""Write the benchmark tables in docs/benchmarks.md from bench/results/*.json.

Each results file gets a table between `<!-- bench-table: NAME -->` and `<!-- /bench-table -->`;
`summary` is one row per file. A results file without a table, or a table without a results
file, is an error (exit 2), so a new benchmark cannot go unreported. The prose around is the doc's.

A table is a small Spec: headers, rows of `|`-separated cell templates, a note. `{path}` is a
dotted path into the results (`{skill.median_ms}`), formatted by its key's name (`_ms`, `ratio`,
`accuracy`, `_bytes`...). An `Each` row repeats per entry of a mapping, `{key}` naming it. A
benchmark without a spec gets a table of its top-level numbers.

Usage: python scripts/bench_tables.py [--check]   (--check: exit 1 when the doc is stale)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Each = tuple[str, str]  # (path of a mapping, cells whose paths are each entry's own)

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
BLOCK = re.compile(
    r"(?P<open><!-- bench-table: (?P<name>[\w-]+) -->\n).*?<!-- /bench-table -->", re.S
)
FIELD = re.compile(r"\{([\w.()-]+)\}")
MEASURED = "Measured {measured_at}, Python {python}."


@dataclass(frozen=True)
class Spec:
    """A table: its headers and rows (cells split on `|`), and the note under it."""

    headers: str
    rows: tuple[str | Each, ...]  # a str is one row; Each one row per entry of a mapping
    note: str = MEASURED


LATENCY = Spec(
    " | skill | ASK SDK hello-world | ratio",
    (
        "median per request | {skill.median_ms} | {baseline.median_ms} | {ratio_median}",
        "p95 per request | {skill.p95_ms} | {baseline.p95_ms} | {ratio_p95}",
        "CPU median | {cpu.skill.median_ms} | {cpu.baseline.median_ms} | {ratio_cpu_median}",
        ("per_step", "median, {key} | {skill_median_ms} | {baseline_median_ms} | "),
    ),
    "{rounds} rounds. Target: median at most {target_ratio}x; met: {within_target}. " + MEASURED,
)
SPECS: dict[str, Spec] = {
    "handler_latency": LATENCY,
    "handler_latency_persistence": Spec(
        LATENCY.headers,
        (*LATENCY.rows, ("cold_import.import_median_ms", "cold import, `{key}` | {.} | | ")),
        LATENCY.note,
    ),
    "cold_import": Spec(
        " | `skill.lambda_function` | `bench.hello_world` | ratio",
        (
            "process, wall median | {skill.process.median_ms} | {baseline.process.median_ms}"
            " | {ratio_process_median}",
            "process, wall p95 | {skill.process.p95_ms} | {baseline.process.p95_ms} | ",
            "process, CPU median | {skill.process_cpu.median_ms}"
            " | {baseline.process_cpu.median_ms} | {ratio_process_cpu_median}",
            "import alone, median | {skill.import.median_ms} | {baseline.import.median_ms}"
            " | {ratio_import_median}",
            "median of paired ratios | | | {ratio_process_paired_median}",
        ),
        "{runs} fresh interpreters each, alternating. Target: at most {target_ratio}x; met: "
        "{within_target}. Modules only the skill imports: {importtime.extra_modules}, "
        "{importtime.extra_self_ms} in all. " + MEASURED,
    ),
    "web_load": Spec(
        " | web service | flask-ask-sdk hello-world | ratio",
        (
            "throughput | {skill.throughput_rps} | {baseline.throughput_rps} | {ratio_throughput}",
            "p50 / p99 latency | {skill.p50_ms} / {skill.p99_ms} | {baseline.p50_ms} / "
            "{baseline.p99_ms} | ",
            "server CPU per request | {skill.server_cpu_ms_per_request}"
            " | {baseline.server_cpu_ms_per_request} | {ratio_server_cpu_per_request}",
            "requests, errors | {skill.requests}, {skill.errors}"
            " | {baseline.requests}, {baseline.errors} | ",
        ),
        "{clients} clients x {requests_per_client} requests x {rounds} rounds, {gunicorn.workers}"
        " gunicorn workers x {gunicorn.threads} threads. Target: at least {target_ratio}x the "
        "throughput; met: {within_target}; no errors: {zero_errors}. " + MEASURED,
    ),
    "web_sim": Spec(
        " | `POST /api/turn` | Lambda handler directly | added",
        (
            "median per turn | {api.median_ms} | {handler.median_ms} | {added_median_ms}",
            "p95 per turn | {api.p95_ms} | {handler.p95_ms} | {added_p95_ms}",
        ),
        "{rounds} rounds of the conversation. Target: the API adds at most "
        "{target_added_p95_ms} at p95; met: {within_target}. " + MEASURED,
    ),
    "lambda_size": Spec(
        " | value",
        (
            "zip size | {artifact_bytes}, {artifact_files} files",
            "untrimmed package (the baseline), ratio | {baseline_bytes}, {ratio_to_baseline}",
            "cold LaunchRequest, median | {cold_launch.no_bytecode.median_ms}",
            "the same with bytecode | {cold_launch.bytecode.median_ms}",
            "peak memory of a cold launch | {peak_rss_mib} MiB",
        ),
        "Limit: {limit_bytes}; met: {within_limit}. Measured {measured_at}.",
    ),
    "audio_build": Spec(
        "build | time | rendered | unchanged | of cold",
        (("runs", "`{key}` | {seconds} | {rendered} | {unchanged} | {ratio_to_cold}"),),
        "{clips} clips, {total_bytes}, {total_audio_seconds} of audio. " + MEASURED,
    ),
    "nlu_accuracy": Spec(
        "set/matcher | in domain | out of domain | red flags warned | mean | p99",
        (
            (
                "results",
                "`{key}` | {in_domain_accuracy} ({n_in_domain})"
                " | {out_of_domain_accuracy} ({n_out_of_domain})"
                " | {red_flags_warned}/{red_flags} | {latency_mean_ms} | {latency_p99_ms}",
            ),
        ),
        "Model load, en-US: {load_in_process_median_ms} in process, "
        "{load_cold_process_median_ms} in a fresh interpreter. " + MEASURED,
    ),
}


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path (`.` is the value itself), or None."""
    for part in path.split(".") if path != "." else ():
        data = data.get(part) if isinstance(data, dict) else None
    return data


def fmt(key: str, value: Any) -> str:
    """A value as a reader wants it, by the name of its key."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if not isinstance(value, int | float):
        return str(value)
    if key.endswith("_bytes"):
        return f"{value:,} bytes ({value / 2**20:.2f} MiB)"
    if "accuracy" in key:
        return f"{value:.1%}"
    if key.startswith("ratio"):
        return f"{value:.2f}x" if value >= 0.1 else f"{value:.3f}x"
    if key.endswith("_rps"):
        return f"{value:,.0f} req/s"
    if key.endswith("seconds"):
        return f"{value:,.3g} s" if value < 100 else f"{value:,.0f} s"
    if "_ms" in key:
        return f"{value:.3g} ms" if value < 100 else f"{value:,.0f} ms"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def fill(template: str, data: Any, key: str = "", leaf: str = "") -> str:
    """`template` with each `{path}` formatted; `{key}` is `key`, `{.}` the value named `leaf`."""

    def one(match: re.Match[str]) -> str:
        path = match[1]
        if path == "key":
            return key
        name = leaf if path == "." else path.rsplit(".", 1)[-1]
        return fmt(name, lookup(data, path))

    text = FIELD.sub(one, template)
    return "-" if text == "-/-" else text


def generic(data: dict[str, Any]) -> Spec:
    """A benchmark without a spec: its top-level numbers."""
    keys = [k for k, v in data.items() if isinstance(v, int | float)]
    return Spec("field | value", tuple(f"`{k}` | {{{k}}}" for k in keys))


def table_rows(data: dict[str, Any], spec: Spec) -> tuple[list[str], list[list[str]]]:
    """A benchmark's headers and filled rows."""
    rows = []
    for row in spec.rows:
        path, template = row if isinstance(row, tuple) else (".", row)
        entries = (lookup(data, path) or {}).items() if path != "." else [("", data)]
        for key, item in entries:
            leaf = path.rsplit(".", 1)[-1]
            rows.append([fill(cell.strip(), item, key, leaf) for cell in template.split("|")])
    return [h.strip() for h in spec.headers.split("|")], rows


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]) + "\n"


def summary(results: dict[str, dict[str, Any]]) -> str:
    """One row per benchmark: its table's first row, whether its target is met, and when."""
    rows = []
    for name, data in results.items():
        spec = SPECS.get(name) or generic(data)
        headers, body = table_rows(data, spec)
        first = body[0] if body else ["-"]
        pairs = zip(headers[1:], first[1:], strict=False)
        headline = (
            first[0] + ": " + ", ".join(c if h == "value" else f"{h} {c}" for h, c in pairs if c)
        )
        met = fmt("", data.get("within_target", data.get("within_limit")))
        rows.append([f"`{name}`", headline, met, str(data.get("measured_at", "?"))[:10]])
    return table(("benchmark", "headline", "target met", "measured"), rows)


def render(text: str, results: dict[str, dict[str, Any]]) -> str:
    """`text` with every table regenerated."""
    names = [m["name"] for m in BLOCK.finditer(text)]
    missing = sorted(set(results) - set(names))
    if missing:
        raise ValueError(f"no table for {', '.join(missing)}: add <!-- bench-table: NAME --> ...")
    unknown = sorted(set(names) - set(results) - {"summary"})
    if unknown:
        raise ValueError(f"a table for {', '.join(unknown)}, but no bench/results file")

    def block(match: re.Match[str]) -> str:
        if match["name"] == "summary":
            return match["open"] + summary(results) + "<!-- /bench-table -->"
        data = results[match["name"]]
        spec = SPECS.get(match["name"]) or generic(data)
        body = table(*table_rows(data, spec)) + "\n" + fill(spec.note, data) + "\n"
        return match["open"] + body + "<!-- /bench-table -->"

    return BLOCK.sub(block, text)


def load_results(results_dir: Path = RESULTS_DIR) -> dict[str, dict[str, Any]]:
    """Every results file by benchmark name, sorted."""
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(results_dir.glob("*.json"))}


def main(argv: list[str] | None = None, doc: Path = DOC, results_dir: Path = RESULTS_DIR) -> int:
    """Rewrite the tables; --check only reports (1: stale). 2: the doc and results do not fit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is out of date")
    args = parser.parse_args(argv)
    current = doc.read_text(encoding="utf-8")
    try:
        text = render(current, load_results(results_dir))
    except ValueError as exc:  # the doc and the results do not fit together
        print(f"{doc}: {exc}", file=sys.stderr)
        return 2
    if text == current:
        return 0
    if args.check:
        print(f"{doc}: stale tables; run python scripts/bench_tables.py", file=sys.stderr)
        return 1
    doc.write_text(text, encoding="utf-8")
    print(f"wrote {doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
