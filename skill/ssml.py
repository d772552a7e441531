"""Pure SSML building: fixed text segments in, the body of a `<speak>` element out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})
_TAG = re.compile(r"<[^>]*>")
_INLINE_TAG = re.compile(r"</?say-as\b[^>]*>")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\b\d+\b")

# Alexa's limits on <audio>: tags per response, seconds in the speech and in a reprompt.
MAX_AUDIO_TAGS = 5
MAX_AUDIO_SECONDS = 240.0
MAX_REPROMPT_AUDIO_SECONDS = 90.0
MAX_BREAK_SECONDS = 10  # Alexa ignores longer <break> times


class Pause(NamedTuple):
    """A silence between segments, in seconds."""

    seconds: float


class Clip(NamedTuple):
    """A hosted recording of one segment's exact words."""

    src: str
    seconds: float


ClipLookup = Callable[[str], Clip | None]


def escape(text: str) -> str:
    """Escape the five characters that SSML (XML) reserves."""
    return text.translate(_ESCAPES)


def digits(text: str) -> str:
    """Escaped text in which every number is read one digit at a time ("nine one one")."""
    return _DIGITS.sub(r'<say-as interpret-as="digits">\g<0></say-as>', escape(text))


def digits_apart(text: str) -> str:
    """Plain text with every number's digits spaced ("9 1 1"), so any voice reads them singly."""
    return _DIGITS.sub(lambda m: " ".join(m.group()), text)


def paragraph(text: str) -> str:
    """One segment as an SSML paragraph, which Alexa follows with a natural pause."""
    return f"<p>{digits(text)}</p>"


def breaks(seconds: float) -> str:
    """A silence as `<break>` tags of at most ten seconds each (whole milliseconds)."""
    left = max(0, round(seconds * 1000))
    tags = []
    while left > 0:
        chunk = min(left, MAX_BREAK_SECONDS * 1000)
        tags.append(f'<break time="{chunk}ms"/>')
        left -= chunk
    return "".join(tags)


def render(
    segments: Iterable[str | Pause],
    clips: ClipLookup | None = None,
    *,
    max_tags: int = MAX_AUDIO_TAGS,
    max_seconds: float = MAX_AUDIO_SECONDS,
) -> str:
    """The SSML body for plain-text segments and pauses; empty segments are dropped.

    A segment whose words `clips` finds is played as `<audio>` while the tag count and total
    seconds stay within the limits; every other segment is spoken as text.
    """
    parts = []
    tags, seconds = 0, 0.0
    for segment in segments:
        if isinstance(segment, Pause):
            parts.append(breaks(segment.seconds))
            continue
        if not segment.strip():
            continue
        clip = clips(segment) if clips is not None and tags < max_tags else None
        if clip is not None and seconds + clip.seconds <= max_seconds:
            parts.append(f'<p><audio src="{escape(clip.src)}"/></p>')
            tags += 1
            seconds += clip.seconds
        else:
            parts.append(paragraph(segment))
    return "".join(parts)


def audio_tags(body: str) -> int:
    """How many `<audio>` tags an SSML body holds."""
    return body.count("<audio ")


def to_plain_text(ssml: str) -> str:
    """What a listener hears, as plain text: tags dropped, entities decoded, spaces folded."""
    import html  # only the simulators and tests read speech back; the Lambda never does

    text = _TAG.sub(" ", _INLINE_TAG.sub("", ssml))
    return _SPACE.sub(" ", html.unescape(text)).strip()
