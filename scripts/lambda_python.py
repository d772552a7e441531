"""Print the Python that builds the Lambda package: Lambda's own version where present."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

RUNTIME = "3.12"


def find_lambda_python(runtime: str = RUNTIME) -> str:
    """`$LAMBDA_PYTHON`, else a working `python<runtime>` on PATH or in pyenv, else this one."""
    chosen = os.environ.get("LAMBDA_PYTHON")
    if chosen:
        return chosen
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    pattern = str(pyenv_root / "versions" / f"{runtime}.*" / "bin" / f"python{runtime}")
    candidates = [shutil.which(f"python{runtime}"), *sorted(glob.glob(pattern), key=_version_key)]
    working = [path for path in candidates if path and _runs(path)]
    return working[0] if working else sys.executable


def _runs(python: str) -> bool:
    """Whether `python` starts: a pyenv shim for a version that is not selected does not."""
    try:
        return subprocess.run([python, "-c", ""], capture_output=True, timeout=30).returncode == 0
    except OSError:
        return False


def _version_key(path: str) -> tuple[int, ...]:
    """Sort `.../versions/3.12.10/bin/...` after `.../versions/3.12.9/bin/...`."""
    version = Path(path).parent.parent.name
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


if __name__ == "__main__":
    print(find_lambda_python())
