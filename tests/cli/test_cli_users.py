"""`phuxanh users ...` and the checks `phuxanh serve` makes before serving."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from phuxanh.cli import EXIT_CONFIG, EXIT_ERROR, main
from phuxanh.config import load_config
from phuxanh.users import UserStore

PASSWORD = "mat-khau-dai-du"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_add_list_disable_enable() -> None:
    added = run("users", "add", "Lan", "--role", "reviewer", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "added lan (reviewer)" in added.output
    press = run("users", "add", "bao", "--role", "press", "--outlet", "vnexpress",
                "--outlet", "tuoitre", "--password-stdin", stdin=PASSWORD + "\n")
    assert "added bao (press: tuoitre, vnexpress)" in press.output
    listed = run("users", "list").output.splitlines()
    assert [line.split()[:3] for line in listed] == [
        ["bao", "press", "active"], ["lan", "reviewer", "active"]]
    assert "last login: never" in listed[0]

    assert run("users", "disable", "lan").exit_code == 0
    assert "disabled" in run("users", "list").output
    assert run("users", "enable", "lan").exit_code == 0
    users = UserStore.for_config(load_config())
    assert users.authenticate("lan", PASSWORD).role == "reviewer"
    assert PASSWORD not in (users.path.read_bytes().decode("latin-1"))  # only the hash


def test_password_from_the_prompt_with_confirmation() -> None:
    result = run("users", "add", "minh", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    mismatch = run("users", "add", "hoa", "--role", "viewer",
                   stdin=f"{PASSWORD}\nkhac-hoan-toan\n{PASSWORD}\n{PASSWORD}\n")
    assert "do not match" in mismatch.output


def test_errors_are_one_line() -> None:
    short = run("users", "add", "lan", "--role", "viewer", "--password-stdin", stdin="ngan\n")
    assert short.exit_code == EXIT_ERROR
    assert short.output.strip() == (
        "phuxanh: error: password too short: at least 10 characters")
    run("users", "add", "lan", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    again = run("users", "add", "lan", "--role", "viewer", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert again.output.strip() == "phuxanh: error: user 'lan' already exists"
    missing = run("users", "disable", "khong-ai")
    assert missing.exit_code == EXIT_ERROR and "no user 'khong-ai'" in missing.output
    outlet = run("users", "add", "bao", "--role", "press", "--outlet", "khong-co",
                 "--password-stdin", stdin=PASSWORD + "\n")
    assert outlet.exit_code == EXIT_CONFIG and "no source with key 'khong-co'" in outlet.output
    role = run("users", "add", "x1", "--role", "root")
    assert role.exit_code == 2 and "root" in role.output


def test_passwd_resets_the_password() -> None:
    run("users", "add", "lan", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    result = run("users", "passwd", "lan", "--password-stdin", stdin="mat-khau-moi-123\n")
    assert result.exit_code == 0, result.output
    UserStore.for_config(load_config()).authenticate("lan", "mat-khau-moi-123")


def test_serve_needs_a_secret_key_then_a_user(monkeypatch: pytest.MonkeyPatch) -> None:
    no_key = run("serve")
    assert no_key.exit_code == EXIT_CONFIG
    assert "PHUXANH_SECRET_KEY is not set" in no_key.output
    assert len(no_key.output.strip().splitlines()) == 1
    assert "Dashboard:" not in no_key.output
    monkeypatch.setenv("PHUXANH_SECRET_KEY", "k" * 32)
    no_user = run("serve")
    assert no_user.exit_code == EXIT_CONFIG
    assert "no dashboard users" in no_user.output
    assert "phuxanh users add NAME --role admin" in no_user.output


def test_demo_login_is_created_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from phuxanh import jobs

    config = load_config()
    lines: list[str] = []
    password = jobs.ensure_demo_login(config, lines.append)
    assert password and f"Đăng nhập: demo / {password}" in lines
    assert os.environ["PHUXANH_SECRET_KEY"]  # a temporary key for this process
    assert UserStore.for_config(config).authenticate("demo", password).role == "admin"
    lines.clear()
    assert jobs.ensure_demo_login(config, lines.append) is None
    assert not any(password in line for line in lines)  # printed once only
    jobs.check_serve_ready(config)  # the demo can serve
