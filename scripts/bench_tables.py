"""Write the benchmark tables in docs/benchmarks.md (and the README's one line) from bench/results.

Every `bench/results/<name>.json` gets a table between two marker comments in docs/benchmarks.md:

    <!-- bench-table: <name> -->
    ...generated...
    <!-- /bench-table -->

`summary` is one row per benchmark; `nlu-line` (in README.md) is one sentence of the
understanding figures. A results file with no table, or a table with no results file, is an error,
so a new benchmark cannot go unreported. The prose around the markers is the doc's own.

Usage: python scripts/bench_tables.py [--check]   (--check: exit 1 when a file is stale)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(?P<open><!-- bench-table: (?P<name>[\w-]+) -->\n)(?P<body>.*?)"
    r"(?P<close><!-- /bench-table -->)",
    re.DOTALL,
)
# Not benchmarks: blocks made from several results files.
DERIVED = ("summary", "nlu-line")

# Understanding bars (docs/language-understanding.md): the held-out sets' bars are the tests'
# (tests/test_nlu.py); a blind batch's are the targets for phrasings nobody tuned on.
HELDOUT_BAR = {"en": 0.95, "es": 0.90}
BLIND_BAR = {"en": (0.90, 0.95), "es": (0.90, 0.90)}
P99_TARGET_MS = 5.0

Results = dict[str, dict[str, Any]]
Row = Sequence[object]


class DocError(Exception):
    """The doc and the results do not fit together (a missing or unknown table)."""


# Formatting -------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Iterable[Row]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def ms(value: float | None) -> str:
    """Milliseconds, with the precision a reader can use."""
    if value is None:
        return "-"
    if value < 10:
        return f"{value:.3g} ms"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def pct(value: float | None) -> str:
    """A fraction as a percentage."""
    return "-" if value is None else f"{value * 100:.1f}%"


def times(value: float | None) -> str:
    """A ratio."""
    if value is None:
        return "-"
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.3f}x"


def mib(value: float) -> str:
    """Bytes as MiB."""
    return f"{value / 2**20:.2f} MiB"


def met(ok: bool | None) -> str:
    """Whether a target is met."""
    return "-" if ok is None else ("yes" if ok else "**no**")


def measured(data: dict[str, Any]) -> str:
    """When and with what a results file was measured."""
    return f"Measured {data.get('measured_at', '?')}, Python {data.get('python', '?')}.\n"


# One table per benchmark ------------------------------------------------------------------


def latency(data: dict[str, Any]) -> str:
    """handler_latency and handler_latency_persistence."""
    skill, base, cpu = data["skill"], data["baseline"], data.get("cpu", {})
    target = data.get("target_ratio")
    rows: list[Row] = [
        [
            "median per request",
            ms(skill["median_ms"]),
            ms(base["median_ms"]),
            times(data["ratio_median"]),
        ],
        ["p95 per request", ms(skill["p95_ms"]), ms(base["p95_ms"]), times(data.get("ratio_p95"))],
    ]
    if cpu:
        rows.append(
            [
                "CPU median per request",
                ms(cpu["skill"]["median_ms"]),
                ms(cpu["baseline"]["median_ms"]),
                times(data.get("ratio_cpu_median")),
            ]
        )
    for step, step_data in data.get("per_step", {}).items():
        skill_ms, base_ms = step_data["skill_median_ms"], step_data["baseline_median_ms"]
        rows.append([f"median, {step}", ms(skill_ms), ms(base_ms), times(skill_ms / base_ms)])
    text = table(["", "skill", "ASK SDK hello-world", "ratio"], rows)
    text += (
        f"\n{data['rounds']} rounds of {len(data['steps'])} requests each. Target: median at most "
        f"{target}x the hello-world; met: {met(data.get('within_target'))}. " + measured(data)
    )
    cold = data.get("cold_import")
    if cold:
        added = ", ".join(
            f"`{name}` {ms(cold['import_median_ms'][name])} (+{cold['added_ms'][name]} ms)"
            for name in cold["import_median_ms"]
        )
        text += f"\nCold import by `PERSISTENCE`, median of {cold['runs']}: {added}.\n"
    return text


def cold_import(data: dict[str, Any]) -> str:
    """cold_import."""
    skill, base = data["skill"], data["baseline"]
    rows: list[Row] = [
        [part, ms(skill[key][stat]), ms(base[key][stat]), ratio]
        for part, key, stat, ratio in (
            ("process, wall median", "process", "median_ms", times(data["ratio_process_median"])),
            (
                "p95",
                "process",
                "p95_ms",
                times(skill["process"]["p95_ms"] / base["process"]["p95_ms"]),
            ),
            (
                "process, CPU median",
                "process_cpu",
                "median_ms",
                times(data["ratio_process_cpu_median"]),
            ),
            ("import alone, median", "import", "median_ms", times(data["ratio_import_median"])),
        )
    ]
    rows.append(["median of paired ratios", "", "", times(data["ratio_process_paired_median"])])
    text = table(
        ["", f"`{data['modules']['skill']}`", f"`{data['modules']['baseline']}`", "ratio"], rows
    )
    importtime = data.get("importtime", {})
    top = ", ".join(
        f"`{m}` {v} ms" for m, v in list(importtime.get("top_extra_modules_ms", {}).items())[:5]
    )
    text += (
        f"\n{data['runs']} fresh interpreters each, alternating. Target: at most "
        f"{data['target_ratio']}x; met: {met(data.get('within_target'))}. "
    )
    if importtime:
        text += (
            f"Modules only the skill imports: {importtime['extra_modules']}, "
            f"{importtime['extra_self_ms']} ms in all (largest: {top}). "
        )
    return text + measured(data)


def web_load(data: dict[str, Any]) -> str:
    """web_load."""
    skill, base = data["skill"], data["baseline"]
    rows: list[Row] = [
        [
            "throughput",
            f"{skill['throughput_rps']:,.0f} req/s",
            f"{base['throughput_rps']:,.0f} req/s",
            times(data["ratio_throughput"]),
        ],
        ["p50 latency", ms(skill["p50_ms"]), ms(base["p50_ms"]), ""],
        ["p99 latency", ms(skill["p99_ms"]), ms(base["p99_ms"]), ""],
        [
            "server CPU per request",
            ms(skill["server_cpu_ms_per_request"]),
            ms(base["server_cpu_ms_per_request"]),
            times(data["ratio_server_cpu_per_request"]),
        ],
        [
            "requests, errors",
            f"{skill['requests']:,}, {skill['errors']}",
            f"{base['requests']:,}, {base['errors']}",
            "",
        ],
    ]
    g = data["gunicorn"]
    text = table(["", "web service", "flask-ask-sdk hello-world", "ratio"], rows)
    text += (
        f"\n{data['clients']} clients x {data['requests_per_client']} requests x {data['rounds']} "
        f"rounds; gunicorn {g['workers']} workers x {g['threads']} threads ({g['worker_class']}). "
        f"Target: at least {data['target_ratio']}x the throughput, no errors; met: "
        f"{met(data.get('within_target') and data.get('zero_errors'))}. " + measured(data)
    )
    return text


def web_sim(data: dict[str, Any]) -> str:
    """web_sim."""
    api, handler = data["api"], data["handler"]
    rows: list[Row] = [
        [
            "median per turn",
            ms(api["median_ms"]),
            ms(handler["median_ms"]),
            ms(data["added_median_ms"]),
        ],
        ["p95 per turn", ms(api["p95_ms"]), ms(handler["p95_ms"]), ms(data["added_p95_ms"])],
    ]
    text = table(["", "`POST /api/turn`", "Lambda handler directly", "added"], rows)
    text += (
        f"\n{data['rounds']} rounds of the {len(data['conversation'])}-turn conversation. Target: "
        f"the API adds at most {data['target_added_p95_ms']:g} ms at p95; met: "
        f"{met(data.get('within_target'))}. " + measured(data)
    )
    return text


def lambda_size(data: dict[str, Any]) -> str:
    """lambda_size."""
    cold = data["cold_launch"]
    rows: list[Row] = [
        [
            "zip size",
            f"{data['artifact_bytes']:,} bytes ({mib(data['artifact_bytes'])})",
            f"{data['baseline_bytes']:,} bytes ({mib(data['baseline_bytes'])})",
            times(data["ratio_to_baseline"]),
        ],
        ["files in the zip", f"{data['artifact_files']:,}", "", ""],
        [
            "cold LaunchRequest, median",
            ms(cold["no_bytecode"]["median_ms"]),
            f"with bytecode {ms(cold['bytecode']['median_ms'])}",
            "",
        ],
        ["peak memory of a cold launch", f"{data['peak_rss_mib']} MiB", "", ""],
    ]
    largest = ", ".join(
        f"`{name}` {size / 1024:,.0f} KiB"
        for name, size in list(data.get("composition_bytes", {}).items())[:4]
    )
    text = table(["", "the zip", "untrimmed package", "ratio"], rows)
    text += (
        f"\nLimit: {data['limit_bytes']:,} bytes ({mib(data['limit_bytes'])}); met: "
        f"{met(data.get('within_limit'))}. Largest parts: {largest}. "
        f"Cold launches under `{Path(str(data.get('python', 'python3.12'))).name} -S`. "
        f"Measured {data.get('measured_at', '?')}.\n"
    )
    return text


def audio_build(data: dict[str, Any]) -> str:
    """audio_build."""
    runs = data["runs"]
    labels = {
        "cold": "cold build (the baseline)",
        "unchanged": "rebuild, nothing changed",
        "one_text_edited": "rebuild, one text edited",
        "auto_retry_gtts": "`auto` rebuild, gTTS retried for every fallback clip",
    }
    rows: list[Row] = [
        [
            labels.get(name, name),
            f"{run['seconds']:g} s",
            run["rendered"],
            run["unchanged"],
            times(run["ratio_to_cold"]),
        ]
        for name, run in runs.items()
    ]
    text = table(["build", "time", "rendered", "unchanged", "of cold"], rows)
    text += (
        f"\n{data['clips']} clips in {len(data['locales'])} locales, "
        f"{mib(data['total_bytes'])}, {data['total_audio_seconds']:,.0f} s of audio. "
        + measured(data)
    )
    return text


def _nlu_sets(data: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(set, matcher, kind, figures) for every entry, held-out sets first, then dev, then blind."""
    order = {"held-out": 0, "development": 1, "blind batch": 2}
    entries = []
    for key, figures in data["results"].items():
        set_name, _, matcher = key.rpartition("/")
        if set_name.startswith("heldout_"):
            kind = "held-out"
        elif set_name.startswith("dev_"):
            kind = "development"
        else:
            kind = "blind batch"
        entries.append((set_name, matcher, kind, figures))
    return sorted(entries, key=lambda e: (order[e[2]], e[0], e[1] != "nlu"))


