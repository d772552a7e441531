"""`python -m skill.audio build|check`: render the clips, or verify the committed ones."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from skill.audio.manifest import Manifest
from skill.content import SUPPORTED_LOCALES
from skill.settings import AudioSettings


def _parser(clips: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m skill.audio", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="render missing or stale clips")
    build.add_argument("--engine", choices=("auto", "gtts", "offline"), default="auto")
    check = commands.add_parser("check", help="exit 1 on a missing, stale or non-conformant clip")
    for sub in (build, check):
        sub.add_argument("--out", type=Path, default=clips, help="clip folder")
        sub.add_argument(
            "--locale",
            action="append",
            choices=SUPPORTED_LOCALES,
            help="locale to process (repeatable; default: every locale with content)",
        )
    return parser


def _build(out: Path, locales: list[str], engine: str) -> int:
    from tqdm.contrib.logging import logging_redirect_tqdm

    from skill.audio.build import build, content_texts
    from skill.audio.engines import chain

    engines = chain(engine)
    missing = 0
    with logging_redirect_tqdm():
        for locale in locales:
            summary = build(content_texts(locale), locale, out, engines)
            print(summary.line())
            missing += len(summary.missing)
    return 1 if missing else 0


def _check(out: Path, locales: list[str]) -> int:
    from skill.audio.build import content_texts
    from skill.audio.check import check

    problems = [p for locale in locales for p in check(content_texts(locale), locale, out)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"audio check: {len(problems)} problem(s); run `python -m skill.audio build`")
        return 1
    print(f"audio check: every clip in {', '.join(locales)} is present, fresh and conformant")
    entries = Manifest.load(out / "manifest.json").clips
    sizes = {locale: [e.bytes for e in entries.get(locale, {}).values()] for locale in locales}
    for locale, clip_bytes in sizes.items():
        print(f"  {locale}: {len(clip_bytes)} clips, {sum(clip_bytes) / 2**20:.2f} MiB")
    total = sum(sum(b) for b in sizes.values())
    print(f"  total: {sum(map(len, sizes.values()))} clips, {total / 2**20:.2f} MiB")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the exit status is 0 when everything is in order. The clip folder
    is `AUDIO_DIR`, else the repository's `audio/` (skill/settings.py)."""
    args = _parser(AudioSettings.from_env().directory).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    locales = args.locale or list(SUPPORTED_LOCALES)
    try:
        if args.command == "build":
            return _build(args.out, locales, args.engine)
        return _check(args.out, locales)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
