# Hỏi đáp chính sách — one entry point for setup, run, test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# stamp of the prepared embedding model; redone when the scheme or the recipe changes (idempotent, builds what is missing)
# QA__EMBEDDING__ADAPTER=<name> builds the model with that adapter merged in (its own folder and stamp)
ADAPTER := $(QA__EMBEDDING__ADAPTER)
MODEL := var/models/e5-small$(if $(ADAPTER),-$(ADAPTER))/.prepared
API_PORT ?= 8000
UI_PORT ?= 8501
# torch: the CPU wheel that lies on disk on these machines; never a CUDA build from PyPI
TORCH := torch==2.13.0
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,--index-url https://download.pytorch.org/whl/cpu --extra-index-url https://pypi.org/simple)

# optional generator (Qwen2.5-Coder-1.5B-Instruct GGUF + llama-cpp-python built here): `make setup-llm`.
# `make run` leaves it out unless LLM=1; `make test` includes it unless LLM=0 (its tests then skip).
LLM ?=
LLM_STAMP := $(VENV)/.llm-installed
LLM_MODEL := var/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
RUN_LLM := $(if $(filter 1,$(LLM)),setup-llm)
TEST_LLM := $(if $(filter 0,$(LLM)),,setup-llm)

.PHONY: setup setup-llm ingest api ui mcp run test test-fast lint bench eval adapt eval-generative clean browser-deps office-deps

$(STAMP): pyproject.toml
	command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools
	$(BIN)/pip install -q $(FIND_LINKS) "$(TORCH)"
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

$(MODEL): $(STAMP) qa_service/components/embedder_setup.py qa_service/components/adapter.py qa_service/settings.py $(if $(ADAPTER),qa_service/resources/adapters/$(ADAPTER)/sha256)
	HF_HUB_OFFLINE=1 $(BIN)/python -m qa_service.components.embedder_setup --check
	touch $(MODEL)

setup: $(STAMP) $(MODEL)

# ~12 min the first time (compiles llama.cpp on 2 cores); pip caches the wheel, so later installs take seconds
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q -e ".[dev,llm]"
	touch $(LLM_STAMP)

$(LLM_MODEL): $(STAMP)
	$(BIN)/python -m qa_service.components.generator_setup --check

setup-llm: $(LLM_STAMP) $(LLM_MODEL)

# REBUILD=1 re-embeds everything (after a model change: the CLI says when)
ingest: setup
	$(BIN)/python -m ingest $(if $(filter 1,$(REBUILD)),--rebuild)

api: setup
	$(BIN)/python -m qa_service.server --port $(API_PORT)

# the MCP tools over stdio, for an assistant that starts the server itself (README «From other clients»); silent
# recipe: stdout is the protocol's. Over HTTP they are at /mcp of `make api`.
mcp: setup
	@$(BIN)/python -m qa_service.mcp_server

ui: setup
	QA__API_URL=http://127.0.0.1:$(API_PORT) $(BIN)/streamlit run ui/app.py --server.port $(UI_PORT) --server.headless true --browser.gatherUsageStats false

# set up from nothing, ingest corpus/, then the API (:8000) and the UI (:8501) as children of one launcher
# (qa_service/launcher.py): it prints their addresses and the admin token once the API answers, and Ctrl-C, a kill of
# it or of its group, or either server stopping stops both
run: ingest $(RUN_LLM)
	@exec $(BIN)/python -m qa_service.launcher --api-port $(API_PORT) --ui-port $(UI_PORT)

lint: $(STAMP)
	$(BIN)/ruff check ingest qa_service ui eval tests
	$(BIN)/mypy

# the browser test needs Debian's chromium + chromium-driver (installed here when running as root, as CI does)
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "install chromium and chromium-driver (apt) for the browser test"; fi; }

# the slides test draws the training pack with LibreOffice Impress; Arial, the slides' font, is drawn with the
# metric-compatible Liberation Sans (installed here when running as root, as CI does)
office-deps:
	@command -v soffice >/dev/null && fc-list | grep -q "Liberation Sans" || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-impress fonts-liberation >/dev/null; \
	  else echo "install libreoffice-impress and fonts-liberation (apt) for the slides test"; fi; }

# everything CI runs: the fast tier (fakes) and the real-model tier (embedding model, LLM, Chroma server, browser,
# LibreOffice)
test: setup $(TEST_LLM) lint browser-deps office-deps
	@$(BIN)/python -m qa_service.components.cpu
	QA_TEST_REQUIRE_LLM=$(if $(TEST_LLM),1,0) $(BIN)/python -m pytest -q tests

# for editing (< 1 min): real app, Chroma and registry, hashed embeddings instead of the model, no LLM
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 -m "not slow and not llm" tests

# bench_gemm: this machine's int8 GEMM peak in onnxruntime and the model's share of it; bench_ingest: seconds per
# stage, end to end against the model alone in the same run; bench_overlap: files prepared ahead or not, interleaved;
# bench_browser: a day's walk in headless Chromium, each step's wait with the service's share
bench: setup browser-deps
	$(BIN)/python -m eval.bench_embed --variants reference,backend:torch-bf16 --batch 768,4096 --rounds 3 --profile
	$(BIN)/python -m eval.bench_gemm
	$(BIN)/python -m eval.bench_ingest --library-sample 40
	$(BIN)/python -m eval.bench_overlap --library-sample 16 --group 6
	$(BIN)/python -m eval.bench_api
	$(BIN)/python -m eval.bench_browser --rounds 2

# the embedder's LoRA adapter from the documents' structure (~30 min on 2 cores), then base vs adapted on held-out
adapt: setup
	$(BIN)/python -m eval.adapt_data
	$(BIN)/python -m eval.adapt
	$(BIN)/python -m eval.adapt_eval

eval: setup
	$(BIN)/python -m eval.run_eval $(if $(wildcard var/library/index/registry.sqlite),--library var/library)

# written-out answers on the eval set (needs `make setup-llm`; ~20 s a question on 2 cores)
eval-generative: setup setup-llm
	$(BIN)/python -m eval.run_generative

clean:
	rm -rf var/index
