"""`python -m skill.ops history|profile`: exit 0 done, 1 failed (SMAPI, LWA, no data), 2 usage.

    python -m skill.ops history --skill-id ID --locale L [--stage live|development] [--out F.csv]
    python -m skill.ops profile FILE.tsv --skill-id ID --locale L [--stage development|live]

Credentials: ASK_REFRESH_TOKEN, LWA_CLIENT_ID, LWA_CLIENT_SECRET (docs/operating.md).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from skill.content import SUPPORTED_LOCALES
from skill.ops.client import OpsError, build_client
from skill.ops.settings import MissingCredentials, OpsSettings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
STAGES = ("live", "development")
SKILL_ID = re.compile(r"amzn1\.ask\.skill\.[0-9a-f-]{36}")
Sleep = Callable[[float], None]


def _skill_id(text: str) -> str:
    if not SKILL_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a skill id (amzn1.ask.skill.<uuid>): {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    """Both subcommands and their options."""
    parser = argparse.ArgumentParser(
        prog="python -m skill.ops", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    history = commands.add_parser(
        "history",
        help="what people said (Intent Request History): a CSV test set and a report",
    )
    profile = commands.add_parser(
        "profile", help="a labelled TSV through Alexa's utterance profiler and the simulator"
    )
    profile.add_argument(
        "file", type=Path, metavar="FILE.tsv", help="utterance<TAB>intent<TAB>slots"
    )
    for command, stage in ((history, "live"), (profile, "development")):
        command.add_argument("--skill-id", required=True, type=_skill_id, metavar="ID")
        command.add_argument("--locale", required=True, choices=SUPPORTED_LOCALES)
        command.add_argument("--stage", choices=STAGES, default=stage, help=f"default {stage}")
    history.add_argument(
        "--out", type=Path, metavar="FILE.csv", help="default .data/history/ (git-ignored)"
    )
    return parser


def _progress(total: int | None, unit: str, desc: str) -> Any:
    from tqdm import tqdm

    # disable=None: a bar on a terminal, nothing in a pipe or a log.
    return tqdm(total=total, unit=unit, desc=desc, disable=None, leave=False, file=sys.stderr)


def _simulator_intent() -> Callable[[str, str], str | None]:
    from skill.simulator.session import nlu_for

    def simulate(locale: str, text: str) -> str | None:
        try:
            return nlu_for(locale).parse(text).intent
        except (FileNotFoundError, KeyError):  # no model for that locale
            return None

    return simulate


def run_history(args: argparse.Namespace, settings: OpsSettings, out: TextIO, sleep: Sleep) -> int:
    """Pull every page, write the CSV, print the report."""
    from skill.ops import csvout, history

    client = build_client(settings)
    bar = _progress(None, "utterance", f"history {args.locale}")

    def on_page(n: int, total: int | None) -> None:
        if total is not None and bar.total is None:
            bar.total = total
            bar.refresh()
        bar.update(n)

    try:
        heard = list(history.pages(client, args.skill_id, args.stage, args.locale, sleep, on_page))
    finally:
        bar.close()
    if not heard:
        raise OpsError(
            f"no history for {args.locale} ({args.stage}): Amazon reports a locale only for days "
            "with at least 10 unique users, and only its frequent utterances"
        )
    path = args.out or csvout.default_path(args.locale, args.stage, datetime.now(UTC).date())
    rows = csvout.write_annotations(path, ((h.text, h.intent) for h in heard))
    print(f"history of {args.skill_id}, {args.stage}, {args.locale}", file=out)
    for line in history.report(heard, _simulator_intent()).lines():
        print(line, file=out)
    print(
        f"wrote {path} ({rows} rows): people's words; delete it when done "
        f"(`python -m skill.simulator evaluate {path} --locale {args.locale}`)",
        file=out,
    )
    return EXIT_OK


def run_profile(args: argparse.Namespace, settings: OpsSettings, out: TextIO, sleep: Sleep) -> int:
    """Every labelled line through the profiler and the simulator; print the three figures."""
    from skill.ops import profile
    from skill.simulator.nlueval import Labelled, load_labelled
    from skill.simulator.session import nlu_for

    rows = load_labelled(args.file)
    if not rows:
        raise ValueError(f"{args.file}: no labelled lines")
    nlu = nlu_for(args.locale)

    def simulate(row: Labelled) -> tuple[str, bool]:
        parse = nlu.parse(row.text)
        return parse.intent, row.matches(parse)

    client = build_client(settings)
    results = []
    with _progress(len(rows), "utterance", f"profile {args.locale}") as bar:
        for result in profile.profile_rows(
            client, args.skill_id, args.stage, args.locale, rows, simulate, sleep
        ):
            results.append(result)
            bar.update(1)
    for line in profile.summary_lines(results, args.locale, args.stage):
        print(line, file=out)
    return EXIT_OK


def main(
    argv: list[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    sleep: Sleep = time.sleep,
) -> int:
    """Parse, read the credentials once, run the command; returns the exit status."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    try:
        settings = OpsSettings.from_env()
    except MissingCredentials as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    command = run_history if args.command == "history" else run_profile
    try:
        return command(args, settings, out, sleep)
    except OpsError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return EXIT_FAILED
