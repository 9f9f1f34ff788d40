"""Start JupyterLab the way `make lab` does, talk to it over HTTP, and stop it without leaving kernels.

Used by tests/test_lab.py (Ctrl-C at a terminal) and tests/test_browser.py (a real browser).
Everything here is bounded by a timeout and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import pathlib
import pty
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import psutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAB_SH = ROOT / "scripts" / "lab.sh"
EVCXR = ROOT / ".tools" / "bin" / "evcxr_jupyter"
# The line lab.sh prints once the server answers.
URL_LINE = re.compile(r"^\s+(http://127\.0\.0\.1:(\d+)/lab/\S*\?token=(\w+))\s*$", re.M)
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|\([A-Z0-9])")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """One running `scripts/lab.sh` (or `make lab`), its output, and the processes it started."""

    def __init__(self, argv: list[str], env: dict[str, str], *, use_pty: bool, log: pathlib.Path):
        self.argv = argv
        self.log = log
        self.output = ""
        self._lock = threading.Lock()
        self.seen: dict[int, tuple[float, str]] = {}  # pid -> (create_time, name) of every descendant
        log.parent.mkdir(parents=True, exist_ok=True)
        if use_pty:
            # A pseudo-terminal, as a learner's: Ctrl-C is a byte written to it, and the terminal
            # sends SIGINT to the foreground process group (make, lab.sh, ...), exactly as at a shell.
            pid, fd = pty.fork()
            if pid == 0:  # the child: become the command
                try:
                    os.chdir(ROOT)
                    os.execvpe(argv[0], argv, env)
                finally:
                    os._exit(127)
            self.pid, self._fd, self._proc = pid, fd, None
        else:
            self._proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so it can be signalled as a group
            )
            self.pid, self._fd = self._proc.pid, self._proc.stdout.fileno()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.returncode: int | None = None

    def _read(self) -> None:
        with open(self.log, "w") as log:
            while True:
                try:
                    chunk = os.read(self._fd, 65536)
                except OSError:  # the pty's other side closed
                    break
                if not chunk:
                    break
                text = ANSI.sub("", chunk.decode(errors="replace").replace("\r\n", "\n"))
                log.write(text)
                log.flush()
                with self._lock:
                    self.output += text

    # --- waiting ---------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.poll() is None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self._proc is not None:
            self.returncode = self._proc.poll()
        else:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait_for_url(self, timeout: float) -> tuple[str, int, str]:
        """The URL lab.sh prints when the server answers: (url, port, token)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                m = URL_LINE.search(self.output)
            if m:
                return m.group(1), int(m.group(2)), m.group(3)
            if not self.alive():
                raise AssertionError(f"{' '.join(self.argv)} exited ({self.returncode}) before printing its URL:\n{self.tail()}")
            time.sleep(0.2)
        raise AssertionError(f"no URL with a token printed within {timeout:g} s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        with self._lock:
            return "\n".join(self.output.splitlines()[-lines:])

    # --- processes -------------------------------------------------------------------------------
    def record_descendants(self) -> list[psutil.Process]:
        """Remember every process below the one we started (server, kernels, their children)."""
        try:
            procs = psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        for p in procs:
            try:
                self.seen.setdefault(p.pid, (p.create_time(), " ".join(p.cmdline()[:2]) or p.name()))
            except psutil.Error:
                pass
        return procs

    def kernels(self) -> list[int]:
        return [pid for pid, (_, cmd) in self.seen.items() if "evcxr_jupyter" in cmd]

    def survivors(self) -> list[str]:
        """Processes recorded earlier that still run (same pid *and* start time: not a reused pid)."""
        left = []
        for pid, (created, cmd) in self.seen.items():
            try:
                p = psutil.Process(pid)
                if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                    left.append(f"{pid} {cmd}")
            except psutil.NoSuchProcess:
                pass
        return left

    # --- stopping --------------------------------------------------------------------------------
    def ctrl_c(self) -> None:
        """What a learner's Ctrl-C does."""
        self.record_descendants()
        if self._proc is None:
            os.write(self._fd, b"\x03")  # the terminal turns it into SIGINT for its foreground group
        else:
            os.killpg(self.pid, signal.SIGINT)

    def wait(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            time.sleep(0.1)
        return self.poll()

    def wait_gone(self, timeout: float) -> list[str]:
        """Wait until every recorded process has ended; return those that have not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            left = self.survivors()
            if not left:
                return []
            time.sleep(0.2)
        return self.survivors()

    def kill_everything(self) -> None:
        """Last resort for a teardown: SIGKILL whatever is left, so no test leaves processes behind."""
        self.record_descendants()
        for pid, (created, _) in self.seen.items():
            try:
                p = psutil.Process(pid)
                if p.create_time() == created:
                    p.kill()
            except psutil.Error:
                pass
        if self.alive():
            try:
                os.killpg(os.getpgid(self.pid), signal.SIGKILL)
            except OSError:
                pass
            self.wait(10)
        if self._proc is not None:
            self._proc.stdout.close()
        else:
            try:
                os.close(self._fd)
            except OSError:
                pass


def api(port: int, token: str, path: str, method: str = "GET", body: dict | None = None, timeout: float = 10):
    """Call the Jupyter server's REST API on 127.0.0.1 with the token."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        text = resp.read().decode()
        return json.loads(text) if text else None


def wait_for_api(port: int, token: str, timeout: float) -> dict:
    """Wait until the server answers an authenticated request; return /api/status."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            return api(port, token, "/api/status", timeout=5)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
            last = err
            time.sleep(0.3)
    raise AssertionError(f"the server on port {port} did not answer within {timeout:g} s: {last}")


def check_rust_kernelspec(port: int, token: str) -> dict:
    """The server lists the `rust` kernelspec, and it runs this clone's kernel binary."""
    specs = api(port, token, "/api/kernelspecs")
    names = sorted(specs.get("kernelspecs", {}))
    assert "rust" in names, f"the server lists no 'rust' kernelspec (it has {names}); run `make setup`"
    spec = specs["kernelspecs"]["rust"]["spec"]
    assert spec["argv"][0] == str(EVCXR), (
        f"the 'rust' kernelspec runs {spec['argv'][0]}, not this clone's {EVCXR}: another 'rust' kernel "
        "wins (is JUPYTER_PREFER_ENV_PATH=1 set?) or the kernelspec is stale (run `make setup`)"
    )
    assert spec["display_name"] == "Rust", spec
    return spec


def isolated_env(tmp: pathlib.Path, **extra: str) -> dict[str, str]:
    """The caller's environment, with Jupyter's per-user state in `tmp`: a learner's own settings,
    workspaces or server config cannot change the test, and the test does not change them."""
    env = dict(os.environ)
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
    ]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env.update(extra)
    return env
