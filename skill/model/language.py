"""How a language's utterances become words and stems: contractions, fillers, accents, stemming.

The rules of each language are data (`skill/model/language_<code>.toml`); stemming is Snowball's,
from snowballstemmer. The model generator uses them to tell varied samples from near-duplicates,
the simulator's NLU to read what people say.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import snowballstemmer

DEFAULT_LANGUAGE = "en"
MIN_CLITIC_BASE = 2  # "dímelo" -> "di": what is left of a word once its pronouns are off
_TOKEN = re.compile(r"\{[A-Za-z_]+\}|[^\W_]+(?:'[^\W_]+)*")
_SEPARATORS = re.compile(r"[-_.,!?;:\"()\u00bf\u00a1]+")


def fold(text: str) -> str:
    """Lower case without accents ("Pregúntale" -> "preguntale"), as people often type it."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(text).split())


@dataclass(frozen=True)
class Language:
    """How one language's utterances become comparable words and stems."""

    code: str
    stemmer_name: str
    fillers: frozenset[str]
    stopwords: frozenset[str]
    whole_words: dict[str, tuple[str, ...]]
    suffixes: dict[str, str]
    is_after: frozenset[str]
    irregular: dict[str, str]
    clitics: tuple[str, ...]
    clitic_hosts: tuple[str, ...]
    invocation: dict[str, list[str]]
    _stems: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_data(cls, code: str, data: dict[str, Any]) -> Language:
        """Build from a parsed `language_<code>.toml`."""
        stemmer = _snowball(data["stemmer"])
        irregular = {fold(k): fold(v) for k, v in data.get("irregular", {}).items()}
        for infinitive, forms in data.get("verb_forms", {}).items():  # "dame" -> dar's stem
            irregular.update(
                dict.fromkeys(
                    fold(f"{infinitive} {forms}").split(), fold(stemmer.stemWord(infinitive))
                )
            )
        return cls(
            code=code,
            stemmer_name=data["stemmer"],
            fillers=_words(data["fillers"]),
            stopwords=_words(data["stopwords"]),
            whole_words={fold(k): tuple(fold(v).split()) for k, v in data["whole_words"].items()},
            suffixes=dict(data.get("suffixes", {})),
            is_after=_words(data.get("is_after", "")),
            irregular=irregular,
            clitics=tuple(sorted(data.get("clitics", "").split(), key=len, reverse=True)),
            clitic_hosts=tuple(data.get("clitic_hosts", "").split()),
            invocation={k: [fold(w) for w in v] for k, v in data["invocation"].items()},
        )

    def words(self, text: str) -> list[str]:
        """Lower-case words, contractions expanded, fillers and punctuation gone; accents stay,
        for the stemmer ("ayudaría"), and `{slot}` references pass through."""
        text = _SEPARATORS.sub(" ", text.replace("\u2019", "'"))
        out: list[str] = []
        for raw in _TOKEN.findall(text):
            if raw.startswith("{"):
                out.append(raw)
                continue
            expanded = self.expand_contractions(self._unclitic(raw.lower()).strip("'"))
            out.extend(w for w in expanded if w and fold(w) not in self.fillers)
        return out

    def _unclitic(self, token: str) -> str:
        """Without pronouns an accent shows are attached ("repítemelo" -> "repite")."""
        if fold(token) == token:
            return token
        for ending in self.clitics:
            base = token[: -len(ending)]
            if token.endswith(ending) and len(base) >= MIN_CLITIC_BASE:
                return base if fold(base).endswith(self.clitic_hosts) else token
        return token

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
        """The Snowball stem of a word, without accents; `{slot}` references, numbers and
        stopwords stay as they are (folded)."""
        if word not in self._stems:
            folded = fold(word)
            if word.startswith("{"):
                self._stems[word] = word
            elif word.isdigit() or folded in self.stopwords:
                self._stems[word] = folded
            else:
                stem = self.irregular.get(folded) or _snowball(self.stemmer_name).stemWord(word)
                self._stems[word] = fold(stem)
        return self._stems[word]

    def stems(self, text: str) -> list[str]:
        """The stems of an utterance's words, in order."""
        return [self.stem(w) for w in self.words(text)]

    def content_key(self, text: str) -> frozenset[str]:
        """The stems that carry meaning: samples with the same key differ only in fillers and
        function words."""
        return frozenset(s for s in self.stems(text) if s not in self.stopwords)


@cache
def _snowball(name: str) -> Any:
    """One Snowball stemmer per algorithm."""
    return snowballstemmer.stemmer(name)


@cache
def language(code: str = DEFAULT_LANGUAGE) -> Language:
    """The rules for a language code ("en", "es"), or for the language of a locale ("es-MX")."""
    code = code.split("-")[0].lower()
    path = resources.files(__package__).joinpath(f"language_{code}.toml")
    if not path.is_file():
        raise ValueError(f"no language rules for {code!r}")
    return Language.from_data(code, tomllib.loads(path.read_text(encoding="utf-8")))
