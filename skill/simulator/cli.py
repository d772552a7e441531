"""The simulator's command line: typed, positional or replayed lines, shown as text or JSON.

Usage: python -m skill.simulator [--locale en-US] [--user-id ID] [--device NAME]
                                [--grant reminders] [--json]
       [--replay FILE] [--save-audio DIR] [LINE ...]
       python -m skill.simulator --web [--host 127.0.0.1] [--port 8000]
       python -m skill.simulator evaluate FILE.csv [--locale L] [--min 0.9]

The command line is a contract (docs/simulator.md): it grows by new options only. One parser
reads all of it; `evaluate` is the first LINE, recognised once the line is parsed.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from skill.content import SUPPORTED_LOCALES
from skill.settings import Settings
from skill.simulator.devices import DEVICES, SPEAKER
from skill.simulator.printer import PROMPT, Printer
from skill.simulator.replay import COMMANDS, DEFAULT_LOCALE, Replay, ReplayError, command_error
from skill.simulator.session import (
    DEFAULT_USER_ID,
    GRANTS,
    PERMISSION_ANSWERS,
    Simulator,
    SimulatorError,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EVALUATE = "evaluate"  # as the first LINE: the NLU evaluation, not words said


def build_parser() -> argparse.ArgumentParser:
    """Every command-line option, in this one place."""
    parser = argparse.ArgumentParser(
        prog="python -m skill.simulator",
        description=(
            "Talk to the Leg Cramp Helper skill by typing what you would say to Alexa. "
            "With no LINE and no --replay it reads lines from the keyboard (or from piped input)."
        ),
        epilog="Commands: " + ", ".join(COMMANDS) + ". "
        "NLU evaluation: python -m skill.simulator evaluate FILE.csv [--locale L] [--min 0.9] "
        "scores the simulator's understanding on an annotation set in Amazon's NLU-evaluation "
        "CSV format (utterance,referenceTimestamp,intent,slot[name]...).",
    )
    parser.add_argument(
        "lines",
        nargs="*",
        metavar="LINE",
        help="say these lines in order, exactly as if typed (`evaluate FILE.csv`: see below)",
    )
    parser.add_argument(
        "--locale",
        metavar="{" + ",".join(SUPPORTED_LOCALES) + "}",
        help=f"locale of the interaction model and content (default {DEFAULT_LOCALE})",
    )
    parser.add_argument(
        "--user-id",
        metavar="ID",
        help=f"the Alexa user talking (default {DEFAULT_USER_ID}, remembered between runs); "
        "`new` makes up a user never seen before",
    )
    parser.add_argument(
        "--device",
        choices=list(DEVICES),
        default=SPEAKER,
        help="the device talking: a speaker (default) or one with a screen, whose envelopes carry "
        "its viewport and APL, so answers also carry their screen (`directives` in --json)",
    )
    parser.add_argument(
        "--grant",
        action="append",
        choices=sorted(GRANTS),
        default=[],
        metavar="PERMISSION",
        help="the user has granted this permission (reminders): requests carry a consent token; "
        "without it the skill asks, and .accept or .deny answers",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per utterance on stdout, and nothing else",
    )
    parser.add_argument(
        "--replay",
        metavar="FILE",
        type=Path,
        help="run an ASK CLI dialog replay file (its skillId and locale are used)",
    )
    parser.add_argument(
        "--save-audio",
        metavar="DIR",
        type=Path,
        help="save each answer as DIR/turn-NNN.mp3 (committed clips, else text-to-speech); "
        "play it where a player exists",
    )
    parser.add_argument("--web", action="store_true", help="serve the simulator as a web page")
    parser.add_argument("--host", default="127.0.0.1", help="with --web: address (loopback)")
    parser.add_argument("--port", type=int, default=8000, help="with --web: port (default 8000)")
    parser.add_argument(
        "--min",
        type=float,
        metavar="RATIO",
        help="with evaluate: exit 1 below this accuracy (0-1)",
    )
    return parser


@dataclass
class Recording:
    """Typed lines being recorded to a replay file."""

    path: Path
    lines: list[str] = field(default_factory=list)


class Shell:
    """Runs typed lines: dot-commands here, everything else said to the simulated Alexa."""

    def __init__(
        self,
        simulator: Simulator,
        printer: Printer,
        save_audio: Callable[[str], Path | None] | None = None,
    ) -> None:
        self.simulator, self.printer, self.save_audio = simulator, printer, save_audio
        self.recording: Recording | None = None
        self.failed = False

    def run(self, lines: Iterable[str]) -> None:
        """Run lines until they run out or `.quit`; then write any recording."""
        try:
            for line in lines:
                if not self.line(line):
                    break
        finally:
            self.stop_recording()

    def line(self, line: str) -> bool:
        """Run one line; False means quit."""
        text = line.strip()
        if not text:
            return True
        if text.startswith("."):
            return self.command(text)
        if self.recording is not None:
            self.recording.lines.append(text)
        turn = self.simulator.say(text)
        self.printer.turn(turn)
        if self.save_audio is not None:
            ssml = turn.exchange.response.get("response", {}).get("outputSpeech", {}).get("ssml")
            saved = self.save_audio(ssml) if ssml else None
            self.printer.note(f"audio: {saved}" if saved else "audio: nothing to voice")
        return True

    def command(self, text: str) -> bool:
        """Run a dot-command; False means quit."""
        problem = command_error(text)
        if problem:
            self.printer.error(problem)
            self.failed = True
            return True
        name, _, argument = text.partition(" ")
        if name == ".quit":
            return False
        if name in PERMISSION_ANSWERS:
            if not self.simulator.awaiting_permission:
                self.printer.error(f"{name}: the skill has not asked for a permission to answer")
                self.failed = True
                return True
            if self.recording is not None:
                self.recording.lines.append(name)
            self.printer.turn(self.simulator.say(name))
            return True
        if name == ".new":
            if self.recording is not None:
                self.recording.lines.append(name)
            closed = self.simulator.end_session()
            if closed is not None:
                self.printer.exchange(closed)
            self.printer.note("new session" + (": the open one was ended" if closed else ""))
        elif name == ".json":
            self.printer.raw = not self.printer.raw
            shown = "shown" if self.printer.raw else "hidden"
            self.printer.note(f"raw request and response JSON {shown}")
        elif name == ".record":
            self.stop_recording()
            path = Path(argument.strip()).expanduser()
            if not path.parent.is_dir():
                self.printer.error(f"cannot record to {path}: no directory {path.parent}")
                self.failed = True
                return True
            self.recording = Recording(path)
            self.printer.note(f"recording to {path}; written on .quit, end of input or .record")
        return True

    def stop_recording(self) -> None:
        """Write the current recording, if any, as a replay file."""
        if self.recording is None:
            return
        recording, self.recording = self.recording, None
        replay = Replay(self.simulator.skill_id, self.simulator.locale, recording.lines)
        try:
            recording.path.write_text(replay.dump(), encoding="utf-8")
        except OSError as exc:
            self.printer.error(f"cannot write {recording.path}: {exc.strerror or exc}")
            self.failed = True
            return
        self.printer.note(f"recorded {len(recording.lines)} lines to {recording.path}")


def _typed_lines(stdin: TextIO, out: TextIO) -> Iterator[str]:
    """Lines typed at a terminal, with a prompt and readline history."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - imported for its side effect on input()
    print(
        "Say something to Leg Cramp Helper, e.g. 'open leg cramp helper' or "
        "'ask leg cramp helper why do my legs cramp at night'.\n"
        f"Commands: {', '.join(COMMANDS)}.",
        file=out,
        flush=True,
    )
    while True:
        try:
            yield input(PROMPT) if stdin is sys.stdin else _prompted(stdin, out)
        except KeyboardInterrupt:  # Ctrl-C drops the line being typed, as in a shell
            print(file=out)
        except EOFError:
            print(file=out)
            return


