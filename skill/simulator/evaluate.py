"""`python -m skill.simulator evaluate FILE.csv [--locale L] [--min 0.9]`: Amazon's NLU evaluation,
offline: accuracy, a row per intent and the misses; exit 1 below `--min`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from skill.simulator.nlu import NLU
from skill.simulator.nlueval import AnnotationError, load_annotations, score

EXIT_OK, EXIT_BELOW, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The `evaluate` subcommand's options."""
    parser = argparse.ArgumentParser(
        prog="python -m skill.simulator evaluate",
        description="Score the simulator's language understanding on an annotation set in "
        "Amazon's NLU-evaluation CSV format (utterance,referenceTimestamp,intent,slot[name]...).",
    )
    parser.add_argument("file", type=Path, metavar="FILE.csv", help="the annotation set")
    parser.add_argument("--locale", default="en-US", help="interaction model (default en-US)")
    parser.add_argument(
        "--min", type=float, default=None, metavar="RATIO", help="exit 1 below this accuracy (0-1)"
    )
    return parser


def main(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the evaluation and print its report; returns the exit status."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = build_parser().parse_args(argv)
    if args.min is not None and not 0 <= args.min <= 1:
        print("error: --min is a ratio between 0 and 1", file=err)
        return EXIT_USAGE
    try:
        rows = load_annotations(args.file.read_text(encoding="utf-8"))
        nlu = NLU.for_locale(args.locale)
    except OSError as exc:
        print(f"error: cannot read {exc.filename or args.file}: {exc}", file=err)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:
        print(f"error: cannot read {args.file}: not UTF-8 text ({exc.reason})", file=err)
        return EXIT_USAGE
    except AnnotationError as exc:
        print(f"error: {args.file}: {exc}", file=err)
        return EXIT_USAGE
    card = score(nlu, rows)
    print(f"accuracy {card.accuracy:.1%} ({card.passed}/{card.total}), {args.locale}", file=out)
    width = max(len(name) for name in card.per_intent)
    for name, (n, ok) in card.per_intent.items():
        print(f"  {name:<{width}}  {ok:>4}/{n:<4} {ok / n:7.1%}", file=out)
    for row, parse in card.misses:
        print(f"miss: {row.text!r}: expected {row.intent}, got {parse.intent}", file=out)
    if args.min is not None and card.accuracy < args.min:
        print(f"below --min {args.min:g}", file=err)
        return EXIT_BELOW
    return EXIT_OK
