"""Generate interaction_model/<locale>.json from its compact template file.

Usage: python -m skill.simulator.modelgen [--locale en-US] [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from skill.simulator.templates import expand_all

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"


def template_path(locale: str) -> Path:
    """Where the templates for a locale live."""
    return MODEL_DIR / "templates" / f"{locale}.toml"


def model_path(locale: str) -> Path:
    """Where the generated interaction model for a locale lives."""
    return MODEL_DIR / f"{locale}.json"


def build_model(spec: dict[str, Any]) -> dict[str, Any]:
    """Turn the parsed template file into an Alexa interaction model document."""
    macros = spec.get("macros", {})
    intents: list[dict[str, Any]] = []
    for name, intent in spec["intents"].items():
        slots = [{"name": s, "type": t} for s, t in intent.get("slots", {}).items()]
        entry: dict[str, Any] = {"name": name}
        if slots:
            entry["slots"] = slots
        entry["samples"] = expand_all(intent["samples"], macros)
        intents.append(entry)
    intents += [{"name": name, "samples": []} for name in spec["builtin_intents"]]
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
    return {"interactionModel": {"languageModel": language_model}}


def render(locale: str) -> str:
    """The JSON text the model file for a locale should contain."""
    with template_path(locale).open("rb") as fh:
        spec = tomllib.load(fh)
    return json.dumps(build_model(spec), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the model, or with --check report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default="en-US")
    parser.add_argument("--check", action="store_true", help="fail if the JSON is out of date")
    args = parser.parse_args(argv)
    text, path = render(args.locale), model_path(args.locale)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python -m skill.simulator.modelgen", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
