"""`python -m skill.simulator evaluate FILE.csv [--locale L] [--min 0.9]`: Amazon's NLU evaluation,
offline: accuracy, a row per intent and the misses; exit 1 below `--min`. The simulator's
command line (skill/simulator/cli.py) parses the options and calls `run`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from skill.simulator.nlu import NLU
from skill.simulator.nlueval import AnnotationError, load_annotations, score

EXIT_OK, EXIT_BELOW, EXIT_USAGE = 0, 1, 2
DEFAULT_LOCALE = "en-US"


def run(
    path: Path,
    locale: str | None = None,
    minimum: float | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Score the annotation set at `path` in `locale` (default en-US) and print the report;
    returns the exit status (1 below `minimum`, 2 for a file or setting that will not do)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    locale = locale or DEFAULT_LOCALE
    if minimum is not None and not 0 <= minimum <= 1:
        print("error: --min is a ratio between 0 and 1", file=err)
        return EXIT_USAGE
    try:
        rows = load_annotations(path.read_text(encoding="utf-8"))
        nlu = NLU.for_locale(locale)
    except OSError as exc:
        print(f"error: cannot read {exc.filename or path}: {exc}", file=err)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:
        print(f"error: cannot read {path}: not UTF-8 text ({exc.reason})", file=err)
        return EXIT_USAGE
    except AnnotationError as exc:
        print(f"error: {path}: {exc}", file=err)
        return EXIT_USAGE
    card = score(nlu, rows)
    print(f"accuracy {card.accuracy:.1%} ({card.passed}/{card.total}), {locale}", file=out)
    width = max(len(name) for name in card.per_intent)
    for name, (n, ok) in card.per_intent.items():
        print(f"  {name:<{width}}  {ok:>4}/{n:<4} {ok / n:7.1%}", file=out)
    for row, parse in card.misses:
        print(f"miss: {row.text!r}: expected {row.intent}, got {parse.intent}", file=out)
    if minimum is not None and card.accuracy < minimum:
        print(f"below --min {minimum:g}", file=err)
        return EXIT_BELOW
    return EXIT_OK
