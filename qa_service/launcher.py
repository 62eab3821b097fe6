"""`python -m qa_service.launcher` (what `make run` starts): the API and the Streamlit UI as two children of this
process, in its process group. It prints where they are and how to add documents once the API answers /health, and
stops both on SIGINT, SIGTERM or SIGHUP and when either of them exits. On Linux each child also gets SIGTERM when
the launcher dies, even by SIGKILL (prctl PR_SET_PDEATHSIG), so no server outlives it.

The admin token: a configured one (QA__ADMIN__TOKEN) wins; in accounts mode admin accounts add documents; else a
token is made once into <data_dir>/admin-token (0600, never overwritten) and handed to the API.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import httpx

from qa_service.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1  # linux/prctl.h
GRACE_S = 15.0  # a child still running this long after SIGTERM is killed (the API may be loading its model)
POLL_S = 0.2


class LaunchError(Exception):
    """Why the servers were not started, for the terminal."""


def token_file(path: Path) -> str:
    """The token kept in `path`; made (0600) if the file is absent, never overwritten."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made by an earlier run: reused
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)  # whatever the umask
            out.write(secrets.token_urlsafe(24) + "\n")
    token = path.read_text(encoding="utf-8").strip()
    if not token or any(ch.isspace() for ch in token):
        raise LaunchError(f"{path}: không đọc được mã quản trị; xóa tệp để tạo mã mới / no usable admin token; delete the file to make a new one")
    return token


@dataclass
class AdminAccess:
    """What the API is given (`env`) and what the terminal is told about adding documents."""

    env: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def admin_access(settings: Settings) -> AdminAccess:
    page = "«Quản trị văn bản»"
    if settings.admin.token is not None:
        return AdminAccess(lines=[
            f"Thêm văn bản: trang {page} của giao diện, với mã quản trị đã đặt trong QA__ADMIN__TOKEN.",
            f"Add documents: the UI's {page} page, with the admin token set in QA__ADMIN__TOKEN.",
        ])
    if settings.auth.accounts:
        add = f"{sys.executable} -m qa_service.users add TÊN --role admin"
        return AdminAccess(lines=[
            f"Thêm văn bản: đăng nhập bằng tài khoản quản trị rồi mở trang {page} (tạo tài khoản: {add}).",
            f"Add documents: sign in with an admin account, then open the {page} page (make one: {add}).",
        ])
    path = settings.admin_token_path
    path.parent.mkdir(parents=True, exist_ok=True)
    token = token_file(path)
    return AdminAccess(env={"QA__ADMIN__TOKEN": token}, lines=[
        f"Mã quản trị / admin token: {token}   (lưu tại / kept in {path})",
        f"Thêm văn bản: mở trang {page} của giao diện và nhập mã quản trị này.",
        f"Add documents: open the UI's {page} page and enter this admin token.",
    ])


def port_taken(port: int) -> bool:
    """Something listens on `port` (any address), as the servers would bind it."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return True
    return False


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to send the child SIGTERM when this process dies (by SIGKILL as well); elsewhere
    None: children then outlive a killed launcher."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: the child only calls it
    parent = os.getpid()

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the launcher died before the guard was armed
            os._exit(1)

    return arm


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    health: str


def _start(name: str, cmd: list[str], env: dict[str, str], health: str) -> Child:
    return Child(name, subprocess.Popen(cmd, env=env, cwd=ROOT, preexec_fn=_die_with_parent()), health)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


class Stop:
    """The stop signal received, if any: set by the handler, read by the supervising loop."""

    def __init__(self) -> None:
        self.signal: int | None = None
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.signal = signum


def supervise(children: list[Child], stop: Stop, ready_lines: list[str]) -> int:
    """Wait until a stop signal (0) or a child's exit (1); print `ready_lines` once every child answers."""
    announced = False
    while stop.signal is None:
        for child in children:
            code = child.proc.poll()
            if code is not None:
                print(f"\n{child.name} đã dừng (mã {code}); dừng phần còn lại. / {child.name} exited ({code}); stopping the rest.",
                      file=sys.stderr, flush=True)
                return 1
        if not announced and all(_answers(child.health) for child in children):
            print("\n".join(ready_lines), flush=True)
            announced = True
        time.sleep(POLL_S)
    return 0


def shutdown(children: list[Child]) -> None:
    """SIGTERM to each child still running; SIGKILL to any still running GRACE_S later."""
    for child in children:
        if child.proc.poll() is None:
            child.proc.terminate()
    deadline = time.monotonic() + GRACE_S
    for child in children:
        try:
            child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.proc.kill()
            child.proc.wait()


def _start_children(args: argparse.Namespace, access: AdminAccess, children: list[Child]) -> None:
    """The API (with the admin token of `access`), then the UI over it; each appended to `children` once started."""
    api_url = f"http://127.0.0.1:{args.api_port}"
    children.append(_start("API", [sys.executable, "-m", "qa_service.server", "--port", str(args.api_port)],
                           {**os.environ, **access.env}, api_url + "/health"))
    children.append(_start("UI", [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(args.ui_port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ], {**os.environ, "QA__API_URL": api_url}, f"http://127.0.0.1:{args.ui_port}/_stcore/health"))


def _ready_lines(args: argparse.Namespace, access: AdminAccess) -> list[str]:
    api = f"http://127.0.0.1:{args.api_port}"
    return [
        "",
        "=" * 72,
        "Sẵn sàng / Ready",
        f"  Giao diện / UI:  http://127.0.0.1:{args.ui_port}",
        f"  API:             {api}   (tài liệu / docs: {api}/docs)",
        *(f"  {line}" for line in access.lines),
        f"  Dừng: Ctrl-C (hoặc kill {os.getpid()}) dừng cả hai. / Stop: Ctrl-C (or kill {os.getpid()}) stops both.",
        "=" * 72,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Hỏi đáp chính sách: the API and the UI, started and stopped together")
    parser.add_argument("--api-port", type=int, default=8000)
    parser.add_argument("--ui-port", type=int, default=8501)
    args = parser.parse_args(argv)
    stop = Stop()  # before any child exists: a Ctrl-C from now on stops what was started
    try:
        access = admin_access(get_settings())  # settings validated here, at start
        taken = [port for port in (args.api_port, args.ui_port) if port_taken(port)]
        if taken:
            raise LaunchError(f"cổng {taken} đang được dùng / port {taken} already in use")
    except (LaunchError, ValueError, OSError) as exc:  # ValueError: pydantic's, a setting out of bounds
        print(f"make run: {exc}", file=sys.stderr)
        return 2
    print("Đang khởi động API và giao diện (API nạp mô hình ~20 giây)… / Starting the API and the UI (the model loads in ~20 s)…",
          flush=True)
    children: list[Child] = []
    try:
        _start_children(args, access, children)
        return supervise(children, stop, _ready_lines(args, access))
    finally:
        shutdown(children)


if __name__ == "__main__":
    sys.exit(main())
