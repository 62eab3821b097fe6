"""The CPU line `make test` and the benchmarks print: the flags that pick onnxruntime's kernels."""

from __future__ import annotations

from pathlib import Path

from qa_service.components.cpu import cpu_flags, cpu_summary, describe


def test_the_kernel_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma f16c\n\nprocessor\t: 1\n")
    assert {"avx2", "fma", "f16c"} <= cpu_flags(info)
    assert cpu_summary(info) == {"model": "AMD EPYC", "flags": ["avx2", "fma"]}
    assert describe(info) == "CPU: AMD EPYC; kernel flags: avx2, fma"


def test_an_unreadable_cpuinfo_says_so(tmp_path: Path) -> None:
    assert cpu_flags(tmp_path / "missing") == frozenset()
    assert describe(tmp_path / "missing").startswith("CPU: unknown; kernel flags: none of avx2")
