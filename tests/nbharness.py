"""Run a notebook in a fresh evcxr kernel and fail for every reason a learner would call it broken.

nbclient alone is not enough for the Rust kernel:

* evcxr reports a panicking cell as *success* unless the session runs ``:preserve_vars_on_panic 0``,
  so the harness sends that line before the notebook's first cell (it is not part of the notebook:
  learners keep their variables after a panic).
* nbclient's ``CellExecutionError`` does not carry rustc's message, so the harness collects the
  error and stderr outputs itself and prints them with the notebook, the cell and its first lines.
* A cell that is *meant* to be rejected by the compiler is tagged ``raises-exception`` and names the
  rustc error code it must fail with (``"harness": {"expect_error": "E0373"}`` in the cell's
  metadata); the harness checks that it fails, and with that code only.

Per-notebook settings live in the notebook's metadata under ``"harness"``:
``{"cell_timeout": 300}`` raises the per-cell limit (seconds) from ``DEFAULT_CELL_TIMEOUT``.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import pathlib
import re
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

KERNEL_NAME = "rust"
DEFAULT_CELL_TIMEOUT = 180
RAISES_TAG = "raises-exception"
# Sent to the kernel before the notebook's cells; see the module docs.
PRELUDE = ":preserve_vars_on_panic 0"
KERNEL_LOGS = pathlib.Path(__file__).resolve().parent.parent / "build" / "kernel-logs"
ERROR_CODE = re.compile(r"\bE\d{4}\b")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclasses.dataclass
class CellTiming:
    """How long one code cell took, for the summary table."""

    number: int  # 1-based position among all cells, as a reader counts them
    head: str
    seconds: float


@dataclasses.dataclass
class Failure:
    """One reason a notebook is broken."""

    notebook: str
    kind: str  # "committed-form", "panic", "error", "timeout", "expected-error", "kernel-died"
    message: str
    cell: int | None = None  # 1-based, counting every cell (markdown too)
    head: str = ""

    def describe(self) -> str:
        where = f"{self.notebook}, cell {self.cell}" if self.cell else self.notebook
        lines = [f"{where}: {self.kind}"]
        if self.head:
            lines += ["  cell starts with:"] + [f"    | {line}" for line in self.head.splitlines()]
        lines += [f"  {line}" for line in self.message.rstrip().splitlines()]
        return "\n".join(lines)


@dataclasses.dataclass
class RunResult:
    """What one notebook run produced."""

    notebook: str
    seconds: float
    timings: list[CellTiming]
    failures: list[Failure]
    executed: nbformat.NotebookNode | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    def report(self) -> str:
        return "\n\n".join(f.describe() for f in self.failures)


def head_of(source: str, lines: int = 3) -> str:
    """The first non-empty lines of a cell, to find it again in the notebook."""
    kept = [line for line in source.splitlines() if line.strip()][:lines]
    return "\n".join(kept)


def expected_error(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("harness", {}).get("expect_error")


def is_tagged_to_raise(cell: nbformat.NotebookNode) -> bool:
    return RAISES_TAG in cell.get("metadata", {}).get("tags", [])


def committed_form_failures(nb: nbformat.NotebookNode, name: str) -> list[Failure]:
    """A notebook must be committed clean: kernel `rust`, no outputs, no execution counts."""
    failures = []
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        failures.append(
            Failure(name, "committed-form", f"kernelspec name is {kernel!r}, expected {KERNEL_NAME!r}")
        )
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            failures.append(
                Failure(
                    name,
                    "committed-form",
                    "committed with outputs or an execution count; clear them before committing "
                    "(JupyterLab: Edit > Clear Outputs of All Cells, then save)",
                    number,
                    head_of(cell.source),
                )
            )
        code = expected_error(cell)
        if is_tagged_to_raise(cell) and not (isinstance(code, str) and ERROR_CODE.fullmatch(code)):
            failures.append(
                Failure(
                    name,
                    "committed-form",
                    f"tagged {RAISES_TAG!r} but its metadata does not name the rustc error it "
                    'must fail with, e.g. "harness": {"expect_error": "E0373"}',
                    number,
                    head_of(cell.source),
                )
            )
        elif code is not None and not is_tagged_to_raise(cell):
            failures.append(
                Failure(
                    name,
                    "committed-form",
                    f"names expect_error {code!r} but is not tagged {RAISES_TAG!r}",
                    number,
                    head_of(cell.source),
                )
            )
    return failures


PANIC = re.compile(r"^thread '.*' \(?.*panicked at (?P<at>.*)$")


def panic_message(stderr: str) -> str | None:
    """The panic line and its message, without the backtrace evcxr prints after it."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if PANIC.match(line) or " panicked at " in line:
            message = [line]
            for follow in lines[i + 1 :]:
                if follow.startswith(("stack backtrace:", "note: ")) or not follow.strip():
                    break
                message.append(follow)
            return "\n".join(message)
    return None


