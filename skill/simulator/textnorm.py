"""Text normalisation for the simulator's NLU: tokens, contractions and a light stemmer."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"\{[A-Za-z_]+\}|[A-Za-z0-9']+")
_SEPARATORS = re.compile(r"[-_.,!?;:\"()]+")

_NOT = {"can't": "can not", "won't": "will not", "cannot": "can not", "ain't": "is not"}
_SUFFIXES = {"'re": "are", "'m": "am", "'ve": "have", "'d": "would", "'ll": "will"}
_IS_AFTER = {"what", "it", "that", "there", "here", "he", "she", "who", "where", "how", "when"}


def _wordset(text: str) -> frozenset[str]:
    """A set of whitespace-separated words."""
    return frozenset(text.split())


# Words that carry no meaning in a request to a voice assistant.
FILLERS = _wordset("alexa um umm uh er erm hmm hey oh well so just actually really basically quite")

# Function words: known to every intent, never evidence of a topic.
STOPWORDS = _wordset(
    """a an the i me my mine you your it its this that these those them they their we us our
    is am are was were be been being do does did doing have has had will would can could should
    shall may might must to of in on at by for with about from into over up down out off and or
    but if then than as not no so too what which who whom whose when where why how all any some
    there here get got just now one ones also more most very really"""
)

# Everyday words too general to show that a request is about the skill's topic.
GENERIC = _wordset(
    """tell give have make keep want happen explain best during while know need like help say go
    take try use stop time way thing something lot night sleep bed worry advice good bad right
    feel think cause causes much lower upper"""
)

# Common words that change no topic: unseen in the model, they are not a sign of another domain.
NEUTRAL = _wordset(
    """love like bit little lot bunch kind sort stuff thing things guess wonder maybe perhaps
    probably anyway though still even ever never always usually sometimes often again else much
    many few big small quick fast slow bad badly terrible terribly awful awfully horrible nasty
    real sure fine great nice lovely please thanks thank sorry mate dear honey guys folks
    today tonight lately recently anymore these days week weeks month months year years every
    single whole same other another such exactly totally completely pretty fairly rather
    seem seems seemed keeps kept started starting begin began wonder wondering curious asking
    question questions know knew tell told severe sudden intense sharp strong painful agonising
    agonizing excruciating unbearable constant frequent occasional random weird strange odd
    left right lower upper inner outer both whole entire front side bottom top"""
)

_IRREGULAR = {
    "calves": "calf",
    "feet": "foot",
    "woke": "wake",
    "got": "get",
    "gotten": "get",
    "slept": "sleep",
    "knees": "knee",
    "thighs": "thigh",
    "worse": "bad",
    "worst": "bad",
    "ok": "okay",
    "nighttime": "night",
    "nights": "night",
    "gp": "doctor",
    "bedding": "bedding",
}
_DOUBLE = re.compile(r"([bdfgklmnprstz])\1$")


def expand_contractions(word: str) -> list[str]:
    """Split an English contraction into plain words ("what's" -> "what is")."""
    if word in _NOT:
        return _NOT[word].split()
    if word.endswith("n't"):
        return [word[:-3], "not"]
    for suffix, full in _SUFFIXES.items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return [word[: -len(suffix)], full]
    if word.endswith("'s"):
        base = word[:-2]
        return [base, "is"] if base in _IS_AFTER else [base]
    return [word.replace("'", "")]


def words(text: str) -> list[str]:
    """Lower-case words of a text, contractions expanded, fillers and punctuation dropped."""
    text = _SEPARATORS.sub(" ", text.replace("\u2019", "'"))
    out: list[str] = []
    for raw in _TOKEN.findall(text):
        out.extend((raw,) if raw.startswith("{") else _plain_words(raw.lower()))
    return out


@lru_cache(maxsize=8192)
def _plain_words(token: str) -> tuple[str, ...]:
    """One lower-case token as plain words, fillers dropped."""
    return tuple(w for w in expand_contractions(token.strip("'")) if w and w not in FILLERS)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: cramps, cramping, cramped -> cramp."""
    if word.startswith("{") or word.isdigit() or word in STOPWORDS:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    base = word
    if len(word) > 4 and word.endswith("ies"):
        base = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        base = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        base = word[:-1]
    elif len(word) > 5 and word.endswith("ing"):
        base = word[:-3]
    elif (len(word) > 4 and word.endswith("ed")) or (len(word) > 5 and word.endswith("ly")):
        base = word[:-2]
    if base != word and _DOUBLE.search(base):
        base = base[:-1]
    if len(base) > 3 and base.endswith("e"):
        base = base[:-1]
    return base
