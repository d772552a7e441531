"""A locale's simulator NLU, learned once per set of inputs and kept in the user's cache folder.

Learning a locale's classifier takes a few seconds, and a developer starts the simulator and
the tests many times on the same model. The learned NLU is pickled in
`~/.cache/leg-cramp-helper/`, under a hash of everything it is learned from: the model file,
the language rules, the built-ins' phrasings, the off-topic set, the code that learns and the
versions of the libraries it runs on. Any change gives a new hash, so a stale file is never
read; a folder that cannot be written only means learning again next time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from importlib import metadata, resources
from pathlib import Path

from skill.model.generate import model_path
from skill.simulator.nlu import NLU

FOLDER = Path.home() / ".cache" / "leg-cramp-helper"
_CODE = (
    "skill.simulator.nlu",
    "skill.simulator.classifier",
    "skill.model.language",
    "skill.model.templates",
)
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "snowballstemmer")


def key(locale: str) -> str:
    """The hash of everything a locale's NLU is learned from."""
    lang = locale.split("-")[0]
    digest = hashlib.sha256(model_path(locale).read_bytes())
    data = [f"builtin_phrases_{lang}.toml", f"offtopic_{lang}.txt"]
    for name in data:
        digest.update(resources.files("skill.simulator").joinpath(name).read_bytes())
    digest.update(resources.files("skill.model").joinpath(f"language_{lang}.toml").read_bytes())
    for module in _CODE:
        digest.update(Path(sys.modules[module].__file__ or "").read_bytes())
    digest.update(" ".join([sys.version, *map(metadata.version, _LIBRARIES)]).encode())
    return digest.hexdigest()[:20]


def load(locale: str, folder: Path = FOLDER) -> NLU:
    """The locale's NLU: from the cache when its inputs are unchanged, else learned and kept."""
    path = folder / f"nlu-{locale}-{key(locale)}.pickle"
    try:
        nlu = pickle.loads(path.read_bytes())
        if isinstance(nlu, NLU):
            return nlu
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    nlu = NLU.for_locale(locale)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"nlu-{locale}-*.pickle"):
            old.unlink(missing_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(nlu, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)
    except OSError:
        pass  # a read-only home: learn again next time
    return nlu