def _locale(set_name: str) -> str:
    """The locale a set is run in: its file name's last part."""
    return re.split(r"[_/]", set_name)[-1]


def _bar(kind: str, locale: str) -> tuple[float, float] | None:
    """The bar (in domain, out of domain) a set of this kind must reach, if any."""
    language = locale.split("-")[0]
    if kind == "held-out":
        return HELDOUT_BAR[language], HELDOUT_BAR[language]
    if kind == "blind batch":
        return BLIND_BAR[language]
    return None


def nlu_accuracy(data: dict[str, Any]) -> str:
    """nlu_accuracy."""
    rows: list[Row] = []
    for set_name, matcher, kind, f in _nlu_sets(data):
        locale = _locale(set_name)
        bar = _bar(kind, locale)
        flags = f"{f['red_flags_warned']}/{f['red_flags']}" if "red_flags" in f else "-"
        name = set_name.rsplit("/", 1)[0] if kind == "blind batch" else set_name
        rows.append(
            [
                f"{kind}: `{name}`",
                locale,
                "simulator" if matcher == "nlu" else matcher,
                f"{pct(f['in_domain_accuracy'])} ({f['n_in_domain']})",
                f"{pct(f['out_of_domain_accuracy'])} ({f['n_out_of_domain']})",
                flags,
                f"{f['latency_mean_ms']:.2f}",
                f"{f['latency_p99_ms']:.2f}",
                f"{bar[0]:.0%} / {bar[1]:.0%}" if bar and matcher == "nlu" else "-",
            ]
        )
    headers = [
        "set",
        "locale",
        "matcher",
        "in domain",
        "out of domain",
        "red flags warned",
        "mean ms",
        "p99 ms",
        "bar (in / out)",
    ]
    text = table(headers, rows)
    p99 = max(f["latency_p99_ms"] for _, m, _, f in _nlu_sets(data) if m == "nlu")
    text += (
        f"\nSlowest p99 parse: {p99:.2f} ms (target at most {P99_TARGET_MS:g} ms; met: "
        f"{met(p99 <= P99_TARGET_MS)}). Model load, en-US: "
        f"{ms(data['load_in_process_median_ms'])} in process, "
        f"{ms(data['load_cold_process_median_ms'])} in a fresh interpreter. " + measured(data)
    )
    blind = sorted({s.rsplit("/", 1)[0] for s, _, k, _ in _nlu_sets(data) if k == "blind batch"})
    for batch in blind:
        record = ROOT / "bench" / "data" / batch / "RESULTS.md"
        if record.is_file():
            link = f"[its record](../{record.relative_to(ROOT)})"
            text += f"\n`{batch}` was measured once, before tuning: {link}.\n"
    return text


