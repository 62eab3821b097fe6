"""`make run`'s launcher (`python -m qa_service.launcher`) with the real API and Streamlit: it says where they are
once both answer, the admin token it prints opens the admin routes, and no server outlives it — whether its process
group is sent SIGTERM (Ctrl-C, `kill -TERM -<pgid>`), it alone is SIGKILLed, or one of its servers dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from eval.loopback import free_port, wait_http
from qa_service.launcher import port_taken
from tests.conftest import ROOT
from tests.fixtures.server import environment

pytestmark = pytest.mark.slow

FREED_WITHIN_S = 5.0


@dataclass
class Launched:
    proc: subprocess.Popen[bytes]
    api: str
    ports: tuple[int, int]
    log: Path

    def printed(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[int]:
        """The launcher's child processes (from /proc: their parent is the launcher)."""
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and _field(entry / "status", "PPid") == str(self.proc.pid):
                    found.append(int(entry.name))
            except OSError:
                continue  # gone meanwhile
        return found


def _field(status: Path, name: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in status.read_text().splitlines() if line.startswith(name + ":"))


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaped yet holds no port and runs nothing)."""
    try:
        return not _field(Path(f"/proc/{pid}/status"), "State").startswith("Z")
    except OSError:
        return False


@pytest.fixture(scope="module")
def launcher_env(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> dict[str, str]:
    """The corpus ingested into a private data directory; no admin token configured, so the launcher makes one."""
    env = environment(tmp_path_factory.mktemp("launcher") / "data", model_dir)
    env.pop("QA__ADMIN__TOKEN")
    return env


@pytest.fixture()
def launched(launcher_env: dict[str, str], tmp_path: Path) -> Iterator[Launched]:
    api_port, ui_port = free_port(), free_port()
    log = tmp_path / "launcher.log"
    with log.open("wb") as out:
        # a session of its own, as a terminal's job is: its process group is the launcher's and its children's
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa_service.launcher", "--api-port", str(api_port), "--ui-port", str(ui_port)],
            env=launcher_env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    running = Launched(proc, f"http://127.0.0.1:{api_port}", (api_port, ui_port), log)
    try:
        wait_http(running.api + "/health", seconds=180)
        wait_http(f"http://127.0.0.1:{ui_port}/_stcore/health", seconds=60)
        deadline = time.monotonic() + 10
        while "Sẵn sàng / Ready" not in running.printed() and time.monotonic() < deadline:
            time.sleep(0.2)
        yield running
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _all_stopped(running: Launched, children: list[int]) -> None:
    deadline = time.monotonic() + FREED_WITHIN_S
    while time.monotonic() < deadline and (any(map(port_taken, running.ports)) or any(map(_alive, children))):
        time.sleep(0.1)
    assert not [port for port in running.ports if port_taken(port)], running.printed()[-3000:]
    assert not [pid for pid in children if _alive(pid)]


def test_it_says_where_things_are_and_the_group_stops_all(launched: Launched, launcher_env: dict[str, str]) -> None:
    printed = launched.printed()
    token = (Path(launcher_env["QA__DATA_DIR"]) / "admin-token").read_text(encoding="utf-8").strip()
    assert "Sẵn sàng / Ready" in printed, printed[-3000:]
    assert f"http://127.0.0.1:{launched.ports[1]}" in printed and launched.api in printed
    assert printed.count(token) == 1 and "Thêm văn bản" in printed and "Add documents" in printed
    # the API uses the token it was handed
    assert httpx.get(launched.api + "/previous-versions").status_code == 401
    assert httpx.get(launched.api + "/previous-versions", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    children = launched.children()
    assert len(children) == 2 and all(os.getpgid(pid) == launched.proc.pid for pid in children)
    os.killpg(launched.proc.pid, signal.SIGTERM)  # what Ctrl-C or `kill -TERM -<pgid>` does
    _all_stopped(launched, children)
    assert launched.proc.wait(timeout=FREED_WITHIN_S) == 0


def test_a_sigkilled_launcher_takes_its_servers_along(launched: Launched) -> None:
    children = launched.children()
    assert len(children) == 2
    os.kill(launched.proc.pid, signal.SIGKILL)  # no handler runs: the children's parent-death signal stops them
    launched.proc.wait()
    _all_stopped(launched, children)


def test_when_one_server_dies_the_other_is_stopped(launched: Launched) -> None:
    children = launched.children()
    api = next(pid for pid in children if "qa_service.server" in Path(f"/proc/{pid}/cmdline").read_text())
    os.kill(api, signal.SIGKILL)
    assert launched.proc.wait(timeout=FREED_WITHIN_S + 15) == 1
    _all_stopped(launched, children)
    assert "API" in launched.printed().rsplit("Ready", 1)[-1]
