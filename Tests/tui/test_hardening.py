"""Issue 13, booktui: data cannot drive the terminal, the password is never echoed, and the exit
status tells how booktui ended. The real booktui in tmux against a real server."""
import os
import shlex
import signal
import sqlite3

import pytest

from conftest import BOOKTUI_BIN, STRONG_PASSWORD, signup, wait_until
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
