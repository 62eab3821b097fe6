"""Hỏi đáp chính sách: the QA service, its ingestion and its components."""

import os

# No telemetry from the libraries we run: onnxruntime's (a device id and an event queue under ~/.cache/Microsoft,
# uploads when online) is off unless the operator opts in by setting the variable. Chroma's is off in
# components/vector_store.py, Streamlit's in the Makefile. Set before any onnxruntime environment exists.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

