"""A learner's path, in a real browser: `make lab`, open a notebook, Run All Cells, look at the result.

Starts JupyterLab through scripts/lab.sh (what `make lab` runs) on a free port with a known token,
checks over the REST API that the `rust` kernelspec is this clone's evcxr, then drives Debian's
Chromium with Playwright (nothing downloads a browser) to open the notebook, run all cells from the
Run menu and wait, bounded, until every code cell has run. It fails when the kernel is not "Rust",
when a cell shows an error (a compile error, an exception, a panic on the cell's thread; a cell
tagged `raises-exception` may show the rustc error it names, and a spawned thread may panic, as
nbharness allows), when a cell is stuck, or when
no figure is drawn as an <svg> element. A screenshot goes to build/browser/<notebook>.png either way.

The server serves a *copy* of the project's files (JupyterLab autosaves outputs into the notebook
it shows), so the committed notebooks stay output-free. Chromium talks to 127.0.0.1 only.

Which notebook: BROWSER_TEST_NOTEBOOK (a path relative to the project), else notebooks/03_*.ipynb,
else the notebook with the most figures, else notebooks/00_start_here.ipynb.
BROWSER_TEST_TIMEOUT (seconds, default 900) bounds the whole run; a cell is stuck after the
notebook's harness cell_timeout (default 180 s) without finishing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import time
import urllib.parse

import pytest

import labserver
import nbharness
from conftest import ROOT

CHROMIUM = pathlib.Path("/usr/bin/chromium")
# What a closed network needs: no sandbox (root, containers), no GPU, and nothing that phones home.
# Playwright adds --headless (headless=True); the fresh --user-data-dir is launch_persistent_context's.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1100, "height": 700}
SHOTS = ROOT / "build" / "browser"
TOTAL_TIMEOUT = float(os.environ.get("BROWSER_TEST_TIMEOUT", "900"))
FIGURE = re.compile(r"\.timeline\(|\bHistogram::|\bChart::|evcxr_display|evcxr_figure")
PROMPT_DONE = re.compile(r"^\[\d+\]:$")
CELL_THREAD_FRAME = re.compile(r"\bevcxr::runtime::")

# Everything the page knows about the run, read in one go while waiting.
STATE_JS = """
() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => p.offsetParent !== null);
  if (!panel) return null;
  const text = sel => { const e = panel.querySelector(sel); return e ? e.textContent.trim() : null; };
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const outputs = [...panel.querySelectorAll('.jp-OutputArea-output')];
  return {
    kernel: text('[data-jp-item-name="kernelName"] .jp-ToolbarButtonComponent-label'),
    status: indicator ? indicator.getAttribute('data-status') : null,
    prompts: [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent.trim()),
    errors: outputs.filter(o => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.error')
                   .map(o => o.textContent.slice(0, 2000)),
    svgs: outputs.flatMap(o => [...o.querySelectorAll('svg')])
                 .filter(s => s.getBoundingClientRect().width >= 100).length,
    svgAsText: outputs.filter(o => o.matches('.jp-RenderedText') && o.textContent.includes('<svg')).length,
    dialogs: [...document.querySelectorAll('.jp-Dialog')].map(d => d.textContent.trim().slice(0, 300)),
  };
}
"""


def pick_notebook() -> pathlib.Path:
    if os.environ.get("BROWSER_TEST_NOTEBOOK"):
        return ROOT / os.environ["BROWSER_TEST_NOTEBOOK"]
    chapter3 = sorted((ROOT / "notebooks").glob("03_*.ipynb"))
    if chapter3:
        return chapter3[0]

    def figures(path: pathlib.Path) -> int:
        cells = json.loads(path.read_text())["cells"]
        return sum(1 for c in cells if c["cell_type"] == "code" and FIGURE.search("".join(c["source"])))

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    ranked = sorted(notebooks, key=lambda p: (-figures(p), p.name))
    if ranked and figures(ranked[0]) > 0:
        return ranked[0]
    return ROOT / "notebooks" / "00_start_here.ipynb"


def outputs_on_disk(path: pathlib.Path) -> int:
    cells = json.loads(path.read_text())["cells"]
    return sum(len(c.get("outputs", [])) + (c.get("execution_count") is not None) for c in cells)


def copy_project(dest: pathlib.Path) -> None:
    """The project's files as git sees them (tracked and new, not ignored): notebooks, the support
    crate and the workspace around it, so `:dep interleave = { path = "../support-crate" }` resolves."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True, timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


