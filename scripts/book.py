"""`make book`: run every notebook in a fresh kernel and render it as HTML into build/book/.

For readers who want to read before they run: build/book/index.html lists the notebooks in reading
order, each page shows the outputs and pictures of a real run on this machine. A notebook that
fails is still rendered (as far as it ran) and marked on the index; the command then exits 1.
"""

from __future__ import annotations

import html
import pathlib
import sys
import time

import nbformat
from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import nbharness  # noqa: E402  (needs the path above)

OUT = ROOT / "build" / "book"


def title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def main() -> int:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        print("book: notebooks/ holds no .ipynb file", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    rows, failed = [], 0
    started = time.monotonic()
    for i, path in enumerate(notebooks, start=1):
        print(f"[{i}/{len(notebooks)}] running {path.name} ...", flush=True)
        result = nbharness.run_notebook(path, root=ROOT)
        executed = result.executed or nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(executed, resources={"metadata": {"name": path.stem}})
        page = OUT / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        status = "ok" if result.ok else "FAILED"
        print(f"      {status} in {result.seconds:.1f}s -> {page.relative_to(ROOT)}", flush=True)
        if not result.ok:
            failed += 1
            print(result.report(), file=sys.stderr)
        rows.append((page.name, title_of(executed, path.stem), status, result.seconds))

    items = "\n".join(
        f'<li><a href="{html.escape(name)}">{html.escape(title)}</a>'
        f' <small>({status}, {seconds:.0f} s)</small></li>'
        for name, title, status, seconds in rows
    )
    (OUT / "index.html").write_text(
        "<!doctype html>\n<meta charset=utf-8>\n<title>Concurrency in Rust: the notebooks</title>\n"
        "<h1>Concurrency in Rust: the notebooks</h1>\n"
        "<p>Read in this order. Every page is a real run of the notebook on the machine that "
        "built this book; figures and timings are that machine's.</p>\n"
        f"<ol>\n{items}\n</ol>\n",
        encoding="utf-8",
    )
    took = time.monotonic() - started
    print(f"book: {len(rows) - failed}/{len(rows)} notebooks ok in {took:.0f}s -> {(OUT / 'index.html').relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
