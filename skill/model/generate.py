"""Generate interaction_model/<locale>.json from its language's template plus the locale's extras.

Each language has one template (`interaction_model/templates/<language>.toml`); a locale may add
to it in `interaction_model/templates/extras/<locale>.toml`: more samples, more synonyms, more
alternatives for a macro, or its own invocation name. Extras add; they never take away. An
intent's `elicit` table gives the slots the skill asks for (Dialog.ElicitSlot) with what people
answer; they become slot samples and the model's `dialog`.

A template line stands for many phrasings, but the model keeps only varied ones: a phrasing whose
content words (`Language.content_key`) an earlier sample of the intent already has is dropped,
and each line gives at most `samples_per_line` samples, chosen so that every content word it
offers appears at least once (docs/language-understanding.md).

Usage: python -m skill.model [--locale LOCALE] [--check]   (default: every locale)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from skill import data
from skill.content import SUPPORTED_LOCALES
from skill.model.language import Language, language
from skill.model.templates import TemplateError, expand, expand_all


def template_path(language: str) -> Path:
    """Where the template for a language lives."""
    return data.templates_dir() / f"{language}.toml"


def extras_path(locale: str) -> Path:
    """Where a locale's additions to its language's template live (the file is optional)."""
    return data.templates_dir() / "extras" / f"{locale}.toml"


def add_extras(spec: dict[str, Any], extras: dict[str, Any], where: str = "") -> dict[str, Any]:
    """The template with a locale's extras added: lists grow, macros gain alternatives.

    Tables merge key by key, a list is extended, a macro becomes `(base|extra)`, and any other
    value (the invocation name) is replaced. A key the template lacks is an error, so extras
    cannot add intents, slot types or ids that other locales do not have.
    """
    merged = dict(spec)
    for key, extra in extras.items():
        path = f"{where}.{key}" if where else key
        if key not in spec:
            raise TemplateError(f"extras {path!r}: not in the language template")
        base = spec[key]
        if isinstance(base, dict) and isinstance(extra, dict):
            merged[key] = add_extras(base, extra, path)
        elif isinstance(base, list) and isinstance(extra, list):
            merged[key] = [*base, *extra]
        elif where == "macros" and isinstance(extra, str):
            merged[key] = f"({base}|{extra})"
        elif type(base) is type(extra) and not isinstance(base, dict | list):
            merged[key] = extra
        else:
            raise TemplateError(f"extras {path!r}: a {type(extra).__name__} cannot extend this")
    return merged


def load_spec(locale: str) -> dict[str, Any]:
    """The template of the locale's language with the locale's extras added."""
    with template_path(locale.split("-")[0]).open("rb") as fh:
        spec = tomllib.load(fh)
    extras = extras_path(locale)
    if extras.is_file():
        with extras.open("rb") as fh:
            spec = add_extras(spec, tomllib.load(fh))
    return spec


def model_path(locale: str) -> Path:
    """Where the generated interaction model for a locale lives (skill/data)."""
    return data.model_path(locale)


def varied(
    lines: Iterable[str], macros: dict[str, str], lang: Language, per_line: int
) -> list[str]:
    """An intent's samples: each template line's phrasings with new content, at most `per_line`
    a line (more only where needed to use each of its content words once), in a stable order."""
    seen: set[frozenset[str]] = set()
    samples: list[str] = []
    for line in lines:
        phrasings = expand(line, macros)
        random.Random(hashlib.sha256(line.encode()).digest()).shuffle(phrasings)
        keys = {p: lang.content_key(p) for p in phrasings}
        picked: list[str] = []
        covered: set[str] = set()
        for phrasing in phrasings:  # first, one phrasing for each content word the line offers
            if keys[phrasing] - covered:
                picked.append(phrasing)
                covered |= keys[phrasing]
        chosen = set(picked)
        picked += [p for p in phrasings if p not in chosen][: max(0, per_line - len(picked))]
        for phrasing in picked:
            if keys[phrasing] not in seen:
                seen.add(keys[phrasing])
                samples.append(phrasing)
    return samples


def build_model(spec: dict[str, Any], lang: Language) -> dict[str, Any]:
    """Turn the parsed template file into an Alexa interaction model document."""
    macros = spec.get("macros", {})
    intents: list[dict[str, Any]] = []
    for name, intent in spec["intents"].items():
        elicit = intent.get("elicit", {})
        slots = [
            {
                "name": s,
                "type": t,
                **({"samples": expand_all(elicit[s], macros)} if s in elicit else {}),
            }
            for s, t in intent.get("slots", {}).items()
        ]
        entry: dict[str, Any] = {"name": name}
        if slots:
            entry["slots"] = slots
        entry["samples"] = varied(intent["samples"], macros, lang, spec["samples_per_line"])
        intents.append(entry)
    named = {intent["name"] for intent in intents}  # built-ins may extend Alexa's own phrasings
    intents += [{"name": n, "samples": []} for n in spec["builtin_intents"] if n not in named]
    types = [
        {
            "name": type_name,
            "values": [
                {"id": value_id, "name": {"value": v["name"], "synonyms": v.get("synonyms", [])}}
                for value_id, v in values.items()
            ],
        }
        for type_name, values in spec["types"].items()
    ]
    language_model = {
        "invocationName": spec["invocation_name"],
        "modelConfiguration": {
            "fallbackIntentSensitivity": {"level": spec["fallback_sensitivity"]}
        },
        "intents": intents,
        "types": types,
    }
    model: dict[str, Any] = {"languageModel": language_model}
    dialog = build_dialog(spec)
    if dialog:
        model["dialog"] = dialog
    return {"interactionModel": model}


def build_dialog(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The dialog model for intents with slots the skill asks for itself (`elicit`).

    Alexa accepts Dialog.ElicitSlot only for an intent in the dialog model. The skill manages
    the dialog (SKILL_RESPONSE): no slot is required, so Alexa prompts for none of its own.
    """
    intents = []
    for name, intent in spec["intents"].items():
        elicit = intent.get("elicit", {})
        if not elicit:
            continue
        slots = [
            {
                "name": slot,
                "type": intent["slots"][slot],
                "confirmationRequired": False,
                "elicitationRequired": False,
                "prompts": {},
            }
            for slot in elicit
        ]
        intents.append(
            {
                "name": name,
                "delegationStrategy": "SKILL_RESPONSE",
                "confirmationRequired": False,
                "prompts": {},
                "slots": slots,
            }
        )
    return {"intents": intents, "delegationStrategy": "SKILL_RESPONSE"} if intents else None


def render(locale: str) -> str:
    """The JSON text the model file for a locale should contain."""
    model = build_model(load_spec(locale), language(locale))
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the models, or with --check report whether they are up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", choices=SUPPORTED_LOCALES, help="one locale (default: all)")
    parser.add_argument("--check", action="store_true", help="fail if a JSON file is out of date")
    args = parser.parse_args(argv)
    stale = 0
    for locale in [args.locale] if args.locale else SUPPORTED_LOCALES:
        text, path = render(locale), model_path(locale)
        if args.check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                print(f"{path} is stale: run python -m skill.model", file=sys.stderr)
                stale += 1
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
