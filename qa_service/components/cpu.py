"""What this processor offers the embedding kernels, read from /proc/cpuinfo (Linux; nothing where unreadable).

onnxruntime picks its int8 and float kernels by these flags, so a figure measured with the model is a figure of
this CPU: `python -m qa_service.components.cpu` prints the line `make test` and the benchmarks start with."""

from __future__ import annotations

from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# the flags that change which kernels run (and so the last digits of a vector): AVX2/FMA, AVX-512 (with VNNI), AMX
KERNEL_FLAGS = ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8", "amx_bf16")


def _field(cpuinfo: Path, name: str) -> str | None:
    try:
        with cpuinfo.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(name):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    return frozenset((_field(cpuinfo, "flags") or "").split())


def cpu_summary(cpuinfo: Path = CPUINFO) -> dict[str, object]:
    flags = cpu_flags(cpuinfo)
    return {"model": _field(cpuinfo, "model name") or "unknown", "flags": [f for f in KERNEL_FLAGS if f in flags]}


def describe(cpuinfo: Path = CPUINFO) -> str:
    summary = cpu_summary(cpuinfo)
    flags = summary["flags"]
    return f"CPU: {summary['model']}; kernel flags: {', '.join(flags) if flags else 'none of ' + ', '.join(KERNEL_FLAGS)}"  # type: ignore[arg-type]


if __name__ == "__main__":
    print(describe())
