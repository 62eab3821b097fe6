"""The accounts of `QA__AUTH__MODE=accounts`, from the command line (the service need not run):

    python -m qa_service.users add NAME --role admin|reader   # the password is asked for (or read from QA_PASSWORD)
    python -m qa_service.users list
    python -m qa_service.users remove NAME                    # its sessions end with it
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime

from qa_service.components.users import ROLES, Role, UnknownUser, UserStore
from qa_service.settings import get_settings

PASSWORD_ENV = "QA_PASSWORD"  # for scripts: a password that is not typed


def _store() -> UserStore:
    settings = get_settings()
    assert settings.auth.users_path is not None  # filled in by the Settings validator
    return UserStore(settings.auth.users_path, settings.auth.session_hours, settings.auth.max_sessions)


def _password() -> str:
    sent = os.environ.get(PASSWORD_ENV)
    if sent:
        return sent
    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại / again: "):
        raise ValueError("the two passwords differ")
    return first


def _add(name: str, role: Role) -> str:
    _store().add(name, role, _password())
    return f"added {name} ({role})"


def _list() -> str:
    rows = [f"{u.name}\t{u.role}\t{datetime.fromtimestamp(u.created):%Y-%m-%d %H:%M}" for u in _store().users()]
    return "\n".join(rows) or "(no users)"


def _remove(name: str) -> str:
    _store().remove(name)
    return f"removed {name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa_service.users", description="accounts of QA__AUTH__MODE=accounts")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="a new user (password asked for, or read from QA_PASSWORD)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    commands.add_parser("list", help="the users and their roles")
    remove = commands.add_parser("remove", help="a user and its sessions")
    remove.add_argument("name")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            print(_add(args.name, args.role))
        elif args.command == "list":
            print(_list())
        else:
            print(_remove(args.name))
    except UnknownUser as exc:
        print(f"no user {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
