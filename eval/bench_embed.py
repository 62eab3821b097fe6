"""Embedding throughput on this CPU: passages/s and tokens/s of each ONNX variant, its cosine to the torch
fp32 model (the ground truth), and where the time goes (onnxruntime's per-operator profile).

    python -m eval.bench_embed [--variants reference,optimized-int8] [--n 96] [--profile] [--batch 4,8,16]

Passages are cut from real text at exactly ~187 and ~256 model tokens: the programme's chunks average ~187,
256 is a full chunk of a law. Every variant sees the same passages in the same order, one run after another.
Variants are built once into <model_dir>/onnx/; only "reference" is used by the service (see eval/README.md for
why the others were not kept).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from qa_service.components.onnx_export import SCHEMES

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT.parent / "shared" / "datasets" / "congbao-8-chu-de" / "docs"


# ONNX variants of the same model; "reference" is what make setup builds (embedder_setup.export_onnx)
VARIANTS = ("reference", "fp32", "optimized-fp32", "optimized-int8", "optimized-noattn-fp32", "optimized-noattn-int8")
# int8 schemes of the plain export, built by embedder_setup.quantize (the shipped one is settings' quantization); an
# `exact:` prefix runs the same weights with every integer product summed exactly (embedder_setup.exact_twin): what a
# CPU whose int8 instructions never saturate (AVX-512 VNNI, AMX) computes, so its distance to the plain run is this
# CPU's own error


def build_variant(model_dir: Path, name: str) -> Path:
    """Build (once) and return the ONNX file of a variant.

    optimized-*: onnxruntime's transformer optimizer first (SkipLayerNormalization, BiasGelu, and — unless
    `-noattn` — the fused Attention operator), then for int8 dynamic quantization of MatMul and, when fused,
    Attention (its QKV projection is inside it: quantizing MatMul alone would leave a third of the weights fp32)."""
    out_dir = model_dir / "onnx"
    from qa_service.components.onnx_export import export_onnx
    from qa_service.settings import get_settings

    reference = export_onnx(model_dir, get_settings().embedding.quantization)
    fp32 = out_dir / "model.onnx"
    if name == "reference":
        return reference
    if name == "fp32":
        return fp32
    if name.startswith("exact:"):
        from qa_service.components.onnx_export import exact_twin

        return exact_twin(build_variant(model_dir, name.removeprefix("exact:")))
    if name in SCHEMES:
        from qa_service.components.onnx_export import quantize

        return quantize(fp32, name)
    if name not in VARIANTS:
        raise ValueError(f"unknown variant {name!r}: {', '.join(VARIANTS)}")
    fused_attention = "noattn" not in name
    optimized = out_dir / ("model_opt.onnx" if fused_attention else "model_opt_noattn.onnx")
    if not optimized.exists():
        from onnxruntime.transformers.fusion_options import FusionOptions
        from onnxruntime.transformers.optimizer import optimize_model

        config = json.loads((model_dir / "config.json").read_text())
        options = FusionOptions("bert")
        options.enable_attention = fused_attention
        model = optimize_model(
            str(fp32), model_type="bert", num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"],
            optimization_options=options,
        )
        tmp = optimized.with_suffix(".tmp.onnx")
        model.save_model_to_file(str(tmp))
        tmp.rename(optimized)
    if not name.endswith("int8"):
        return optimized
    target = optimized.with_name(optimized.stem + "_int8.onnx")
    if not target.exists():
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = target.with_suffix(".tmp.onnx")
        quantize_dynamic(
            str(optimized), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
            op_types_to_quantize=["MatMul", "Attention"] if fused_attention else ["MatMul"],
            # the fused operators are in the com.microsoft domain, where shape inference gives no types
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        tmp.rename(target)
    return target


def passages(tokenizer, tokens: int, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`n` windows of about `tokens` model tokens (with the «passage: » prefix) from the programme and laws."""
    sources = [ROOT / "corpus" / "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025.md"]
    sources += sorted(LIBRARY.rglob("*.txt"))[:40] if LIBRARY.exists() else []
    out: list[str] = []
    for path in sources:
        ids = tokenizer.encode(path.read_text(encoding="utf-8"), add_special_tokens=False).ids
        body = tokens - 5  # <s>, «passage: » (2-3 tokens), </s>
        for start in range(0, len(ids) - body, body * 3):  # spread over the document, not one stretch of it
            out.append(tokenizer.decode(ids[start : start + body]))
            if len(out) == n:
                return out
    return out


