"""Issue 13, booktui: data cannot drive the terminal, the password is never echoed, and the exit
status tells how booktui ended. The real booktui in tmux against a real server."""
import os
import signal
import sqlite3

import pytest

from conftest import STRONG_PASSWORD, signup, wait_until
from tuiharness import booktui_cli, login_with_cli, tui  # noqa: F401  (fixture)

REPLACEMENT = "\ufffd"


def test_control_characters_in_stored_titles_are_shown_as_placeholders(sqlite_server, tui):
    # The seed's server stores whatever it is sent; ours refuses it, so the rows are written
    # straight into the server's SQLite file, as a server that had accepted them would serve them.
    api = signup(sqlite_server)
    ids = [api.post("/api/books/", json={"title": f"Placeholder {i}", "author": "Someone", "published_year": 2000}).json()["id"]
           for i in range(2)]
    db = sqlite3.connect(sqlite_server.database_url[len("sqlite:"):], timeout=30)
    with db:
        db.execute("UPDATE books SET title = ?, author = ? WHERE id = ?",
                   ("Evil\x1b[2J\x1b[31mRed\x1b]0;pwned\x07End", "Csi\u009b7mX", ids[0]))
        db.execute("UPDATE books SET title = ? WHERE id = ?", ("abc\u202edef\u2066g", ids[1]))
    db.close()

    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui()
    r = REPLACEMENT
    screen = pane.wait_for("1–2 of 2", f"Evil{r}[2J{r}[31mRed{r}]0;pwned{r}End", f"Csi{r}7mX", f"abc{r}def{r}g")
    styled = pane.tmux("capture-pane", "-p", "-e", "-t", "main")
    assert "\x1b[2J" not in styled and "pwned\x07" not in styled
    # Nothing was cleared or recoloured: the rest of the list is still drawn around the rows.
    assert "Title" in screen and "booktui" in screen
    pane.keys("q")
    pane.wait_exit()


def run_recorded(pane, *args: str):
    pane.run_booktui(*args, record_stty=True, survive_interrupt=True)


def exit_status(pane) -> int:
    status = pane.workdir / "exit-status"
    wait_until(lambda: status.exists() and status.read_text().strip(), 15, what="the exit status")
    return int(status.read_text())


def test_login_at_a_terminal_prompts_without_echo(sqlite_server, tui):
    api = signup(sqlite_server)
    pane = tui(sqlite_server, 100, 30)
    run_recorded(pane, "login", "--username", api.username)
    pane.wait_for("Password:")
    pane.type(STRONG_PASSWORD)
    pane.keys("Enter")
    pane.wait_for(f"Logged in to {sqlite_server.url} as {api.username}")
    assert exit_status(pane) == 0
    assert STRONG_PASSWORD not in pane.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "main")
    assert (pane.workdir / "stty-after").read_text() == (pane.workdir / "stty-before").read_text()


def test_ctrl_c_at_the_password_prompt_leaves_echo_on(sqlite_server, tui):
    pane = tui(sqlite_server, 100, 30)
    run_recorded(pane, "login", "--username", "someone")
    pane.wait_for("Password:")
    pane.type("half-typed-secret")
    pane.keys("C-c")
    assert exit_status(pane) == 130
    after = (pane.workdir / "stty-after").read_text()
    assert " echo " in f" {after.replace(chr(10), ' ')} ", after      # echo on, not -echo
    assert after == (pane.workdir / "stty-before").read_text()
    assert "half-typed-secret" not in pane.screen()
    # And the shell echoes again what is typed.
    pane.type("echo visible-again")
    pane.keys("Enter")
    pane.wait_for("visible-again")


def test_password_from_a_pipe_is_read_without_a_prompt(sqlite_server, tmp_path):
    api = signup(sqlite_server)
    config = tmp_path / "config"
    config.mkdir(mode=0o700)
    r = booktui_cli(config, "login", "--username", api.username, stdin=STRONG_PASSWORD + "\n", server=sqlite_server)
    assert r.returncode == 0, r.stderr
    assert "Password:" not in r.stdout + r.stderr and STRONG_PASSWORD not in r.stdout + r.stderr


@pytest.mark.parametrize("how,status", [("q", 0), ("C-c", 130), ("SIGTERM", 143), ("SIGINT", 130)])
def test_exit_status_tells_how_booktui_ended(sqlite_server, tui, how, status):
    api = signup(sqlite_server)
    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    run_recorded(pane)
    pane.wait_for("No books yet")
    if how.startswith("SIG"):
        os.kill(pane.pid, getattr(signal, how))
    else:
        pane.keys(how)
    pane.wait_exit()
    assert exit_status(pane) == status
    assert (pane.workdir / "stty-after").read_text() == (pane.workdir / "stty-before").read_text()
    pane.wait_for("READY$", absent=("No books yet",))
