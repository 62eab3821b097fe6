"""The login page of accounts mode, driven by AppTest against a real service with `QA__AUTH__MODE=accounts`: nothing
but the form before a login, a wrong password says so, a right one opens the pages with the user in the sidebar, an
admin user needs no admin token (a reader is told to sign in as one), and logout comes back to the form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_service.components.users import UserStore
from tests.fixtures.net import serve
from tests.fixtures.wire import small_components
from ui.login import SESSION
from ui.strings import S

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


@pytest.fixture(scope="module")
def accounts_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from qa_service.app import create_app

    components = small_components(tmp_path_factory.mktemp("login"), auth={"mode": "accounts"})
    assert components.settings.auth.users_path is not None
    store = UserStore(components.settings.auth.users_path)
    store.add("lan", "admin", "mat-khau-quan-tri")
    store.add("minh", "reader", "mat-khau-doc")
    store.close()
    yield from serve(create_app(components.settings, components))


def _open(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("QA__API_URL", url)
    return AppTest.from_file(APP, default_timeout=60).run()


def _log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    return next(b for b in at.button if b.label == S["login_submit"]).click().run()


def test_only_the_login_form_shows_before_a_login(accounts_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _open(accounts_api, monkeypatch)
    assert not at.exception
    assert [t.value for t in at.title] == [S["login_title"]]
    assert [t.label for t in at.text_input] == [S["login_name"], S["login_password"]]
    assert not at.sidebar.radio  # no page to choose yet


def test_a_wrong_password_is_said_and_keeps_the_form(accounts_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _log_in(_open(accounts_api, monkeypatch), "minh", "doan-mo")
    assert [e.value for e in at.error] == [S["login_failed"]]
    assert SESSION not in at.session_state and not at.sidebar.radio


def test_a_login_opens_the_pages_and_logout_closes_them(accounts_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _log_in(_open(accounts_api, monkeypatch), "minh", "mat-khau-doc")
    assert not at.exception and not at.error
    assert at.sidebar.radio and S["login_title"] not in [t.value for t in at.title]
    assert "minh" in " ".join(m.value for m in at.sidebar.markdown)
    token = at.session_state[SESSION]["token"]
    assert token and token not in str(at.query_params)  # kept in the session, never in the URL
    at.sidebar.button(key="logout").click().run()
    assert SESSION not in at.session_state
    assert [t.value for t in at.title] == [S["login_title"]]


def test_an_admin_user_needs_no_admin_token(accounts_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _log_in(_open(accounts_api, monkeypatch), "lan", "mat-khau-quan-tri")
    at.sidebar.radio[0].set_value(S["page_admin"]).run()
    assert not at.exception
    assert S["admin_as_user"] in " ".join(c.value for c in at.caption)
    assert S["admin_token"] not in [t.label for t in at.text_input]
    assert "Cần mã quản trị để xem" not in " ".join(c.value for c in at.caption)  # the previous versions are listed


def test_a_reader_on_the_admin_page_is_told_to_sign_in_as_an_admin(accounts_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _log_in(_open(accounts_api, monkeypatch), "minh", "mat-khau-doc")
    at.sidebar.radio[0].set_value(S["page_admin"]).run()
    captions = " ".join(c.value for c in at.caption)
    assert not at.exception and S["admin_reader_help"] in captions
    assert S["admin_token_help"] not in captions  # in accounts mode `make run` prints no token