def real_chunks(sample: int = 480) -> dict[str, list[str]]:
    """The passages the pipeline really embeds: the programme's chunks, and a seeded sample of the chunks of the
    first 40 library documents (lengths from 20 to 512 tokens, mean ~170)."""
    import random

    from qa_service.ingestion.pipeline import prepare
    from qa_service.ingestion.readers import load
    from qa_service.settings import get_settings

    settings = get_settings()
    programme = ROOT / "corpus" / "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025.md"
    sets = {"programme": [settings.embedding.passage_prefix + c.embed_text for c in prepare(load(programme), settings).chunks]}
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    sets["questions"] = [settings.embedding.query_prefix + q for q in questions]
    if LIBRARY.exists():
        library = [c.embed_text for f in sorted(p for p in LIBRARY.rglob("*") if p.is_file())[:40]
                   for c in prepare(load(f), settings).chunks]
        sets["library-40"] = [settings.embedding.passage_prefix + t for t in random.Random(1).sample(library, min(sample, len(library)))]
    return sets


def _session(path: Path, threads: int, profile_dir: Path | None = None):  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # the exact twins keep initializers they no longer use: not worth a warning each
    if profile_dir is not None:
        options.enable_profiling = True
        options.profile_file_prefix = str(profile_dir / path.stem)
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _encode(tokenizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    enc = tokenizer.encode_batch(texts)
    return np.asarray([e.ids for e in enc], dtype=np.int64), np.asarray([e.attention_mask for e in enc], dtype=np.int64)


def run(session, tokenizer, texts: list[str], batch: int) -> tuple[np.ndarray, float, int]:  # type: ignore[no-untyped-def]
    """Embeddings, seconds, real (unpadded) tokens. `batch` > 32 is a padded-token budget, as the service batches
    (embedder.token_batches); a small `batch` is a passage count over texts sorted by length, as it used to."""
    from qa_service.components.embedder import token_batches

    t0 = time.perf_counter()
    lengths = [sum(e.attention_mask) for e in tokenizer.encode_batch(texts)]
    if batch > 32:
        batches = token_batches(lengths, batch)
    else:
        order = [int(i) for i in np.argsort([len(t) for t in texts])]
        batches = [order[s : s + batch] for s in range(0, len(order), batch)]
    out = np.empty((len(texts), 384), dtype=np.float32)
    for idx in batches:
        ids, mask = _encode(tokenizer, [texts[i] for i in idx])
        out[idx] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return out, time.perf_counter() - t0, sum(lengths)


def run_backend(embedder, tokenizer, texts: list[str]) -> tuple[np.ndarray, float, int]:  # type: ignore[no-untyped-def]
    """The service's own code path (`Embedder.embed_batch`, which adds the «passage: » prefix itself)."""
    t0 = time.perf_counter()
    vectors = embedder.embed_batch([t.removeprefix("passage: ") for t in texts])
    seconds = time.perf_counter() - t0
    return vectors, seconds, sum(sum(e.attention_mask) for e in tokenizer.encode_batch(texts))


def _backend(model_dir: Path, name: str, batch: int, threads: int):  # type: ignore[no-untyped-def]
    from qa_service.components.embedder import make_embedder
    from qa_service.settings import EmbeddingSettings

    return make_embedder(EmbeddingSettings(model_dir=model_dir, backend=name.removeprefix("backend:"),  # type: ignore[arg-type]
                                           batch_tokens=batch, batch_tokens_bf16=batch, threads=threads))


def profile(path: Path, tokenizer, texts: list[str], batch: int, threads: int) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """Share of operator time per op type, from onnxruntime's profiler."""
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(path, threads, Path(tmp))
        run(session, tokenizer, texts[:8], batch)  # warm-up in the same session: dropped below by count
        run(session, tokenizer, texts, batch)
        events = json.loads(Path(session.end_profiling()).read_text())
    return sorted(op_shares(events).items(), key=lambda x: -x[1])


def op_shares(events: list[dict[str, Any]]) -> dict[str, float]:
    """Share of kernel time per operator type in an onnxruntime profile's events."""
    per_op: dict[str, float] = defaultdict(float)
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            per_op[event["args"]["op_name"]] += event["dur"]
    total = sum(per_op.values()) or 1.0
    return {op: dur / total for op, dur in per_op.items()}


def _to_twin(first: dict[tuple[str, int, str | int], np.ndarray], name: str, batch: int) -> str:
    """Lowest cosine between a variant's vectors and its `exact:` twin's (same inputs, round 0): how far this CPU's
    int8 kernels are from exact integer sums."""
    pairs = [(v, first[(f"exact:{name}", b, length)]) for (n, b, length), v in first.items()
             if n == name and b == batch and (f"exact:{name}", b, length) in first]
    if not pairs:
        return "-"
    return f"{min(float((a * b).sum(axis=1).min()) for a, b in pairs):.6f}"


def main() -> None:
    from tokenizers import Tokenizer

    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--n", type=int, default=96, help="passages per length")
    parser.add_argument("--batch", default="4,512", help="passages per batch (<= 32) or padded tokens per batch (> 32), comma-separated")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=480, help="library chunks sampled (seeded)")
    parser.add_argument("--no-torch", action="store_true", help="skip the cosine to the torch fp32 model")
    args = parser.parse_args()

    model_dir = get_settings().embedding.model_path
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    sets: dict[str | int, list[str]] = {length: ["passage: " + p for p in passages(tokenizer, length, args.n)] for length in (187, 256)}
    sets.update(real_chunks(args.sample))
    tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
    tokenizer.enable_truncation(512)
    truth: dict[str | int, np.ndarray] = {}
    if not args.no_torch:
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        for length, texts in sets.items():
            truth[length] = st.encode(texts, batch_size=8, normalize_embeddings=True, convert_to_numpy=True)
        del st
    described = ", ".join(f"{len(t)} of {n if isinstance(n, str) else f'~{n} tokens'}" for n, t in sets.items())
    from qa_service.components.cpu import describe

    print(describe())
    print(f"passages: {described}; {args.threads} threads; "
          f"median of {args.rounds} interleaved rounds (this VM's speed drifts by 15 % and more between minutes)")
    configs = [(name, int(batch)) for name in args.variants.split(",") for batch in args.batch.split(",")]
    # "backend:<name>" runs the service's own embedder (make_embedder) with `batch` as its token budget
    sessions = {name: _session(build_variant(model_dir, name), args.threads)
                for name in dict.fromkeys(n for n, _ in configs) if not name.startswith("backend:")}
    backends = {(name, batch): _backend(model_dir, name, batch, args.threads) for name, batch in configs if name.startswith("backend:")}

    def measure(name: str, batch: int, texts: list[str]) -> tuple[np.ndarray, float, int]:
        if (name, batch) in backends:
            return run_backend(backends[(name, batch)], tokenizer, texts)
        return run(sessions[name], tokenizer, texts, batch)

    rates: dict[tuple[str, int, str | int], list[tuple[float, float]]] = defaultdict(list)
    cosines: dict[str, list[float]] = defaultdict(list)
    first: dict[tuple[str, int, str | int], np.ndarray] = {}
    for length, texts in sets.items():
        for name, batch in configs:
            measure(name, batch, texts[:8])  # warm-up
        for round_ in range(args.rounds):
            # each round runs every configuration once, in a rotated order: drift hits all of them alike
            shift = round_ % len(configs)
            for name, batch in configs[shift:] + configs[:shift]:
                vectors, seconds, tokens = measure(name, batch, texts)
                rates[(name, batch, length)].append((len(texts) / seconds, tokens / seconds))
                if round_ == 0:
                    first[(name, batch, length)] = vectors
                if round_ == 0 and length in truth:
                    cosines[f"{name} {batch}"] += list((vectors * truth[length]).sum(axis=1))
    heads = [f"~{n} tok" if isinstance(n, int) else str(n) for n in sets]
    print("| variant | batch | " + " | ".join(f"{h}: passages/s | tokens/s" for h in heads) + " | min / mean cosine to torch fp32 | min cosine to its exact twin |")
    print("|---|---|" + "---|---|" * len(heads) + "---|---|")
    for name, batch in configs:
        cells = []
        for length in sets:
            measured = rates[(name, batch, length)]
            cells += [f"{statistics.median(r[0] for r in measured):.1f}", f"{statistics.median(r[1] for r in measured):,.0f}"]
        key = f"{name} {batch}"
        cos = f"{min(cosines[key]):.4f} / {statistics.mean(cosines[key]):.4f}" if cosines[key] else "-"
        print(f"| {name} | {batch} | " + " | ".join(cells) + f" | {cos} | {_to_twin(first, name, batch)} |", flush=True)
    if args.profile:
        for name in sessions:
            shares = profile(build_variant(model_dir, name), tokenizer, sets[187], configs[0][1], args.threads)
            print(f"profile of {name} (~187 tokens, batch {configs[0][1]}): " + ", ".join(f"{op} {share:.1%}" for op, share in shares[:8]))


if __name__ == "__main__":
    main()
