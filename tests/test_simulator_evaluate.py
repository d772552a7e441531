"""`python -m skill.simulator evaluate FILE.csv`: Amazon's NLU-evaluation format, offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skill.simulator.nlu import NLU
from skill.simulator.nlueval import AnnotationError, load_annotations, score

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
HEADER = "utterance,referenceTimestamp,intent,slot[cause],slot[tip]\n"
GOOD = [
    "what about calcium,,CauseDetailIntent,calcium,",
    "tell me about calcium,2026-01-01T00:00:00Z,CauseDetailIntent,LOW_CALCIUM,",
    "tell me about calcium,,CauseDetailIntent,Low Calcium,",
    "how can I prevent leg cramps,,PreventionTipsIntent,,",
    "why do my legs cramp at night,,CrampCausesIntent,,",
]
WRONG = ["what about calcium,,CauseDetailIntent,magnesium,", "order me a pizza,,SeeDoctorIntent,,"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "skill.simulator", "evaluate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def nlu() -> NLU:
    return NLU.for_locale("en-US")


def test_slot_annotations_accept_the_words_the_canonical_name_or_the_id(nlu: NLU) -> None:
    card = score(nlu, load_annotations(HEADER + "\n".join(GOOD) + "\n"))
    assert (card.passed, card.total) == (5, 5), [(r.text, p) for r, p in card.misses]


def test_a_wrong_slot_or_intent_is_a_miss(nlu: NLU) -> None:
    card = score(nlu, load_annotations(HEADER + "\n".join(GOOD + WRONG) + "\n"))
    assert (card.passed, card.total) == (5, 7)
    assert [row.text for row, _ in card.misses] == ["what about calcium", "order me a pizza"]
    assert card.per_intent["CauseDetailIntent"] == (4, 3)
    assert card.per_intent["SeeDoctorIntent"] == (1, 0)


def test_an_annotated_empty_slot_must_stay_empty(nlu: NLU) -> None:
    rows = load_annotations(HEADER + "what about calcium,,CauseDetailIntent,,\n")
    assert score(nlu, rows).passed == 0


def test_quoted_cells_and_a_byte_order_mark_are_read() -> None:
    rows = load_annotations(
        "\ufeff" + HEADER + '"why, oh why, do my legs cramp",,CrampCausesIntent\n'
    )
    assert rows[0].text == "why, oh why, do my legs cramp"
    assert rows[0].slot_values == {"cause": "", "tip": ""}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "header must start"),
        ("utterance,intent\n", "header must start"),
        ("utterance,referenceTimestamp,intent,notes\n", "slot[name]"),
        (HEADER, "no annotations"),
        (HEADER + "hi,,X,a,b,c\n", "line 2"),
    ],
)
def test_malformed_files_are_explained(text: str, message: str) -> None:
    with pytest.raises(AnnotationError, match=message.replace("[", r"\[")):
        load_annotations(text)


def test_command_reports_and_passes_the_bar(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text(HEADER + "\n".join(GOOD + WRONG) + "\n", encoding="utf-8")
    done = run(str(path), "--min", "0.6")
    assert done.returncode == 0, done.stderr
    assert "accuracy 71.4% (5/7), en-US" in done.stdout
    assert "CauseDetailIntent" in done.stdout and "3/4" in done.stdout
    assert "miss: 'order me a pizza': expected SeeDoctorIntent" in done.stdout


def test_command_exits_1_below_the_bar(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text(HEADER + "\n".join(GOOD + WRONG) + "\n", encoding="utf-8")
    done = run(str(path), "--locale", "en-US", "--min", "0.9")
    assert done.returncode == 1
    assert "below --min 0.9" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "cannot read"),
        (["latin1.csv"], "not UTF-8 text"),
        (["bad.csv"], "header must start"),
        (["set.csv", "--locale", "xx-XX"], "cannot read"),
        (["set.csv", "--min", "90"], "between 0 and 1"),
    ],
)
def test_command_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "bad.csv").write_text("what,ever\n", encoding="utf-8")
    (tmp_path / "latin1.csv").write_text(HEADER + "qué tal,,X\n", encoding="latin-1")
    (tmp_path / "set.csv").write_text(HEADER + GOOD[0] + "\n", encoding="utf-8")
    done = run(*[str(tmp_path / a) if a.endswith(".csv") else a for a in args])
    assert done.returncode == 2
    assert message in done.stderr
