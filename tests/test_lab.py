"""`make lab` prints its URL with a token, and one Ctrl-C stops the server and its Rust kernels."""

from __future__ import annotations

import time

import pytest

import labserver
from conftest import ROOT

START_TIMEOUT = 120  # seconds until the URL is printed
STOP_TIMEOUT = 45  # lab.sh kills a server that has not stopped 30 s after Ctrl-C


@pytest.fixture
def lab(tmp_path):
    # `make lab` in a pseudo-terminal, with no PORT and no JUPYTER_TOKEN: the defaults a learner gets.
    env = labserver.isolated_env(tmp_path)
    for var in ("PORT", "JUPYTER_TOKEN", "NOTEBOOK_ROOT"):
        env.pop(var, None)
    server = labserver.Lab(
        ["make", "--no-print-directory", "lab"], env, use_pty=True, log=ROOT / "build" / "lab" / "make-lab.log"
    )
    try:
        yield server
    finally:
        server.kill_everything()


def test_make_lab_prints_its_url_and_one_ctrl_c_stops_server_and_kernels(lab):
    url, port, token = lab.wait_for_url(START_TIMEOUT)
    assert "JupyterLab is running. Open this URL in your browser:" in lab.output, lab.tail()
    assert len(token) >= 32, f"the token in {url} is too short to be a fresh random one"
    assert url.startswith(f"http://127.0.0.1:{port}/lab/tree/notebooks/00_start_here.ipynb?token=")
    labserver.wait_for_api(port, token, 30)
    labserver.check_rust_kernelspec(port, token)

    kernel = labserver.api(port, token, "/api/kernels", method="POST", body={"name": "rust"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lab.record_descendants()
        if lab.kernels():
            break
        time.sleep(0.3)
    assert lab.kernels(), f"no evcxr_jupyter process appeared for kernel {kernel['id']}:\n{lab.tail()}"
    time.sleep(2)  # let the kernel finish starting (and spawn its own child process)
    lab.record_descendants()

    started = time.monotonic()
    lab.ctrl_c()
    code = lab.wait(STOP_TIMEOUT)
    assert code is not None, f"`make lab` still runs {STOP_TIMEOUT} s after one Ctrl-C:\n{lab.tail()}"
    left = lab.wait_gone(10)
    assert not left, f"processes left running after Ctrl-C (orphaned kernels?): {left}\n{lab.tail()}"
    took = time.monotonic() - started
    assert "Shut down this Jupyter server" not in lab.output, "JupyterLab asked for confirmation"
    assert took < 30, f"stopping took {took:.1f} s"
    print(f"stopped in {took:.1f} s; processes checked: {sorted(c for _, c in lab.seen.values())}")