def generic(data: dict[str, Any]) -> str:
    """A benchmark this script has no table for yet: its top-level numbers."""
    rows = [[f"`{k}`", v] for k, v in data.items() if isinstance(v, int | float | bool)]
    return table(["field", "value"], rows) + "\n" + measured(data)


TABLES: dict[str, Callable[[dict[str, Any]], str]] = {
    "audio_build": audio_build,
    "cold_import": cold_import,
    "handler_latency": latency,
    "handler_latency_persistence": latency,
    "lambda_size": lambda_size,
    "nlu_accuracy": nlu_accuracy,
    "web_load": web_load,
    "web_sim": web_sim,
}


# Blocks made from several results ---------------------------------------------------------


def _heldout_range(data: dict[str, Any]) -> tuple[str, str, bool]:
    """Held-out in-domain and out-of-domain ranges, and whether every bar is met."""
    held = [(s, f) for s, m, k, f in _nlu_sets(data) if k == "held-out" and m == "nlu"]
    ins = [f["in_domain_accuracy"] for _, f in held]
    outs = [f["out_of_domain_accuracy"] for _, f in held]
    ok = all(
        f["in_domain_accuracy"] >= bar[0] and f["out_of_domain_accuracy"] >= bar[1]
        for s, f in held
        if (bar := _bar("held-out", _locale(s)))
    )
    return f"{pct(min(ins))}-{pct(max(ins))}", f"{pct(min(outs))}-{pct(max(outs))}", ok


