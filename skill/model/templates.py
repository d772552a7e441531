"""Expand compact sample templates: (a|b) picks one, [a|b] is optional, <name> is a macro."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_CLOSERS = {"(": ")", "[": "]"}


class TemplateError(ValueError):
    """A template is malformed (unbalanced brackets or an unknown macro)."""


def expand(template: str, macros: Mapping[str, str] | None = None) -> list[str]:
    """Every phrase a template stands for, whitespace-collapsed, in order, without repeats."""
    parser = _Parser(template, macros or {}, ())
    phrases = parser.parse_alternatives(end=None)
    return _unique(" ".join(p.split()) for p in phrases)


def expand_all(templates: list[str], macros: Mapping[str, str] | None = None) -> list[str]:
    """Expand a list of templates into one list of distinct phrases."""
    return _unique(p for t in templates for p in expand(t, macros))


def _unique(items: Iterable[str]) -> list[str]:
    """Keep the first occurrence of each item."""
    return list(dict.fromkeys(items))


class _Parser:
    """Recursive-descent parser producing the cross product of a template's choices."""

    def __init__(self, text: str, macros: Mapping[str, str], stack: tuple[str, ...]) -> None:
        self.text, self.macros, self.stack, self.pos = text, macros, stack, 0

    def parse_alternatives(self, end: str | None) -> list[str]:
        """Parse `seq | seq | ...` up to the closing character `end` (or the end of text)."""
        options = self.parse_sequence()
        while self.pos < len(self.text) and self.text[self.pos] == "|":
            self.pos += 1
            options += self.parse_sequence()
        if end is None and self.pos < len(self.text):
            raise TemplateError(f"unexpected {self.text[self.pos]!r} in {self.text!r}")
        if end is not None:
            if self.pos >= len(self.text) or self.text[self.pos] != end:
                raise TemplateError(f"missing {end!r} in {self.text!r}")
            self.pos += 1
        return options

    def parse_sequence(self) -> list[str]:
        """Parse literal text, groups and macros until `|` or a closing bracket."""
        results = [""]
        while self.pos < len(self.text) and self.text[self.pos] not in "|)]":
            char = self.text[self.pos]
            if char in _CLOSERS:
                self.pos += 1
                part = self.parse_alternatives(_CLOSERS[char])
                if char == "[":
                    part = ["", *part]
            elif char == "<":
                part = self.parse_macro()
            else:
                start = self.pos
                while self.pos < len(self.text) and self.text[self.pos] not in "|()[]<":
                    self.pos += 1
                part = [self.text[start : self.pos]]
            results = [a + b for a in results for b in part]
        return results

    def parse_macro(self) -> list[str]:
        """Expand `<name>` from the macro table."""
        close = self.text.find(">", self.pos)
        if close < 0:
            raise TemplateError(f"missing '>' in {self.text!r}")
        name = self.text[self.pos + 1 : close]
        self.pos = close + 1
        if name not in self.macros:
            raise TemplateError(f"unknown macro <{name}>")
        if name in self.stack:
            raise TemplateError(f"macro <{name}> refers to itself")
        inner = _Parser(self.macros[name], self.macros, (*self.stack, name))
        return [f" {p} " for p in inner.parse_alternatives(end=None)]
