"""The APL documents the skill sends to screens: JSON files beside this module, read once each.

`answer.json` (an answer, a walk through the tips or the causes, a list to choose from),
`stretch.json` (the guided stretch, its steps lit as they are spoken) and `warning.json` (a red
flag). skill/screens.py fills their data sources from the locale's content.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

DOCUMENTS = ("answer", "stretch", "warning")


@cache
def document(name: str) -> dict[str, Any]:
    """The APL document `name` (one of DOCUMENTS), read on first use and cached; do not mutate."""
    if name not in DOCUMENTS:
        raise KeyError(f"no APL document {name!r}")
    loaded: dict[str, Any] = json.loads(
        files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    )
    return loaded
