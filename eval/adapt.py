"""Fit a low-rank adapter (LoRA) of multilingual-e5-small on pairs made from the documents' structure (eval/adapt_data).

    python -m eval.adapt [--pairs eval/out/adapt/pairs.jsonl] [--out qa_service/resources/adapters/legal-vi]
    make adapt

MultipleNegativesRankingLoss (sentence-transformers) over (query, passage, hard negative) triplets with the other
passages of the batch as negatives too; `query: ` / `passage: ` prefixes as the model was trained with. LoRA on every
attention and feed-forward projection, the rest frozen. One seed drives the data order, the adapter's initial
weights and dropout; the pairs file's hash, the hyper-parameters, wall time and peak memory are written beside the
adapter (run.json). bf16 autocast is used only on a CPU with AMX (it is 1.6x there and not faster elsewhere).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.run_eval import HERE

ROOT = HERE.parent
DEFAULT_OUT = ROOT / "qa_service" / "resources" / "adapters" / "legal-vi"
TARGETS = ["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"]


@dataclass
class HyperParameters:
    seed: int = 20261207
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    learning_rate: float = 2e-4
    batch_size: int = 32
    epochs: int = 1
    warmup: float = 0.1
    max_seq_length: int = 160
    scale: float = 20.0  # MNRL's inverse temperature, sentence-transformers' default
    max_pairs: int = 0  # 0 = all


def amx() -> bool:
    try:
        return "amx_bf16" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def load_pairs(path: Path, limit: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def batches(pairs: list[dict[str, str]], size: int, rng: random.Random) -> list[list[dict[str, str]]]:
    order = pairs[:]
    rng.shuffle(order)
    return [order[i : i + size] for i in range(0, len(order) - size + 1, size)]  # full batches only


def model_with_adapter(model_dir: Path, hp: HyperParameters):  # type: ignore[no-untyped-def]
    from peft import LoraConfig, get_peft_model
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    st.max_seq_length = hp.max_seq_length
    config = LoraConfig(r=hp.rank, lora_alpha=hp.alpha, lora_dropout=hp.dropout, target_modules=TARGETS)
    st[0].model = get_peft_model(st[0].model, config)  # type: ignore[arg-type]
    return st


def train(pairs: list[dict[str, str]], model_dir: Path, out: Path, hp: HyperParameters, bf16: bool) -> dict[str, object]:
    import torch
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    torch.manual_seed(hp.seed)
    rng = random.Random(hp.seed)
    st = model_with_adapter(model_dir, hp)
    loss_fn = MultipleNegativesRankingLoss(st, scale=hp.scale)
    params = [p for p in st.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=hp.learning_rate)
    plan = [b for _ in range(hp.epochs) for b in batches(pairs, hp.batch_size, rng)]
    warm = max(1, int(hp.warmup * len(plan)))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warm, max(0.0, (len(plan) - step) / (len(plan) - warm)))
    )
    st.train()
    started, losses = time.perf_counter(), []
    for step, batch in enumerate(plan):
        features = [
            st.tokenize(["query: " + p["query"] for p in batch]),
            st.tokenize(["passage: " + p["passage"] for p in batch]),
            st.tokenize(["passage: " + (p["negative"] or p["passage"]) for p in batch]),
        ]
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = loss_fn(features, None)
        loss.backward()
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        losses.append(float(loss.detach()))
        if step % 10 == 0 or step == len(plan) - 1:
            print(f"step {step + 1}/{len(plan)} loss {sum(losses[-10:]) / len(losses[-10:]):.4f} "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
    seconds = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    st[0].model.save_pretrained(str(out))
    return {"steps": len(plan), "seconds": round(seconds, 1), "first_loss": losses[0], "last_loss": sum(losses[-10:]) / 10}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=Path, default=HERE / "out" / "adapt" / "pairs.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--max-pairs", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto")
    args = parser.parse_args()
    import torch

    from qa_service.components.adapter import adapter_sha256
    from qa_service.settings import get_settings

    torch.set_num_threads(2)
    hp = HyperParameters(max_pairs=args.max_pairs, epochs=args.epochs)
    pairs = load_pairs(args.pairs, hp.max_pairs)
    bf16 = args.precision == "bf16" or (args.precision == "auto" and amx())
    result = train(pairs, get_settings().embedding.base_model_path, args.out, hp, bf16)
    manifest = args.pairs.with_suffix(".manifest.json")
    run = {
        "hyper_parameters": asdict(hp),
        "precision": "bf16" if bf16 else "fp32",
        "pairs": len(pairs),
        "pairs_sha256": hashlib.sha256(args.pairs.read_bytes()).hexdigest(),
        "data_manifest": json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "threads": torch.get_num_threads(),
        **result,
    }
    (args.out / "run.json").write_text(json.dumps(run, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / "README.md").unlink(missing_ok=True)  # peft's model-card template: run.json says what was run
    (args.out / "sha256").write_text(adapter_sha256(args.out) + "\n", encoding="utf-8")  # pinned: setup checks it
    print(f"adapter {args.out}: sha256 {adapter_sha256(args.out)[:12]}, {result['seconds']} s, "
          f"peak RSS {run['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
