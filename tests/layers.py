"""Every test module belongs to exactly one layer, named by a module-level `pytestmark`.

unit: pure functions, handlers through envelopes, content, the web apps through test_client();
integration: real servers and processes, dynalite, the audio build; e2e: Chromium, `serverless
package`, whole deploys. `make test-fast` runs the unit layer, `make test` all three.
tests/conftest.py runs `check` on every collection, so a new module cannot forget its layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import pytest

LAYERS = ("unit", "integration", "e2e")


def module_layers(module: ModuleType) -> list[str]:
    """The layers a module's `pytestmark` names."""
    marks = getattr(module, "pytestmark", [])
    marks = marks if isinstance(marks, list) else [marks]
    return [mark.name for mark in marks if getattr(mark, "name", None) in LAYERS]


def rank(item: pytest.Item) -> int:
    """Where an item's layer comes in a run: unit, then integration, then e2e."""
    module = item.getparent(pytest.Module)
    layers = module_layers(module.obj) if module is not None else []
    return LAYERS.index(layers[0]) if layers else len(LAYERS)


def problems(items: Sequence[pytest.Item]) -> list[str]:
    """Modules without exactly one layer, and tests that a mark of their own puts in a second."""
    found: list[str] = []
    checked: set[str] = set()
    for item in items:
        module = item.getparent(pytest.Module)
        if module is None:
            continue
        if module.nodeid not in checked:
            checked.add(module.nodeid)
            layers = module_layers(module.obj)
            if len(layers) != 1:
                named = ", ".join(layers) or "none"
                found.append(f"{module.nodeid}: layers {named}; give it one `pytestmark`")
        own = {mark.name for mark in item.iter_markers() if mark.name in LAYERS}
        if len(own) > 1:
            found.append(f"{item.nodeid}: in layers {', '.join(sorted(own))}")
    return found


def check(items: Sequence[pytest.Item]) -> None:
    """Stop the run, before any test, when a module has no layer or more than one."""
    if found := problems(items):
        lines = [f"every test module needs exactly one of {', '.join(LAYERS)}:", *found]
        raise pytest.UsageError("\n  ".join(lines))
