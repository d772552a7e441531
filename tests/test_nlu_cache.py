"""The simulator's learned NLU is kept in the cache folder and read back only while everything it
was learned from is unchanged. Learning itself is the real NLU's, done once per process
(`nlu_for`); here each "learning" is counted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill.model.generate import model_path
from skill.simulator import nlucache
from skill.simulator.nlu import NLU
from skill.simulator.session import nlu_for

pytestmark = pytest.mark.unit

LINE = "why do my legs cramp at night"


@pytest.fixture
def learned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The locales learned from here on (each gets the process's NLU for it, made beforehand)."""
    calls: list[str] = []
    made = {locale: nlu_for(locale) for locale in ("en-GB", "en-AU", "en-IN")}

    def learn(cls: type[NLU], locale: str = "en-US") -> NLU:
        calls.append(locale)
        return made[locale]

    monkeypatch.setattr(NLU, "for_locale", classmethod(learn))
    return calls


def test_the_second_start_reads_what_the_first_learned(tmp_path: Path, learned: list[str]) -> None:
    first = nlucache.load("en-GB", tmp_path)
    again = nlucache.load("en-GB", tmp_path)
    assert learned == ["en-GB"]
    assert len(list(tmp_path.glob("nlu-en-GB-*.pickle"))) == 1
    assert again is not first and again.ranked(LINE) == first.ranked(LINE)
    assert again.parse(LINE).intent == "CrampCausesIntent"


def test_a_changed_model_is_learned_again_and_the_old_file_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, learned: list[str]
) -> None:
    model = tmp_path / "en-GB.json"
    shutil.copyfile(model_path("en-GB"), model)
    monkeypatch.setattr(nlucache, "model_path", lambda locale: model)
    cache = tmp_path / "cache"
    nlucache.load("en-GB", cache)
    before = nlucache.key("en-GB")
    model.write_text(model.read_text("utf-8") + "\n")  # one byte more
    assert nlucache.key("en-GB") != before
    nlucache.load("en-GB", cache)
    assert learned == ["en-GB", "en-GB"]
    assert [p.name for p in cache.glob("nlu-en-GB-*.pickle")] == [
        f"nlu-en-GB-{nlucache.key('en-GB')}.pickle"
    ]


def test_a_damaged_file_is_learned_again(tmp_path: Path, learned: list[str]) -> None:
    (tmp_path / f"nlu-en-AU-{nlucache.key('en-AU')}.pickle").write_bytes(b"not a pickle")
    assert nlucache.load("en-AU", tmp_path).parse(LINE).intent == "CrampCausesIntent"
    assert learned == ["en-AU"]


def test_a_folder_that_cannot_be_written_only_costs_the_learning(
    tmp_path: Path, learned: list[str]
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert nlucache.load("en-IN", blocked / "cache").parse(LINE).intent == "CrampCausesIntent"
    nlucache.load("en-IN", blocked / "cache")
    assert learned == ["en-IN", "en-IN"]