def summary(results: Results) -> str:
    """One row per benchmark: the headline figure, its baseline, target and whether it is met."""
    rows: list[Row] = []
    for name, d in results.items():
        day = str(d.get("measured_at", "?"))[:10]
        if name in ("handler_latency", "handler_latency_persistence"):
            rows.append(
                [
                    name,
                    f"{ms(d['skill']['median_ms'])} median per request",
                    f"ASK SDK hello-world {ms(d['baseline']['median_ms'])}",
                    times(d["ratio_median"]),
                    f"at most {d['target_ratio']}x",
                    met(d.get("within_target")),
                    day,
                ]
            )
        elif name == "cold_import":
            rows.append(
                [
                    name,
                    f"{ms(d['skill']['process']['median_ms'])} per process",
                    f"hello-world {ms(d['baseline']['process']['median_ms'])}",
                    times(d["ratio_process_median"]),
                    f"at most {d['target_ratio']}x",
                    met(d.get("within_target")),
                    day,
                ]
            )
        elif name == "web_load":
            rows.append(
                [
                    name,
                    f"{d['skill']['throughput_rps']:,.0f} req/s, {d['skill']['errors']} errors",
                    f"flask-ask-sdk hello-world {d['baseline']['throughput_rps']:,.0f} req/s",
                    times(d["ratio_throughput"]),
                    f"at least {d['target_ratio']}x",
                    met(d.get("within_target") and d.get("zero_errors")),
                    day,
                ]
            )
        elif name == "web_sim":
            rows.append(
                [
                    name,
                    f"{ms(d['api']['p95_ms'])} p95 per turn",
                    f"handler directly {ms(d['handler']['p95_ms'])}",
                    f"+{ms(d['added_p95_ms'])}",
                    f"at most +{d['target_added_p95_ms']:g} ms",
                    met(d.get("within_target")),
                    day,
                ]
            )
        elif name == "lambda_size":
            rows.append(
                [
                    name,
                    mib(d["artifact_bytes"]),
                    f"untrimmed {mib(d['baseline_bytes'])}",
                    times(d["ratio_to_baseline"]),
                    f"at most {mib(d['limit_bytes'])}",
                    met(d.get("within_limit")),
                    day,
                ]
            )
        elif name == "audio_build":
            runs = d["runs"]
            rows.append(
                [
                    name,
                    f"{runs['one_text_edited']['seconds']:g} s after one edit",
                    f"cold build {runs['cold']['seconds']:g} s",
                    times(runs["one_text_edited"]["ratio_to_cold"]),
                    "-",
                    "-",
                    day,
                ]
            )
        elif name == "nlu_accuracy":
            ins, outs, ok = _heldout_range(d)
            rows.append(
                [
                    name,
                    f"held-out sets: {ins} in domain, {outs} off-topic to Fallback",
                    "exact-sample matcher (`--baseline`)",
                    "-",
                    "95% English, 90% Spanish",
                    met(ok),
                    day,
                ]
            )
        else:
            rows.append([name, "see below", "-", "-", "-", "-", day])
    return table(["benchmark", "result", "baseline", "ratio", "target", "met", "measured"], rows)


