"""The history as an NLU-evaluation CSV, safe to open in a spreadsheet, kept out of git."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from skill.simulator.nlueval import CSV_FIXED

# Where history goes unless --out says otherwise: .data/ is git-ignored, and the folder gets a
# .gitignore of its own so that it stays out of any repository it is made in.
HISTORY_DIR = Path(".data") / "history"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def default_path(locale: str, stage: str, day: date) -> Path:
    """`.data/history/history-<locale>-<stage>-<date>.csv` under the current directory."""
    return HISTORY_DIR / f"history-{locale}-{stage}-{day.isoformat()}.csv"


def _private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if folder.resolve() == HISTORY_DIR.resolve():
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# History holds people's words: never commit it.\n*\n")


def write_annotations(path: Path, rows: Iterable[tuple[str, str]]) -> int:
    """Writes `utterance,referenceTimestamp,intent` rows (no slot columns: history has intents
    only), readable only by its owner; returns the number of rows."""
    _private_folder(path.parent)
    count = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_FIXED)
        for utterance, intent in rows:
            writer.writerow([safe_cell(utterance), "", safe_cell(intent)])
            count += 1
    return count