class KernelMessages:
    """What the kernel told the page over the websocket: errors, failed replies, panics on stderr.

    A cell tagged `raises-exception` that names its rustc error (see nbharness) is meant to fail to
    compile, as a lesson: its error is not a problem, unless it is another error or a panic.
    """

    def __init__(self, nb: dict) -> None:
        self.problems: list[str] = []
        self.requests: dict[str, str] = {}  # msg_id of each execute_request the page sent -> its code
        self.replies: set[str] = set()  # msg_ids of the requests the kernel answered
        self.stderr: dict[str, str] = {}  # msg_id -> what that cell wrote to stderr so far
        # code -> (cell number as a reader counts, the rustc error it must fail with, or None)
        self.cells: dict[str, tuple[int, str | None]] = {}
        for number, cell in enumerate(nb["cells"], start=1):
            if cell["cell_type"] == "code":
                expect = nbharness.expected_error(cell) if nbharness.is_tagged_to_raise(cell) else None
                self.cells.setdefault("".join(cell["source"]).strip(), (number, expect))

    def _cell(self, parent: dict) -> tuple[int | None, str | None]:
        return self.cells.get(self.requests.get(parent.get("msg_id"), "").strip(), (None, None))

    def on_sent(self, payload) -> None:
        try:
            _, header, _, content = self._decode(payload)
        except Exception:  # noqa: BLE001 - a frame we do not understand is not a verdict
            return
        if header.get("msg_type") == "execute_request":
            self.requests[header.get("msg_id")] = content.get("code", "")

    def on_received(self, payload) -> None:
        try:
            _, header, parent, content = self._decode(payload)
        except Exception:  # noqa: BLE001
            return
        kind = header.get("msg_type")
        number, expect = self._cell(parent)
        where = f"cell {number}" if number else "a cell"
        if kind == "error":
            text = nbharness.ANSI.sub("", "\n".join([content.get("evalue", "")] + content.get("traceback", [])))
            codes = set(nbharness.ERROR_CODE.findall(text))
            if expect and codes == {expect}:
                return  # the error this cell is there to show
            self.problems.append(f"{where}: error output: {text}")
        elif kind == "execute_reply":
            self.replies.add(parent.get("msg_id"))
            if content.get("status") not in ("ok", None) and not expect:
                self.problems.append(f"{where}: execute_reply status {content.get('status')!r}")
            # A panic on the cell's own thread fails the cell (nbharness, with :preserve_vars_on_panic
            # 0, sees it as an error). Without that setting, as here, evcxr only prints it, with a
            # backtrace that starts in evcxr's run loop (`evcxr::runtime::Runtime::run_loop`). A panic
            # in a spawned thread (a lesson may show one on purpose) starts at `thread_start`, and is
            # allowed. A panic printed without a backtrace cannot be told apart: it fails.
            stderr = self.stderr.pop(parent.get("msg_id"), "")
            panic = nbharness.panic_message(stderr)
            if panic and (CELL_THREAD_FRAME.search(stderr) or "stack backtrace:" not in stderr):
                self.problems.append(f"{where}: panic on the cell's own thread: {panic}")
        elif kind == "stream" and content.get("name") == "stderr":
            msg_id = parent.get("msg_id")
            self.stderr[msg_id] = self.stderr.get(msg_id, "") + nbharness.ANSI.sub("", content.get("text", ""))

    @staticmethod
    def _decode(payload):
        if isinstance(payload, str):  # the JSON websocket protocol
            msg = json.loads(payload)
            return msg.get("channel"), msg.get("header", {}), msg.get("parent_header", {}), msg.get("content", {})
        # v1.kernel.websocket.jupyter.org: count, offsets (u64 LE), then channel, header, parent
        # header, metadata, content, buffers.
        data = bytes(payload)
        count = int.from_bytes(data[:8], "little")
        offsets = [int.from_bytes(data[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
        parts = [data[offsets[i] : offsets[i + 1]] for i in range(count - 1)]
        return parts[0].decode(), json.loads(parts[1]), json.loads(parts[2]), json.loads(parts[4])


@pytest.fixture
def chromium_path() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test drives Debian's Chromium. Install it with "
            "`scripts/setup.sh --browser` (what `make test` does) or `apt-get install chromium`.",
            pytrace=False,
        )
    return str(CHROMIUM)


@pytest.fixture
def lab(tmp_path):
    """scripts/lab.sh serving a copy of the project; stopped (like Ctrl-C) and checked at teardown."""
    copy = tmp_path / "project"
    copy_project(copy)
    port = labserver.free_port()
    token = hashlib.sha256(os.urandom(32)).hexdigest()
    env = labserver.isolated_env(
        tmp_path / "jupyter", PORT=str(port), JUPYTER_TOKEN=token, NOTEBOOK_ROOT=str(copy)
    )
    # A learner answers "No" to JupyterLab's "get notified about Jupyter news?" toast once; this one
    # has not, and the toast would cover the screenshot.
    news = pathlib.Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True, exist_ok=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}\n')
    server = labserver.Lab([str(labserver.LAB_SH)], env, use_pty=False, log=SHOTS / "lab.log")
    server.copy = copy
    stopped = False
    try:
        url, got_port, got_token = server.wait_for_url(120)
        assert (got_port, got_token) == (port, token), f"lab.sh printed {url}, not port {port} with our token"
        labserver.wait_for_api(port, token, 60)
        server.port, server.token = port, token
        yield server
        # Stop it as a learner does, and make sure nothing it started outlives it.
        server.ctrl_c()
        code = server.wait(45)
        stopped = True
        assert code == 0, f"lab.sh exited with {code} after Ctrl-C (None: still running):\n{server.tail()}"
        left = server.wait_gone(15)
        assert not left, f"left running after the server stopped (orphaned kernels?): {left}"
    finally:
        if not stopped:
            server.ctrl_c()
            server.wait(45)
        server.kill_everything()


def test_run_all_cells_in_jupyterlab(lab, chromium_path):
    from playwright.sync_api import sync_playwright

    notebook = pick_notebook()
    rel = notebook.relative_to(ROOT).as_posix()
    outputs_before = outputs_on_disk(notebook)
    nb = json.loads(notebook.read_text())
    code_cells = sum(1 for c in nb["cells"] if c["cell_type"] == "code")
    to_run = sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip())
    stuck_after = nbharness.cell_timeout_of(nb, None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{notebook.stem}.png"

    spec = labserver.check_rust_kernelspec(lab.port, lab.token)
    print(f"notebook: {rel} ({code_cells} code cells); kernel: {spec['argv'][0]}")

    messages = KernelMessages(nb)
    blocked: list[str] = []
    started = time.monotonic()
    with sync_playwright() as pw:
        profile = lab.copy.parent / "chromium-profile"  # a fresh --user-data-dir
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            timeout=60_000,
        )
        try:
            context.set_default_timeout(60_000)

            def only_localhost(route):
                if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", only_localhost)
            page = context.pages[0] if context.pages else context.new_page()
            def watch(ws):
                ws.on("framesent", messages.on_sent)
                ws.on("framereceived", messages.on_received)

            page.on("websocket", watch)
            page.goto(f"http://127.0.0.1:{lab.port}/lab/tree/{rel}?token={lab.token}")

            def state() -> dict:
                return page.evaluate(STATE_JS) or {}

            # The notebook is open and its kernel has started.
            deadline = time.monotonic() + 120
            while True:
                s = state()
                kernel_up = s.get("kernel") not in (None, "", "No Kernel") and s.get("status") == "idle"
                if kernel_up and s.get("prompts"):
                    break
                if s.get("dialogs"):  # e.g. "Select Kernel": the notebook's kernelspec is unknown
                    pytest.fail(f"{rel}: JupyterLab asks instead of starting the kernel: {s['dialogs']}", pytrace=False)
                assert time.monotonic() < deadline, (
                    f"the notebook's kernel did not start within 120 s: kernel {s.get('kernel')!r}, "
                    f"status {s.get('status')!r}, {len(s.get('prompts', []))} code cells shown"
                )
                time.sleep(0.5)
            assert s["kernel"] == "Rust", f"the notebook runs kernel {s['kernel']!r}, not 'Rust'"

            # Run > Run All Cells, as a learner does.
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

            # Wait, bounded: until the kernel has answered an execute_request for every code cell and
            # is idle, and every cell in the page shows its execution count (JupyterLab attaches the
            # cells near the viewport only, so the websocket is what sees all of them). An error, a
            # dialog (kernel died) or a cell that makes no progress fails at once.
            done_before, progress_at = -1, time.monotonic()
            while True:
                s = state()
                done = len(messages.replies & messages.requests.keys())
                shown_done = all(PROMPT_DONE.match(p) for p in s.get("prompts", []))
                if messages.problems or s.get("errors"):
                    problems = messages.problems or s["errors"]
                    pytest.fail(f"{rel}: a cell shows an error:\n" + "\n\n".join(problems)[:6000], pytrace=False)
                if s.get("dialogs"):
                    pytest.fail(f"{rel}: JupyterLab shows a dialog while running: {s['dialogs']}", pytrace=False)
                if done == len(messages.requests) == to_run and s.get("status") == "idle" and shown_done:
                    break
                now = time.monotonic()
                if done != done_before:
                    done_before, progress_at = done, now
                if now - progress_at > stuck_after:
                    pytest.fail(
                        f"{rel}: no cell finished for {stuck_after:g} s ({done} of {to_run} done; "
                        f"prompts {s.get('prompts')}): a stuck cell",
                        pytrace=False,
                    )
                if now - started > TOTAL_TIMEOUT:
                    pytest.fail(f"{rel}: not finished after {TOTAL_TIMEOUT:g} s ({done} of {to_run} done)", pytrace=False)
                time.sleep(0.5)
            ran = time.monotonic() - started

            page.wait_for_timeout(500)  # let the last outputs render
            s = state()
            assert not s["errors"] and not messages.problems, s["errors"] or messages.problems
            assert s["svgAsText"] == 0, f"{s['svgAsText']} output(s) show SVG source as text instead of a picture"
            assert s["svgs"] >= 1, f"{rel}: no figure rendered as an <svg> element in any output area"
            # The screenshot shows the first figure under the code that drew it.
            page.evaluate(
                "() => document.querySelector('.jp-OutputArea-output svg')"
                ".closest('.jp-Cell').scrollIntoView({block: 'start'})"
            )
            page.wait_for_timeout(300)
            print(f"ran {code_cells} cells in {ran:.1f} s; {s['svgs']} svg figure(s); blocked requests: {blocked or 'none'}")
        finally:
            try:
                context.pages[0].screenshot(path=str(shot), full_page=True, timeout=15_000)
                print(f"screenshot: {shot}")
            except Exception as err:  # noqa: BLE001 - the screenshot must not hide the real failure
                print(f"no screenshot: {err}")
            context.close()
    lab.record_descendants()
    # The server served a copy; outputs in the project's notebook would mean it served the original.
    # (Not a byte comparison: authors may be saving the notebook while the test runs.)
    assert outputs_on_disk(notebook) <= outputs_before, f"{rel} was saved with outputs during the test"
