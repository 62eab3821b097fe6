"""Embedding throughput on this CPU: passages/s and tokens/s of each ONNX variant, its cosine to the torch
fp32 model (the ground truth), and where the time goes (onnxruntime's per-operator profile).

    python -m eval.bench_embed [--variants reference,optimized-int8] [--n 96] [--profile] [--batch 4,8,16]

Passages are cut from real text at exactly ~187 and ~256 model tokens: the programme's chunks average ~187,
256 is a full chunk of a law. Every variant sees the same passages in the same order, one run after another.
Variants are built once into <model_dir>/onnx/ (qa_service/components/embedder_setup.py builds them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT.parent / "shared" / "datasets" / "congbao-8-chu-de" / "docs"


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


def _session(path: Path, threads: int, profile_dir: Path | None = None):  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if profile_dir is not None:
        options.enable_profiling = True
        options.profile_file_prefix = str(profile_dir / path.stem)
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _encode(tokenizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    enc = tokenizer.encode_batch(texts)
    return np.asarray([e.ids for e in enc], dtype=np.int64), np.asarray([e.attention_mask for e in enc], dtype=np.int64)


def run(session, tokenizer, texts: list[str], batch: int) -> tuple[np.ndarray, float, int]:  # type: ignore[no-untyped-def]
    """Embeddings, seconds, real (unpadded) tokens: batches as the pipeline makes them (sorted by length)."""
    order = np.argsort([len(t) for t in texts])
    out = np.empty((len(texts), 384), dtype=np.float32)
    tokens = 0
    t0 = time.perf_counter()
    for start in range(0, len(texts), batch):
        idx = order[start : start + batch]
        ids, mask = _encode(tokenizer, [texts[i] for i in idx])
        tokens += int(mask.sum())
        out[idx] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return out, time.perf_counter() - t0, tokens


def profile(path: Path, tokenizer, texts: list[str], batch: int, threads: int) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """Share of operator time per op type, from onnxruntime's profiler."""
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(path, threads, Path(tmp))
        run(session, tokenizer, texts[:8], batch)  # warm-up in the same session: dropped below by count
        run(session, tokenizer, texts, batch)
        events = json.loads(Path(session.end_profiling()).read_text())
    per_op: dict[str, float] = defaultdict(float)
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            per_op[event["args"]["op_name"]] += event["dur"]
    total = sum(per_op.values())
    return sorted(((op, dur / total) for op, dur in per_op.items()), key=lambda x: -x[1])


def main() -> None:
    from tokenizers import Tokenizer

    from qa_service.components.embedder_setup import VARIANTS, build_variant
    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--n", type=int, default=96, help="passages per length")
    parser.add_argument("--batch", default="4", help="batch sizes to try, comma-separated")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-torch", action="store_true", help="skip the cosine to the torch fp32 model")
    args = parser.parse_args()

    model_dir = get_settings().embedding.model_path
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    sets = {length: ["passage: " + p for p in passages(tokenizer, length, args.n)] for length in (187, 256)}
    tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
    tokenizer.enable_truncation(512)
    truth: dict[int, np.ndarray] = {}
    if not args.no_torch:
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        for length, texts in sets.items():
            truth[length] = st.encode(texts, batch_size=8, normalize_embeddings=True, convert_to_numpy=True)
        del st
    print(f"passages: {', '.join(f'{len(t)} of ~{n} tokens' for n, t in sets.items())}; {args.threads} threads")
    print("| variant | batch | ~187 tok: passages/s | tokens/s | ~256 tok: passages/s | tokens/s | min / mean cosine to torch fp32 |")
    print("|---|---|---|---|---|---|---|")
    for name in args.variants.split(","):
        path = build_variant(model_dir, name)
        session = _session(path, args.threads)
        for batch in [int(b) for b in args.batch.split(",")]:
            cells: list[str] = []
            cosines: list[float] = []
            for length, texts in sets.items():
                run(session, tokenizer, texts[:8], batch)  # warm-up
                rates = []
                for _ in range(2):
                    vectors, seconds, tokens = run(session, tokenizer, texts, batch)
                    rates.append((len(texts) / seconds, tokens / seconds))
                best = max(rates)
                cells += [f"{best[0]:.1f}", f"{best[1]:,.0f}"]
                if length in truth:
                    cosines += list((vectors * truth[length]).sum(axis=1))
            cos = f"{min(cosines):.4f} / {statistics.mean(cosines):.4f}" if cosines else "-"
            print(f"| {name} | {batch} | " + " | ".join(cells) + f" | {cos} |", flush=True)
        if args.profile:
            shares = profile(path, tokenizer, sets[187], int(args.batch.split(",")[0]), args.threads)
            print(f"  profile of {name} (~187 tokens): " + ", ".join(f"{op} {share:.1%}" for op, share in shares[:8]))


if __name__ == "__main__":
    main()
