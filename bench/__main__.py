"""Runs every benchmark in bench/ (or those named), each in its own fresh interpreter.

A benchmark is a public module of this package with a top-level `main()`; modules are found by
reading their source, so nothing is imported (and nothing warmed) in this process.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).parent


def discover(bench_dir: Path = BENCH_DIR) -> list[str]:
    """Names of the benchmark modules in `bench_dir`, sorted."""
    names = []
    for path in sorted(bench_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            names.append(path.stem)
    return names


def main(argv: list[str] | None = None) -> int:
    """Runs the chosen benchmarks one after another; non-zero if any failed."""
    available = discover()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"default: all of {', '.join(available)}")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)}")
    failed = []
    for name in args.names or available:
        print(f"== bench.{name}", flush=True)
        completed = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=BENCH_DIR.parent)
        if completed.returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
