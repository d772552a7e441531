"""Clip build time, cold against incremental in the same run; the clips' total bytes and seconds.

Every build goes into a fresh temporary folder from the real content, with the offline engine
(these machines have no route to Google). The cold build is the baseline; the incremental builds
are measured against it: nothing changed, one text edited, and an `auto` build that first asks
gTTS again for every fallback clip (which here fails fast, is retried with backoff, and keeps the
offline clips).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._common import out_dir_argument, print_table, ratio, write_results
from skill.audio.build import Summary, build, content_texts
from skill.audio.engines import chain
from skill.content import SUPPORTED_LOCALES

NAME = "audio_build"


def _timed(run: Callable[[], list[Summary]]) -> tuple[float, list[Summary]]:
    start = time.perf_counter()
    summaries = run()
    return time.perf_counter() - start, summaries


def measure(locales: tuple[str, ...]) -> dict[str, Any]:
    """Cold, unchanged, one-edit and auto rebuilds of every locale's clips."""
    texts = {locale: content_texts(locale) for locale in locales}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def run(engine: str, edit: bool = False) -> list[Summary]:
            engines = chain(engine)
            summaries = []
            for locale, pairs in texts.items():
                if edit:
                    (clip_id, text), *rest = pairs
                    pairs = [(clip_id, text + " Edited."), *rest]
                summaries.append(build(pairs, locale, out, engines))
            return summaries

        runs = {
            "cold": _timed(lambda: run("offline")),
            "unchanged": _timed(lambda: run("offline")),
            "one_text_edited": _timed(lambda: run("offline", edit=True)),
            "auto_retry_gtts": _timed(lambda: run("auto", edit=True)),
        }
    cold_seconds, cold = runs["cold"]
    clips = sum(s.clips for s in cold)
    audio_seconds = sum(s.seconds for s in cold)
    return {
        "locales": list(locales),
        "clips": clips,
        "total_bytes": sum(s.bytes for s in cold),
        "total_audio_seconds": round(audio_seconds, 3),
        "runs": {
            name: {
                "seconds": round(seconds, 3),
                "rendered": sum(sum(s.rendered.values()) for s in summaries),
                "unchanged": sum(s.unchanged for s in summaries),
                "ratio_to_cold": ratio(seconds, cold_seconds),
            }
            for name, (seconds, summaries) in runs.items()
        },
        "cold_audio_seconds_per_build_second": round(audio_seconds / cold_seconds, 1),
    }


def report(results: dict[str, Any]) -> None:
    """Prints the builds and the totals as two small tables."""
    rows = [
        [name, f"{r['seconds']:.2f}", r["rendered"], r["unchanged"], f"{r['ratio_to_cold']:.3f}"]
        for name, r in results["runs"].items()
    ]
    print_table(["build", "seconds", "rendered", "unchanged", "vs cold"], rows)
    print()
    kib = results["total_bytes"] / 1024
    print_table(
        ["clips", "KiB", "audio seconds", "audio s per build s (cold)"],
        [
            [
                results["clips"],
                f"{kib:.0f}",
                f"{results['total_audio_seconds']:.1f}",
                results["cold_audio_seconds_per_build_second"],
            ]
        ],
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables, write bench/results/audio_build.json."""
    parser = argparse.ArgumentParser(prog="python -m bench.audio_build", description=__doc__)
    parser.add_argument("--locale", action="append", choices=SUPPORTED_LOCALES)
    out_dir_argument(parser)
    args = parser.parse_args(argv)
    results = measure(tuple(args.locale or SUPPORTED_LOCALES))
    report(results)
    print(f"\nwritten: {write_results(NAME, results, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
