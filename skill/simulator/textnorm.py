"""Text normalisation for the simulator's NLU, per language: words, contractions and stemming.

Each language's word lists and rules are data (`skill/simulator/language_<code>.toml`); stemming
is Snowball's, from snowballstemmer, for every language alike.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import snowballstemmer

LANGUAGE_DIR = Path(__file__).parent
DEFAULT_LANGUAGE = "en"
MIN_CLITIC_BASE = 2  # "dímelo" -> "di": what is left of a word once its pronouns are off
_TOKEN = re.compile(r"\{[A-Za-z_]+\}|[^\W_]+(?:'[^\W_]+)*")
_SEPARATORS = re.compile(r"[-_.,!?;:\"()\u00bf\u00a1]+")


def _wordset(text: str) -> frozenset[str]:
    """A set of whitespace-separated words."""
    return frozenset(text.split())


def fold(text: str) -> str:
    """Lower case without accents ("Pregúntale" -> "preguntale"), as people often type it."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Language:
    """How one language's utterances become comparable words and stems."""

    code: str
    stemmer_name: str
    fillers: frozenset[str]
    stopwords: frozenset[str]
    generic: frozenset[str]
    neutral: frozenset[str]
    whole_words: dict[str, tuple[str, ...]]
    suffixes: dict[str, str]
    is_after: frozenset[str]
    irregular: dict[str, str]
    clitics: tuple[str, ...]
    clitic_hosts: tuple[str, ...]
    place_words: frozenset[str]
    determiners: frozenset[str]
    modifier_offsets: tuple[int, ...]
    thing_places: frozenset[str]
    elsewhere: tuple[tuple[str, ...], ...]
    anchors: frozenset[str]
    invocation: dict[str, list[str]]
    _stems: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _plain: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_data(cls, code: str, data: dict[str, Any]) -> Language:
        """Build from a parsed `language_<code>.toml`."""
        return cls(
            code=code,
            stemmer_name=data["stemmer"],
            fillers=_wordset(fold(data["fillers"])),
            stopwords=_wordset(fold(data["stopwords"])),
            generic=_wordset(fold(data["generic"])),
            neutral=_wordset(fold(data["neutral"])),
            whole_words={fold(k): tuple(fold(v).split()) for k, v in data["whole_words"].items()},
            suffixes=dict(data.get("suffixes", {})),
            is_after=_wordset(data.get("contractions", {}).get("is_after", "")),
            irregular=_irregular(data),
            clitics=tuple(sorted(data.get("clitics", "").split(), key=len, reverse=True)),
            clitic_hosts=tuple(data.get("clitic_hosts", "").split()),
            place_words=_wordset(fold(data["places"]["words"])),
            determiners=_wordset(fold(data["places"]["determiners"])),
            modifier_offsets=tuple(data["places"].get("modifier_offsets", [-1])),
            thing_places=_wordset(fold(data["places"].get("thing_places", ""))),
            elsewhere=_elsewhere(data.get("elsewhere", {})),
            anchors=_wordset(fold(data.get("elsewhere", {}).get("anchors", ""))),
            invocation={k: [fold(w) for w in v] for k, v in data["invocation"].items()},
        )

    @property
    def _stemmer(self) -> Any:
        return _snowball(self.stemmer_name)

    def words(self, text: str) -> list[str]:
        """Lower-case words, contractions expanded, fillers and punctuation gone.

        Accents stay, for the stemmer ("ayudaría" -> "ayud"); stems drop them.
        """
        text = _SEPARATORS.sub(" ", text.replace("\u2019", "'"))
        out: list[str] = []
        for raw in _TOKEN.findall(text):
            out.extend((raw,) if raw.startswith("{") else self._plain_words(self._unclitic(raw)))
        return out

    def _unclitic(self, token: str) -> str:
        """Lower case, without pronouns an accent shows are attached ("repítemelo" -> "repite")."""
        lower = token.lower()
        if fold(lower) == lower or not self.clitics:
            return lower
        for ending in self.clitics:
            base = lower[: -len(ending)]
            if lower.endswith(ending) and len(base) >= MIN_CLITIC_BASE:
                return base if fold(base).endswith(self.clitic_hosts) else lower
        return lower

    def _plain_words(self, token: str) -> tuple[str, ...]:
        """One lower-case token as plain words, fillers dropped."""
        if token not in self._plain:
            expanded = self.expand_contractions(token.strip("'"))
            self._plain[token] = tuple(w for w in expanded if w and fold(w) not in self.fillers)
        return self._plain[token]

    def expand_contractions(self, word: str) -> list[str]:
        """Split a contraction into plain words ("what's" -> "what is", "del" -> "de el")."""
        if fold(word) in self.whole_words:
            return list(self.whole_words[fold(word)])
        for suffix, full in self.suffixes.items():
            if word.endswith(suffix) and len(word) > len(suffix):
                base = word[: -len(suffix)]
                if suffix == "'s":
                    return [base, full] if base in self.is_after else [base]
                return [base, full]
        return [word.replace("'", "")]

    def stem(self, word: str) -> str:
        """The Snowball stem of a word, without accents; placeholders, numbers and stopwords stay
        (folded) as they are."""
        if word not in self._stems:
            folded = fold(word)
            if word.startswith("{") or word.isdigit() or folded in self.stopwords:
                self._stems[word] = folded if not word.startswith("{") else word
            else:
                irregular = self.irregular.get(folded)
                self._stems[word] = irregular or fold(self._stemmer.stemWord(word))
        return self._stems[word]


def _elsewhere(data: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """Words and phrases naming another part of the body or another complaint, as word tuples."""
    words = [(w,) for w in fold(data.get("words", "")).split()]
    return (*words, *(tuple(fold(p).split()) for p in data.get("phrases", [])))


def _irregular(data: dict[str, Any]) -> dict[str, str]:
    """Word -> stem: `irregular`, and each form in `verb_forms` -> its infinitive's stem."""
    stems = {fold(k): fold(v) for k, v in data["irregular"].items()}
    stemmer = _snowball(data["stemmer"])
    for infinitive, forms in data.get("verb_forms", {}).items():
        stem = stemmer.stemWord(fold(infinitive))
        stems.update(dict.fromkeys([fold(infinitive), *fold(forms).split()], stem))
    return stems


@cache
def _snowball(name: str) -> Any:
    """One Snowball stemmer per algorithm."""
    return snowballstemmer.stemmer(name)


@cache
def language(code: str = DEFAULT_LANGUAGE) -> Language:
    """The rules for a language code ("en", "es"), or for the language of a locale ("es-MX")."""
    code = code.split("-")[0].lower()
    path = LANGUAGE_DIR / f"language_{code}.toml"
    if not path.is_file():
        raise ValueError(f"no language rules for {code!r}")
    with path.open("rb") as fh:
        return Language.from_data(code, tomllib.load(fh))
