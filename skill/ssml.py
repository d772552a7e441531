"""Pure SSML building: fixed text segments in, the body of a `<speak>` element out."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """Escape the five characters that SSML (XML) reserves."""
    return text.translate(_ESCAPES)


def paragraph(text: str) -> str:
    """One segment as an SSML paragraph, which Alexa follows with a natural pause."""
    return f"<p>{escape(text)}</p>"


def render(segments: Iterable[str]) -> str:
    """The SSML body for a sequence of plain-text segments; empty segments are dropped."""
    return "".join(paragraph(s) for s in segments if s.strip())


def to_plain_text(ssml: str) -> str:
    """What a listener hears, as plain text: tags dropped, entities decoded, spaces folded."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", ssml))).strip()
