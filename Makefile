# The two commands a newcomer needs:  `make lab` (learn)  and  `make test` (check everything).
# Both install what is missing first (scripts/setup.sh): a pinned Python virtualenv, the evcxr
# Rust kernel built into .tools/, and its kernelspec. Nothing is installed outside this folder
# except rustup's rust-src component and, for the browser test, Debian's chromium.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Our kernelspec lives in .venv; prefer it over any `rust` kernel in the user's home.
export JUPYTER_PREFER_ENV_PATH := 1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup setup-browser lab test test-rust test-notebooks book bench clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

setup: ## install what is missing (idempotent)
	@scripts/setup.sh

setup-browser: ## setup, plus Debian's chromium for the browser test (apt-get; root or sudo)
	@scripts/setup.sh --browser

lab: setup ## start JupyterLab on 127.0.0.1, a free port (URL with token printed); Ctrl-C stops it
	@scripts/lab.sh

test: setup test-rust test-notebooks ## everything CI runs: fmt, clippy, cargo test, every notebook

test-rust: ## cargo fmt --check, clippy -D warnings, cargo test
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo test --workspace --quiet

test-notebooks: setup-browser ## the harness's tests, every notebook in a fresh kernel, one in a real browser
	$(PY) -m pytest tests

book: setup ## run every notebook and render them as HTML into build/book/
	$(PY) scripts/book.py

bench: ## print the support crate's benchmark figures (name: value unit)
	cargo bench -p interleave --bench figures

clean: ## remove build outputs (keeps .venv and .tools)
	rm -rf build target
