"""The limit: this machine's int8 GEMM throughput in onnxruntime, and how much of it the embedding model reaches.

    python -m eval.bench_gemm [--threads 2] [--sample 480] [--seconds 1.5]

1. Peak: a graph holding one large integer matrix product and nothing else, run by onnxruntime's CPU provider with
   the service's thread count — `MatMulInteger` (uint8 × int8 → int32) and the dynamically quantised MatMul the
   model is made of (float in, DynamicQuantizeLinear + MatMulInteger, fused at load into DynamicQuantizeMatMul),
   on the model's own shapes (token budget rows × 384 × 384, × 384 × 1536, × 1536 × 384) and a large square one,
   where the kernels run fastest (the peak). Multiply-adds per second
   (one multiply-add = 2 operations).
2. The model: the service's embedder (`make_embedder`, token-budget batching) on real library chunks; its int8
   products do K × N multiply-adds per real token for each quantised weight (~21 M for e5-small), so multiply-adds per
   second = that × tokens per second, printed as a share of the peak.
3. Where the model's time goes: onnxruntime's per-operator profile on the same passages, the share of operator time
   in the int8 GEMMs and outside them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

# the operators that are the int8 matrix products, as loaded (fused) and as exported
INT8_GEMM_OPS = frozenset({"MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "QGemm"})


def _gemm_model(rows: int, k: int, n: int, dynamic: bool) -> bytes:
    """One product, rows × k by k × n, with int8 weights (7-bit, as the service's reduce-range scheme)."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weight = numpy_helper.from_array(rng.integers(-63, 64, size=(k, n), dtype=np.int8), "w")
    zero_w = numpy_helper.from_array(np.zeros((), dtype=np.int8), "w_zero")
    scale_w = numpy_helper.from_array(np.array(0.01, dtype=np.float32), "w_scale")
    if dynamic:
        inputs = [helper.make_tensor_value_info("a", TensorProto.FLOAT, [rows, k])]
        nodes = [
            helper.make_node("DynamicQuantizeLinear", ["a"], ["a_q", "a_scale", "a_zero"]),
            helper.make_node("MatMulInteger", ["a_q", "w", "a_zero", "w_zero"], ["y_int"]),
            helper.make_node("Cast", ["y_int"], ["y_float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["a_scale", "w_scale"], ["scale"]),
            helper.make_node("Mul", ["y_float", "scale"], ["y"]),
        ]
        output = helper.make_tensor_value_info("y", TensorProto.FLOAT, [rows, n])
    else:
        inputs = [helper.make_tensor_value_info("a", TensorProto.UINT8, [rows, k])]
        zero_a = numpy_helper.from_array(np.array(128, dtype=np.uint8), "a_zero")
        nodes = [helper.make_node("MatMulInteger", ["a", "w", "a_zero", "w_zero"], ["y"])]
        output = helper.make_tensor_value_info("y", TensorProto.INT32, [rows, n])
    initializers = [weight, zero_w, scale_w] + ([] if dynamic else [zero_a])
    graph = helper.make_graph(nodes, "gemm", inputs, [output], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def _session(model: bytes | str, threads: int, profile_prefix: str | None = None):  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    if profile_prefix:
        options.enable_profiling = True
        options.profile_file_prefix = profile_prefix
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def gemm_rate(rows: int, k: int, n: int, dynamic: bool, threads: int, seconds: float) -> float:
    """Multiply-adds per second of one product, the median of runs filling `seconds`."""
    session = _session(_gemm_model(rows, k, n, dynamic), threads)
    rng = np.random.default_rng(1)
    a = rng.standard_normal((rows, k)).astype(np.float32) if dynamic else rng.integers(0, 256, (rows, k), dtype=np.uint8)
    session.run(None, {"a": a})  # warm-up: packs the weights
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 3:
        t0 = time.perf_counter()
        session.run(None, {"a": a})
        times.append(time.perf_counter() - t0)
    return rows * k * n / statistics.median(times)


def gemm_macs_per_token(model_path: Path) -> int:
    """K × N summed over the model's quantised weights: the int8 multiply-adds one token costs."""
    import onnx

    model = onnx.load(str(model_path), load_external_data=False)
    shapes = {init.name: list(init.dims) for init in model.graph.initializer}
    total = 0
    for node in model.graph.node:
        if node.op_type in INT8_GEMM_OPS:
            weight = next((shapes[i] for i in node.input if len(shapes.get(i, [])) == 2), None)
            if weight:
                total += weight[0] * weight[1]
    return total


def op_shares(model_path: Path, texts: list[str], budget: int, threads: int) -> dict[str, float]:
    """Share of onnxruntime's operator time per op type, the model run with the service's batching."""
    import json
    import tempfile

    from tokenizers import Tokenizer

    from eval.bench_embed import op_shares, run
    from qa_service.settings import get_settings

    tokenizer = Tokenizer.from_file(str(get_settings().embedding.model_path / "tokenizer.json"))
    tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
    tokenizer.enable_truncation(512)
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(str(model_path), threads, str(Path(tmp) / "profile"))
        run(session, tokenizer, texts, budget)
        events = json.loads(Path(session.end_profiling()).read_text())
    return dict(sorted(op_shares(events).items(), key=lambda x: -x[1]))


def model_rate(texts: list[str], rounds: int) -> tuple[float, int]:
    """(real tokens per second, real tokens) of the service's embedder on `texts` (prefix included), median of rounds."""
    from tokenizers import Tokenizer

    from qa_service.components.embedder import make_embedder
    from qa_service.settings import get_settings

    settings = get_settings().embedding
    tokenizer = Tokenizer.from_file(str(settings.model_path / "tokenizer.json"))
    tokenizer.enable_truncation(settings.max_seq_length)
    tokens = sum(len(e.ids) for e in tokenizer.encode_batch(texts))
    embedder = make_embedder(settings)
    bare = [t.removeprefix(settings.passage_prefix) for t in texts]
    embedder.embed_batch(bare[:16])
    seconds = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        embedder.embed_batch(bare)
        seconds.append(time.perf_counter() - t0)
    return tokens / statistics.median(seconds), tokens


def main() -> None:
    from eval.bench_embed import real_chunks
    from qa_service.components.cpu import describe
    from qa_service.components.onnx_export import quantized_path
    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=get_settings().embedding.threads)
    parser.add_argument("--sample", type=int, default=480, help="library chunks sampled (seeded), as bench_embed")
    parser.add_argument("--seconds", type=float, default=1.5, help="per GEMM shape")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = get_settings().embedding
    print(f"{describe()}; {args.threads} threads; embedding {settings.backend} ({settings.quantization})")

    peaks: dict[str, float] = {}
    budget = settings.batch_tokens  # the model's products: one row per token of a batch, up to the token budget
    for rows, k, n in ((budget, 384, 384), (budget, 384, 1536), (budget, 1536, 384), (2048, 2048, 2048)):
        for dynamic in (False, True):
            name = f"{'DynamicQuantize+MatMulInteger (float in)' if dynamic else 'MatMulInteger u8×s8'} {rows}×{k}×{n}"
            peaks[name] = gemm_rate(rows, k, n, dynamic, args.threads, args.seconds)
            print(f"  {name}: {peaks[name] / 1e9:,.1f} G multiply-adds/s", flush=True)
    peak_name = max(peaks, key=lambda name: peaks[name])
    peak = peaks[peak_name]
    print(f"int8 GEMM peak (best of the above): {peak / 1e9:,.1f} G multiply-adds/s ({2 * peak / 1e9:,.0f} G int8 ops/s)")

    path = quantized_path(settings.model_path, settings.quantization)
    per_token = gemm_macs_per_token(path)
    texts = real_chunks(args.sample)["library-40"]
    tokens_per_s, tokens = model_rate(texts, args.rounds)
    achieved = per_token * tokens_per_s
    print(f"model: {len(texts)} library chunks, {tokens:,} tokens: {tokens_per_s:,.0f} tokens/s; "
          f"{per_token / 1e6:.1f} M int8 multiply-adds per token -> {achieved / 1e9:,.1f} G/s achieved, "
          f"{achieved / peak:.1%} of the peak")
    shares = op_shares(path, texts, settings.batch_tokens, args.threads)
    in_gemm = sum(share for op, share in shares.items() if op in INT8_GEMM_OPS)
    print(f"model operator time in the int8 GEMMs {in_gemm:.1%}, outside them {1 - in_gemm:.1%}; "
          f"inside the GEMMs the model runs at {achieved / max(in_gemm, 1e-9) / peak:.1%} of the peak")
    print("  " + ", ".join(f"{op} {share:.1%}" for op, share in list(shares.items())[:10]))


if __name__ == "__main__":
    main()
