"""Executes notebooks top to bottom with nbclient and reports the first failing cell of each.

Used by scripts/notebook-test; run it with the notebook venv's python:
  python notebooks/run_notebooks.py --out target/notebook-runs notebooks/*.ipynb

Executed copies (with outputs) go to --out, never back into notebooks/. Exits 1 if any notebook
failed or saved no figure. Environment: NOTEBOOK_CELL_TIMEOUT (seconds per cell, default 600);
TIDEMARK_LAKE and TIDEMARK_FIGURES are passed through to the kernels.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def figures(folder: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime for p in folder.glob("*.png")} if folder.is_dir() else {}


def failing_cell(book) -> tuple[int, dict] | None:
    for index, cell in enumerate(book.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index, cell
    return None


def run(path: Path, out_dir: Path, timeout: int, figure_dir: Path) -> bool:
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=True,
    )
    before = figures(figure_dir)
    started = time.monotonic()
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = exc
    except Exception as exc:  # kernel failed to start, etc.
        error = exc
    seconds = time.monotonic() - started
    target = out_dir / path.name
    nbformat.write(book, target)

    if error is None:
        after = figures(figure_dir)
        new = sorted(name for name, mtime in after.items() if before.get(name) != mtime)
        if not new:
            print(f"FAIL {path.name} ({seconds:.0f} s): ran, but saved no figure to {figure_dir}")
            return False
        print(f"ok   {path.name} ({seconds:.0f} s): figures {', '.join(new)}")
        return True

    print(f"FAIL {path.name} ({seconds:.0f} s), executed copy: {target}")
    found = failing_cell(book)
    if found:
        index, cell = found
        code_number = sum(1 for c in book.cells[: index + 1] if c.cell_type == "code")
        err = next(o for o in cell.outputs if o.get("output_type") == "error")
        print(f"  cell {index} (code cell {code_number}) failed: {err.get('ename')}: {err.get('evalue')}")
        print("  ---- cell source ----")
        for line in cell.source.splitlines()[:25]:
            print("  | " + line)
    else:
        print(f"  {type(error).__name__}: {str(error)[:2000]}")
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="folder for the executed copies")
    args = parser.parse_args()
    timeout = int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", "600"))
    figure_dir = Path(os.environ.get("TIDEMARK_FIGURES", Path(__file__).resolve().parent.parent / "target/notebook-figures"))
    args.out.mkdir(parents=True, exist_ok=True)
    # Use the kernel spec of this venv (ipykernel install --sys-prefix), not a "python3" spec
    # that a user-wide Jupyter may have registered for another interpreter.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in [str(Path(sys.prefix) / "share" / "jupyter"), os.environ.get("JUPYTER_PATH", "")] if p
    )

    results = {nb.name: run(nb, args.out, timeout, figure_dir) for nb in args.notebooks}
    failed = [name for name, ok in results.items() if not ok]
    print(f"notebooks: {len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
