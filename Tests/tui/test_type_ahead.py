"""Keys typed while a save is in flight, through a slow link and at full speed: every key lands in
the form it was typed for, and every field of every book reaches the server as typed."""
import time
from types import SimpleNamespace

import pytest

from conftest import STRONG_PASSWORD, signup
from slowlink import SlowLink
from tuiharness import login_with_cli, tui  # noqa: F401  (fixture)

BOOKS = [
    ("Slow Link One", "Ann Author", "1991"),
    ("Slow Link Two", "Bob Writer", "1992"),
    ("Slow Link Three", "Cy Scribe", "1993"),
]


def keystrokes(books):
    """What a cataloguer types for each book: title Tab author Tab year, then Ctrl-N (save and next);
    the last book ends with Ctrl-S (save and close). As (kind, value): literal text or a key name."""
    out = []
    for i, (title, author, year) in enumerate(books):
        out += [("text", title), ("key", "Tab"), ("text", author), ("key", "Tab"), ("text", year)]
        out.append(("key", "C-n" if i < len(books) - 1 else "C-s"))
    return out


@pytest.mark.parametrize("pace", ["10-keys-a-second", "burst"])
def test_books_typed_ahead_of_a_slow_server_are_stored_as_typed(sqlite_server, tui, pace):
    api = signup(sqlite_server)
    link = SlowLink(sqlite_server.port, delay=0.3)       # every request waits 300 ms on the way
    try:
        pane = tui(SimpleNamespace(url=link.url))
        login_with_cli(pane, SimpleNamespace(url=link.url), api, STRONG_PASSWORD)
        pane.run_booktui()
        pane.wait_for("No books yet")
        pane.keys("a")
        pane.wait_for("New book")
        if pace == "burst":
            # As fast as tmux can send them, one call after another (a scanner's pace or faster).
            for kind, value in keystrokes(BOOKS):
                (pane.type if kind == "text" else pane.keys)(value)
        else:
            for kind, value in keystrokes(BOOKS):
                for ch in (value if kind == "text" else [value]):
                    (pane.type if kind == "text" else pane.keys)(ch)
                    time.sleep(0.1)                    # a typist's pace, not a wait for the screen
        pane.wait_for("1–3 of 3", "Slow Link Three", timeout=60)
    finally:
        link.close()
    stored = sorted((b["title"], b["author"], str(b["published_year"])) for b in api.get("/api/books/").json())
    assert stored == sorted(BOOKS)