def cell_messages(cell: nbformat.NotebookNode) -> tuple[list[str], str]:
    """The rustc error codes a cell's outputs name, and a short account of what went wrong."""
    codes: list[str] = []
    errors: list[str] = []
    stderr = ""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            body = ANSI.sub("", "\n".join([out.get("evalue", "")] + list(out.get("traceback", []))))
            codes += ERROR_CODE.findall(body)
            errors.append(body)
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            stderr += ANSI.sub("", out.get("text", ""))
    panic = panic_message(stderr)
    if panic:
        return sorted(set(codes)), panic
    # Keep the report short: the last lines carry rustc's message (or whatever the kernel said).
    text = "\n".join(t.rstrip() for t in errors + [stderr] if t.strip())
    return sorted(set(codes)), "\n".join(text.splitlines()[-25:])


def _judge_cell(
    name: str, number: int, cell: nbformat.NotebookNode, status: str
) -> Failure | None:
    """Decide whether one executed cell behaved as its tags say it must."""
    codes, text = cell_messages(cell)
    failed = status != "ok" or any(o.get("output_type") == "error" for o in cell.get("outputs", []))
    head = head_of(cell.source)
    if is_tagged_to_raise(cell):
        want = expected_error(cell)
        if not failed:
            return Failure(
                name, "expected-error", f"tagged {RAISES_TAG!r} (expecting {want}) but it ran without error", number, head
            )
        if codes != [want]:
            got = ", ".join(codes) if codes else "no rustc error code (a panic or another failure)"
            return Failure(
                name, "expected-error", f"expected rustc error {want}, got {got}\n{text}", number, head
            )
        return None
    if not failed:
        return None
    kind = "panic" if not codes and " panicked at " in text else "error"
    return Failure(name, kind, text or f"the kernel reported status {status!r}", number, head)


def cell_timeout_of(nb: nbformat.NotebookNode, override: float | None) -> float:
    if override is not None:
        return override
    return float(nb.get("metadata", {}).get("harness", {}).get("cell_timeout", DEFAULT_CELL_TIMEOUT))


def kernel_log_tail(log: pathlib.Path, lines: int = 15) -> str:
    """The end of the kernel's own output (cargo's lines, evcxr's messages) for a report."""
    try:
        text = ANSI.sub("", log.read_text(errors="replace"))
    except OSError:
        return ""
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return f"last lines of the kernel's log ({log}):\n" + "\n".join(f"  {line}" for line in tail)


