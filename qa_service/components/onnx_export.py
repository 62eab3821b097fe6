"""The embedding model as ONNX: the float32 export (encoder + mean pooling + L2 norm) and its int8 schemes, and an
exact twin of an int8 file that shows what a CPU whose int8 instructions never saturate computes from it.

Built by `make setup` (embedder_setup); each file is written once, under <model_dir>/onnx/."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# int8 schemes of dynamic quantization (MatMul weights, per channel): name -> (weight type, reduce_range).
# QInt8 weights meet uint8 activations in AVX2's vpmaddubsw, whose int16 pair sums saturate, so the same file gives
# other vectors on a CPU without AVX-512 VNNI / AMX; 7-bit weights (reduce_range) or uint8 weights never saturate
# there, so every CPU sums the same integers (eval/README.md, «Quantization that travels»)
SCHEMES: dict[str, tuple[str, bool]] = {
    "qint8": ("QInt8", False),
    "qint8-reduce-range": ("QInt8", True),
    "quint8": ("QUInt8", False),
}
def fp32_path(model_dir: Path) -> Path:
    return model_dir / "onnx" / "model.onnx"


def quantized_path(model_dir: Path, scheme: str) -> Path:
    return model_dir / "onnx" / f"model_{scheme.replace('-', '_')}.onnx"


def quantize(fp32: Path, scheme: str) -> Path:
    """Dynamic int8 quantization of the exported model's MatMul weights, per channel, in `scheme` (built once).
    Quantizing Gather/embeddings too (the default) dropped cosine to fp32 to 0.975, so only MatMul is."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weight_type, reduce_range = SCHEMES[scheme]
    target = quantized_path(fp32.parent.parent, scheme)
    if target.exists():
        return target
    tmp = target.with_suffix(".tmp.onnx")
    quantize_dynamic(
        str(fp32), str(tmp), weight_type=getattr(QuantType, weight_type), per_channel=True,
        reduce_range=reduce_range, op_types_to_quantize=["MatMul"],
    )
    tmp.rename(target)
    return target


def exact_twin(path: Path) -> Path:
    """The same int8 model with each MatMulInteger computed as a float64 MatMul of the zero-point-shifted integers
    (exact: every partial sum is an integer below 2**53), cast back to int32 for the rest of the graph."""
    target = path.with_name(path.stem + "_exact.onnx")
    if target.exists():
        return target
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(path))
    weights = {init.name: init for init in model.graph.initializer}
    replaced: set[str] = set()
    nodes = []
    for node in model.graph.node:
        if node.op_type != "MatMulInteger":
            nodes.append(node)
            continue
        a, b, a_zero, b_zero = node.input
        shifted = numpy_helper.to_array(weights[b]).astype(np.float64) - numpy_helper.to_array(weights[b_zero]).astype(np.float64)
        replaced.add(b)
        b_name = f"{b}_exact_f64"
        model.graph.initializer.append(numpy_helper.from_array(shifted, b_name))
        p = node.output[0] + "_exact"
        nodes += [
            helper.make_node("Cast", [a], [p + "_a"], to=TensorProto.DOUBLE),
            helper.make_node("Cast", [a_zero], [p + "_z"], to=TensorProto.DOUBLE),
            helper.make_node("Sub", [p + "_a", p + "_z"], [p + "_s"]),
            helper.make_node("MatMul", [p + "_s", b_name], [p + "_m"]),
            helper.make_node("Cast", [p + "_m"], [node.output[0]], to=TensorProto.INT32),
        ]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    kept = [init for init in model.graph.initializer if init.name not in replaced]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    tmp = target.with_suffix(".tmp.onnx")
    onnx.save(model, str(tmp))
    tmp.rename(target)
    return target


def export_onnx(model_dir: Path, scheme: str) -> Path:
    """ONNX export of encoder + mean pooling + L2 norm (model.onnx, float32), then int8 in `scheme`.

    Measured on 2 cores: fp32 ONNX ~ torch speed; int8 per-channel faster at cosine >= 0.99 to fp32
    (eval/README.md).
    """
    fp32 = fp32_path(model_dir)
    if not fp32.exists():
        _export_fp32(model_dir, fp32)
    return quantize(fp32, scheme)


def _export_fp32(model_dir: Path, fp32: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            # keyword arguments: transformers 5 changed the positional order
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    fp32.parent.mkdir(parents=True, exist_ok=True)
    ids = torch.ones(2, 16, dtype=torch.long)
    mask = torch.ones(2, 16, dtype=torch.long)
    mask[1, 10:] = 0
    tmp = fp32.with_suffix(".tmp.onnx")
    torch.onnx.export(
        Pooled(model),
        (ids, mask),
        str(tmp),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"}, "embedding": {0: "b"}},
        opset_version=17,
        dynamo=False,
    )
    tmp.rename(fp32)