def nlu_line(results: Results) -> str:
    """The README's one sentence of understanding figures."""
    data = results.get("nlu_accuracy")
    if not data:
        return "Language understanding has not been measured yet.\n"
    ins, outs, _ = _heldout_range(data)
    return (
        f"Understanding, on the held-out sets of every locale: {ins} of requests in domain get "
        f"the right intent and slot, {outs} of off-topic ones go to Fallback "
        f"([all figures](docs/benchmarks.md#language-understanding-nlu_accuracy)).\n"
    )


# The files --------------------------------------------------------------------------------


def load_results(results_dir: Path = RESULTS_DIR) -> Results:
    """Every results file by benchmark name, sorted."""
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(results_dir.glob("*.json"))
    }


def block_text(name: str, results: Results) -> str:
    """What goes between the markers of block `name`."""
    if name == "summary":
        return summary(results)
    if name == "nlu-line":
        return nlu_line(results)
    if name not in results:
        raise DocError(f"a table for {name!r}, but no bench/results/{name}.json")
    return TABLES.get(name, generic)(results[name])


def render(text: str, results: Results, *, complete: bool) -> str:
    """`text` with every block regenerated; `complete`: every results file must have its block."""
    names = [m["name"] for m in BLOCK.finditer(text)]
    if complete:
        missing = sorted(set(results) - set(names))
        if missing:
            raise DocError(
                "no table for "
                + ", ".join(missing)
                + ": add a section with "
                + ", ".join(f"<!-- bench-table: {n} -->" for n in missing)
            )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DocError("more than one table for " + ", ".join(repeated))

    def fill(match: re.Match[str]) -> str:
        return match["open"] + block_text(match["name"], results) + match["close"]

    return BLOCK.sub(fill, text)


def targets(doc: Path = DOC, readme: Path = README) -> list[tuple[Path, bool]]:
    """The files with tables, and whether each must hold every benchmark's."""
    return [(doc, True), (readme, False)]


def main(
    argv: list[str] | None = None,
    files: list[tuple[Path, bool]] | None = None,
    results_dir: Path = RESULTS_DIR,
) -> int:
    """Rewrite the tables, or with --check report the stale files (exit 1); 2 on a doc error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    results = load_results(results_dir)
    stale = 0
    for path, complete in files if files is not None else targets():
        current = path.read_text(encoding="utf-8")
        try:
            text = render(current, results, complete=complete)
        except DocError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 2
        if text == current:
            continue
        if args.check:
            print(f"{path} is stale: run python scripts/bench_tables.py", file=sys.stderr)
            stale += 1
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