def run_notebook(
    path: pathlib.Path,
    *,
    cell_timeout: float | None = None,
    root: pathlib.Path | None = None,
    kernel_log: pathlib.Path | None = None,
) -> RunResult:
    """Execute every cell of `path` in a fresh kernel; never raises for a broken notebook.

    The kernel's own stdout and stderr (cargo's "Compiling ..." lines, evcxr's messages) go to
    `kernel_log` (default: build/kernel-logs/<notebook>.log in this project),
    and its last lines are added to the report when the kernel dies or a cell times out.
    """
    name = str(path.relative_to(root)) if root else str(path)
    if kernel_log is None:
        kernel_log = KERNEL_LOGS / f"{path.stem}.log"
    kernel_log.parent.mkdir(parents=True, exist_ok=True)
    original = nbformat.read(path, as_version=4)
    started = time.monotonic()
    failures = committed_form_failures(original, name)
    if failures:
        # A notebook in the wrong form is not run: the fix is to clean it, not to read its outputs.
        return RunResult(name, 0.0, [], failures)

    nb = copy.deepcopy(original)
    timeout = cell_timeout_of(nb, cell_timeout)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        allow_errors=True,  # judged here, cell by cell, with the rustc text in hand
        interrupt_on_timeout=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    timings: list[CellTiming] = []
    replies: dict[int, str] = {}

    def on_executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply.get("content", {}).get("status", "ok")

    client.on_cell_executed = on_executed

    async def run() -> None:
        with open(kernel_log, "wb") as log:
            async with client.async_setup_kernel(stdout=log, stderr=log):
                await run_cells()

    async def run_cells() -> None:
        # nbclient writes outputs into nb.cells[index], so the prelude borrows a slot at the end.
        prelude = nbformat.v4.new_code_cell(PRELUDE)
        nb.cells.append(prelude)
        try:
            await client.async_execute_cell(prelude, len(nb.cells) - 1, store_history=False)
        finally:
            nb.cells.pop()
        if prelude.outputs and any(o.get("output_type") == "error" for o in prelude.outputs):
            failures.append(Failure(name, "kernel", f"the kernel rejected {PRELUDE!r}"))
            return
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            number = index + 1
            t0 = time.monotonic()
            try:
                await client.async_execute_cell(cell, index)
            except (CellTimeoutError, TimeoutError, asyncio.TimeoutError):
                failures.append(
                    Failure(
                        name,
                        "timeout",
                        f"still running after {timeout:g} s (the notebook's limit; raise it with "
                        '"harness": {"cell_timeout": N} in the notebook metadata if that is right)',
                        number,
                        head_of(cell.source),
                    )
                )
                return  # the kernel is stuck: later cells would only repeat the failure
            except DeadKernelError as err:
                failures.append(Failure(name, "kernel-died", str(err), number, head_of(cell.source)))
                return
            timings.append(CellTiming(number, head_of(cell.source, 1), time.monotonic() - t0))
            failure = _judge_cell(name, number, cell, replies.get(index, "ok"))
            if failure:
                failures.append(failure)
                if failure.kind == "panic":
                    return  # the kernel lost every variable: later cells would fail for no reason

    asyncio.run(run())
    for failure in failures:
        if failure.kind in ("timeout", "kernel-died", "kernel"):
            failure.message += "\n" + kernel_log_tail(kernel_log)
    return RunResult(name, time.monotonic() - started, timings, failures, nb)


def summary_table(results: list[RunResult], slowest: int = 3) -> str:
    """Each notebook's time, its slowest cells, and the median cell time over all notebooks."""
    rows = []
    all_cells: list[float] = []
    for r in results:
        all_cells += [t.seconds for t in r.timings]
        worst = sorted(r.timings, key=lambda t: t.seconds, reverse=True)[:slowest]
        cells = ", ".join(f"#{t.number} {t.seconds:.1f}s" for t in worst) or "-"
        rows.append((r.notebook, f"{r.seconds:.1f}s", "ok" if r.ok else "FAILED", cells))
    header = ("notebook", "time", "result", f"slowest {slowest} cells")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if all_cells:
        ordered = sorted(all_cells)
        mid = len(ordered) // 2
        median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        lines.append(f"median cell time: {median:.2f}s over {len(ordered)} cells")
    return "\n".join(lines)
