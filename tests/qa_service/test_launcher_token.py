"""`make run`'s admin token (qa_service/launcher.py): made once into the data directory, private, reused, never
overwritten; a configured token wins, and in accounts mode no token is made (admin accounts add documents)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from qa_service.launcher import LaunchError, admin_access, token_file
from qa_service.settings import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_token_is_made_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "admin-token"
    first = token_file(path)
    assert len(first) >= 24 and _mode(path) == 0o600
    assert token_file(path) == first  # the second run reads it back


def test_an_existing_token_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "admin-token"
    path.write_text("ma-da-dat-tu-truoc\n", encoding="utf-8")
    assert token_file(path) == "ma-da-dat-tu-truoc"
    assert path.read_text(encoding="utf-8") == "ma-da-dat-tu-truoc\n"


def test_a_blank_token_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "admin-token"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(LaunchError, match="admin token"):
        token_file(path)
    assert path.read_text(encoding="utf-8") == "  \n"


def test_without_a_configured_token_the_api_gets_the_files(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    access = admin_access(settings)
    token = settings.admin_token_path.read_text(encoding="utf-8").strip()
    assert access.env == {"QA__ADMIN__TOKEN": token}
    assert any(token in line for line in access.lines)  # printed once, with what it is for in both languages
    assert any(line.startswith("Thêm văn bản") for line in access.lines)
    assert any(line.startswith("Add documents") for line in access.lines)
    assert admin_access(settings).env == access.env  # the next start reuses it


def test_a_configured_token_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__ADMIN__TOKEN", "ma-cua-nguoi-cai-dat")
    settings = Settings(data_dir=tmp_path)
    access = admin_access(settings)
    assert access.env == {}  # the API reads the same variable itself
    assert not settings.admin_token_path.exists()
    assert not any("ma-cua-nguoi-cai-dat" in line for line in access.lines)


def test_accounts_mode_makes_no_token(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, auth={"mode": "accounts"})  # type: ignore[arg-type]
    access = admin_access(settings)
    assert access.env == {} and not settings.admin_token_path.exists()
    assert any("qa_service.users add" in line and "--role admin" in line for line in access.lines)


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_configured_token_is_refused_at_start(blank: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__ADMIN__TOKEN", blank)
    with pytest.raises(ValidationError, match="blank"):
        Settings()
