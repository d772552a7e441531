"""How a language's utterances become words and stems: contractions, fillers, accents, stemming.

Each language's rules are data (`skill/model/language_<code>.toml`); stemming is Snowball's. The
model generator uses them to tell varied samples from near-duplicates, the simulator's NLU to
read what people say.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import snowballstemmer

DEFAULT_LANGUAGE = "en"
_TOKEN = re.compile(r"\{[A-Za-z_]+\}|[^\W_]+(?:'[^\W_]+)*")
_SEPARATORS = re.compile(r"[-_.,!?;:\"()\u00bf\u00a1]+")


@lru_cache(maxsize=1 << 16)  # the same few thousand words, folded again and again
def fold(text: str) -> str:
    """Lower case without accents ("Pregúntale" -> "preguntale"), as people often type it."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Language:
    """How one language's utterances become comparable words and stems."""

    code: str
    rules: dict[str, Any]
    fillers: frozenset[str]
    stopwords: frozenset[str]
    irregular: dict[str, str]
    _stems: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _tokens: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_data(cls, code: str, data: dict[str, Any]) -> Language:
        """Build from a parsed `language_<code>.toml`; irregular verbs' forms stem as their
        infinitive ("dame" -> "dar")."""
        irregular = {fold(k): fold(v) for k, v in data.get("irregular", {}).items()}
        for infinitive, forms in data.get("verb_forms", {}).items():
            stem = fold(_snowball(data["stemmer"]).stemWord(infinitive))
            irregular |= dict.fromkeys(fold(f"{infinitive} {forms}").split(), stem)
        words = {k: frozenset(fold(data[k]).split()) for k in ("fillers", "stopwords")}
        return cls(code, data, words["fillers"], words["stopwords"], irregular)

    @property
    def invocation(self) -> dict[str, list[str]]:
        """How a user opens the skill: launch, ask, connectors and then words."""
        return {k: [fold(w) for w in v] for k, v in self.rules["invocation"].items()}

    def words(self, text: str) -> list[str]:
        """Lower-case words, contractions expanded, fillers and punctuation gone; accents stay,
        for the stemmer ("ayudaría"), and `{slot}` references pass through."""
        return [word for word, _ in self.heard(text)]

    def heard(self, text: str) -> list[tuple[str, str]]:
        """Each of `words`, with the word as said that it comes from ("can't" for "not")."""
        out: list[tuple[str, str]] = []
        for raw in _TOKEN.findall(_SEPARATORS.sub(" ", text.replace("\u2019", "'"))):
            if raw.startswith("{"):
                out.append((raw, raw))
                continue
            said = raw.lower()
            if said not in self._tokens:
                expanded = self.expand_contractions(self._unclitic(said).strip("'"))
                self._tokens[said] = tuple(w for w in expanded if w and fold(w) not in self.fillers)
            out.extend((w, said) for w in self._tokens[said])
        return out

    def _unclitic(self, token: str) -> str:
        """Without pronouns an accent shows are attached ("repítemelo" -> "repite"), from what
        ends like a verb form."""
        if fold(token) == token:
            return token
        for ending in sorted(self.rules.get("clitics", "").split(), key=len, reverse=True):
            base = token[: -len(ending)]
            if token.endswith(ending) and len(base) >= 2:
                hosts = tuple(self.rules["clitic_hosts"].split())
                return base if fold(base).endswith(hosts) else token
        return token

    def expand_contractions(self, word: str) -> list[str]:
        """Split a contraction into plain words ("what's" -> "what is", "del" -> "de el")."""
        whole = self.rules["whole_words"]
        if fold(word) in whole:
            return fold(whole[fold(word)]).split()
        for suffix, full in self.rules.get("suffixes", {}).items():
            if word.endswith(suffix) and len(word) > len(suffix):
                base = word[: -len(suffix)]
                if suffix == "'s":  # "what's" is "what is", "john's" is "john"
                    return [base, full] if base in self.rules["is_after"].split() else [base]
                return [base, full]
        return [word.replace("'", "")]

    def stem(self, word: str) -> str:
        """The Snowball stem of a word, without accents; `{slot}` references, numbers and
        stopwords stay as they are (folded)."""
        if word not in self._stems:
            folded = fold(word)
            if word.startswith("{") or word.isdigit() or folded in self.stopwords:
                stem = word if word.startswith("{") else folded
            else:
                stem = self.irregular.get(folded) or fold(
                    _snowball(self.rules["stemmer"]).stemWord(word)
                )
            self._stems[word] = stem
        return self._stems[word]

    def stems(self, text: str) -> list[str]:
        """The stems of an utterance's words, in order."""
        return [self.stem(w) for w in self.words(text)]

    def content_key(self, text: str) -> frozenset[str]:
        """The stems that carry meaning: two samples with one key differ only in fillers and
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
