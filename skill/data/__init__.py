"""The repository's data folders, found through importlib.resources in a clone and in an
installed package alike (docs/architecture.md).

`interaction_model/` (the models and their templates) and `audio/` (the clips and their
manifest) stay at the top of the repository. A wheel carries them inside this package, as
`skill/data/interaction_model/` and `skill/data/audio/`: pyproject.toml maps the packages
`skill.data.interaction_model` and `skill.data.audio` onto the two top-level folders. A clone,
an editable install and the Lambda zip (its `audio/manifest.json` beside `skill/`) have them
beside the `skill` package instead. The files that live inside the code's own packages
(skill/content/, skill/apl/, skill/model/, skill/simulator/) are read where they are used,
through importlib.resources too.

Nothing here runs on import: the Lambda's cold import never looks for a folder.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MODELS = "interaction_model"
AUDIO = "audio"


def on_disk(resource: object) -> Path:
    """A resource folder as a path: every layout the skill ships in (a clone, an installed wheel,
    the Lambda's /var/task) has its package on disk, not in a zip."""
    if not isinstance(resource, Path):
        raise RuntimeError(f"the skill's data must be files on disk, not {resource!r}")
    return resource


@cache
def _roots() -> tuple[Path, Path]:
    """This package's folder, and the folder that holds the `skill` package."""
    from importlib.resources import files

    return on_disk(files(__name__)), on_disk(files("skill")).parent


def checkout() -> Path | None:
    """The root of the clone (or of the Lambda's task folder) the skill runs from; None for an
    installed package, whose data folders travel inside it."""
    inside, beside = _roots()
    return None if any((inside / name).is_dir() for name in (MODELS, AUDIO)) else beside


@cache
def folder(name: str) -> Path:
    """The data folder `name` (MODELS or AUDIO): the installed package's copy, else the one at
    the top of the clone."""
    inside, beside = _roots()
    return inside / name if (inside / name).is_dir() else beside / name


def model_path(locale: str) -> Path:
    """A locale's generated interaction model, `interaction_model/<locale>.json`."""
    return folder(MODELS) / f"{locale}.json"


def templates_dir() -> Path:
    """The interaction-model templates, `interaction_model/templates/` (skill/model)."""
    return folder(MODELS) / "templates"


def audio_dir() -> Path:
    """The clips and their manifest, `audio/`."""
    return folder(AUDIO)