def _prompted(stdin: TextIO, out: TextIO) -> str:
    """input() for a stream other than the process's stdin."""
    print(PROMPT, end="", file=out, flush=True)
    line = stdin.readline()
    if not line:
        raise EOFError
    return line


def _save_audio(
    folder: Path | None, locale: str, clips: Path
) -> Callable[[str], Path | None] | None:
    """The `--save-audio` hook, using the committed clips in `clips` (audio libraries load only
    when asked for)."""
    if folder is None:
        return None
    from skill.audio.local import SaveAudio

    return SaveAudio(folder, locale, audio_dir=clips)


def _user_id(option: str | None) -> str | None:
    """The `--user-id` value: `new` is a fresh made-up id, anything else is used as given."""
    if option is not None and option.strip().lower() == "new":
        return f"amzn1.ask.account.{uuid.uuid4().hex}"
    return option.strip() if option and option.strip() else None


def main(
    argv: list[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the simulator; returns the process exit status."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    # Intermixed: LINEs and options in any order (`evaluate --locale es-US FILE.csv` too).
    args = parser.parse_intermixed_args(sys.argv[1:] if argv is None else argv)
    talking = (args.replay, args.json, args.save_audio, args.grant, args.user_id, args.web)
    if args.lines[:1] == [EVALUATE]:
        if len(args.lines) != 2:
            parser.error(f"{EVALUATE} takes one FILE.csv")
        if any(talking) or args.device != SPEAKER:
            parser.error(f"{EVALUATE} takes only FILE.csv, --locale and --min")
        from skill.simulator import evaluate

        return evaluate.run(Path(args.lines[1]), args.locale, args.min, stdout, stderr)
    if args.min is not None:
        parser.error(f"--min goes with {EVALUATE} FILE.csv")
    if args.locale is not None and args.locale not in SUPPORTED_LOCALES:
        choices = ", ".join(repr(locale) for locale in SUPPORTED_LOCALES)
        parser.error(f"argument --locale: invalid choice: {args.locale!r} (choose from {choices})")
    settings = Settings.from_env(local=True)  # once, for the whole run (skill/settings.py)
    if args.web:
        if (
            args.lines
            or args.replay
            or args.json
            or args.save_audio
            or args.locale
            or args.grant
            or (args.device != SPEAKER)
        ):
            parser.error("--web takes only --host and --port; the page does the rest")
        from skill.simulator.web import serve

        return serve(args.host, args.port, settings)
    skill_id = None
    locale = args.locale or DEFAULT_LOCALE
    lines: Iterable[str] = args.lines
    if args.replay is not None:
        if args.lines:
            parser.error("--replay cannot be combined with LINE arguments")
        try:
            replay = Replay.load(args.replay)
        except ReplayError as exc:
            print(f"error: replay file {args.replay}: {exc}", file=stderr)
            return EXIT_USAGE
        if args.locale and args.locale != replay.locale:
            print(
                f"error: --locale {args.locale} differs from the replay file's {replay.locale}",
                file=stderr,
            )
            return EXIT_USAGE
        skill_id, locale, lines = replay.skill_id, replay.locale, replay.lines
    interactive = args.replay is None and not args.lines and stdin.isatty()
    printer = Printer(stdout, stderr, as_json=args.json, echo=not interactive)
    try:
        simulator = Simulator(
            locale,
            skill_id,
            _user_id(args.user_id),
            args.device,
            grants=args.grant,
            settings=settings,
        )
        save_audio = _save_audio(args.save_audio, locale, settings.audio.directory)
        shell = Shell(simulator, printer, save_audio)
    except SimulatorError as exc:
        printer.error(str(exc))
        return EXIT_USAGE
    if args.replay is None and not args.lines:
        lines = _typed_lines(stdin, stdout) if interactive else stdin
    try:
        shell.run(lines)
    except SimulatorError as exc:
        printer.error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if shell.failed else EXIT_OK
