"""The book list with many books, resizing, and the terminal left as it was found."""
import os
import re
import signal
import subprocess

import pytest

from conftest import BOOKTUI_BIN, STRONG_PASSWORD, signup, wait_until
from tuiharness import login_with_cli, seed_books, tui  # noqa: F401  (fixture)


def test_ten_thousand_books_open_fast_and_G_goes_to_the_end(sqlite_server, tui):
    # setup: an account with 10,000 books
    api = signup(sqlite_server)
    seed_books(sqlite_server, api, 10_000)
    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)

    def list_requests():
        return sqlite_server.log_text().count("GET /api/books/")

    # exercise + validate: the first screenful comes from the first page only
    before = list_requests()
    pane.run_booktui()
    pane.wait_for("1–26 of 10,000", "Book 00001", "Book 00026")

    # paging down across the first page boundary fetches the next page as it comes into view
    for _ in range(4):
        pane.keys("PageDown")
    pane.wait_for("105–130 of 10,000", "Book 00105", "Book 00130", absent=("…",))

    # G: straight to the end, without loading the 9,800 books in between
    pane.keys("G")
    screen = pane.wait_for("9,975–10,000 of 10,000", "Book 10000", "Book 09975", absent=("…",))
    assert "Book 00130" not in screen
    assert list_requests() - before <= 5, "pages were fetched that never came into view"
    pane.keys("g")
    pane.wait_for("1–26 of 10,000", "Book 00001")
    pane.keys("q")
    pane.wait_exit()


def test_resize_in_the_middle_of_the_list(sqlite_server, tui):
    api = signup(sqlite_server)
    seed_books(sqlite_server, api, 150)
    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for("1–26 of 150")
    pane.keys("PageDown", "PageDown")
    pane.wait_for("53–78 of 150", "Book 00053", "Book 00078")

    # smaller: fewer rows, narrower columns, the same place in the list
    pane.resize(80, 24)
    screen = pane.wait_for("53–72 of 150", "Book 00053", "Book 00072", absent=("Book 00078",))
    assert all(len(line) <= 80 for line in screen.split("\n"))
    assert "Title▲" in screen and "Year" in screen

    # too small: a clear message until it grows again
    pane.resize(70, 20)
    pane.wait_for("Terminal too small: 70x20", "at least 80x24")
    pane.keys("j")                                   # ignored while too small
    pane.resize(100, 30)
    pane.wait_for("Book 00053", "of 150", "Title▲", absent=("too small",))
    pane.keys("q")
    pane.wait_exit()


@pytest.mark.parametrize("how", ["C-c", "q", "SIGTERM", "SIGHUP", "SIGSEGV"])
def test_terminal_is_restored(sqlite_server, tui, how):
    pane = tui(sqlite_server, 100, 30)
    api = signup(sqlite_server)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui(record_stty=True)
    pane.wait_for("No books yet")
    if how in ("C-c", "q"):
        pane.keys(how)
    else:
        os.kill(pane.pid, getattr(signal, how))       # SIGSEGV stands in for a crash
    pane.wait_exit()
    status = pane.workdir / "exit-status"
    wait_until(lambda: status.exists() and status.read_text().strip(), 10, what="the exit status")
    # Ctrl-C is a key in raw mode, but booktui ends as if interrupted (130), as the shell expects.
    expected = 0 if how == "q" else 130 if how == "C-c" else 128 + getattr(signal, how)
    assert int(status.read_text()) == expected
    assert (pane.workdir / "stty-after").read_text() == (pane.workdir / "stty-before").read_text()
    pane.wait_for("READY$", absent=("No books yet",))     # the full-screen UI is gone


COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-7]|4[0-7]|38|48)(?:;[0-9]+)*m")


@pytest.mark.parametrize("how", ["default", "NO_COLOR", "--monochrome"])
def test_colours_only_when_wanted(sqlite_server, tui, how):
    pane = tui(sqlite_server, 100, 30, extra_env={"NO_COLOR": "1"} if how == "NO_COLOR" else None)
    pane.run_booktui(*(["--monochrome"] if how == "--monochrome" else []))
    pane.wait_for("Log in to", absent=("Esc cancels",))
    styled = pane.tmux("capture-pane", "-p", "-e", "-t", "main")
    if how == "default":
        assert COLOUR.search(styled), "no colours on a colour terminal"
    else:
        assert not COLOUR.search(styled), f"colours despite {how}"
        assert "\x1b[7m" in styled or ";7m" in styled or "\x1b[1;7m" in styled   # reverse video instead
    pane.keys("Escape")
    pane.wait_exit()


@pytest.mark.parametrize("how", ["SIGHUP", "SIGKILL"])
def test_a_book_being_typed_survives_the_terminal_going_away(sqlite_server, tui, how):
    api = signup(sqlite_server)
    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for("No books yet")
    pane.keys("a")
    pane.wait_for("New book")
    pane.type("Half-typed Title"); pane.keys("Tab")
    pane.type("Someone")
    draft = pane.config_dir / "draft-book.json"
    wait_until(lambda: draft.exists() and "Someone" in draft.read_text(), 10, what="the draft on disk")
    assert oct(draft.stat().st_mode & 0o777) == "0o600"

    # the SSH connection drops (SIGHUP), or worse
    os.kill(pane.pid, getattr(signal, how))
    pane.wait_exit()
    pane.wait_for("READY$")

    # the next start offers the draft; a goes on with it; saving clears it
    pane.run_booktui()
    pane.wait_for("You were typing “Half-typed Title” when booktui last stopped: a goes on with it.")
    pane.keys("a")
    pane.wait_for("Title Half-typed Title", "Author Someone")
    pane.keys("Tab", "Tab")
    pane.type("1999")
    pane.keys("C-s")
    pane.wait_for("Saved “Half-typed Title”.", "1–1 of 1")
    wait_until(lambda: not draft.exists(), 10, what="the draft to be removed")
    pane.keys("q")
    pane.wait_exit()


@pytest.mark.parametrize("term", ["dumb", "no-such-terminal"])
def test_a_terminal_that_cannot_do_full_screen_is_refused_in_one_line(sqlite_server, tui, term):
    pane = tui(sqlite_server, 100, 30)
    pane.shell(f"TERM={term} {BOOKTUI_BIN} 2> err.txt; echo $? > rc.txt")
    assert (pane.workdir / "rc.txt").read_text().strip() == "1"
    err = (pane.workdir / "err.txt").read_text()
    assert err.count("\n") == 1, err
    assert f"TERM={term}" in err and "TERM=xterm-256color" in err, err


def test_keys_right_after_a_sort_or_filter_are_not_dropped_and_every_sort_shows_its_direction(sqlite_server, tui):
    api = signup(sqlite_server)
    seed_books(sqlite_server, api, 300)
    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for("1–26 of 300")
    # One send: the reload that `s` starts is in flight when G arrives.
    pane.keys("s", "G")
    pane.wait_for("Author▲", "275–300 of 300")
    pane.keys("g")
    pane.wait_for("1–26 of 300")
    pane.keys("s", "s", "G")                     # year, then added: a sort with no column
    pane.wait_for("by added▲", "275–300 of 300")
    pane.keys("S")
    pane.wait_for("by added▼")
    pane.keys("f", "G")
    pane.wait_for("126–150 of 150", "f shows all books")   # the filter banner takes a row
    pane.keys("q")
    pane.wait_exit()


EMOJI_TITLES = [
    ("\U0001F469\u200D\U0001F4BB Coders at work", "Peter Seibel"),           # 👩‍💻 a ZWJ sequence
    ("\U0001F1EB\U0001F1F7 Le Petit Prince", "Antoine de Saint-Exupéry"),   # 🇫🇷 a flag
    ("\U0001F44D\U0001F3FD Thumbs up", "Skin Tone"),                        # 👍🏽 a skin-tone modifier
    ("\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466 Families", "Four Scalars"),
    ("\u2764\uFE0F Hearts", "Variation Selector"),                          # ❤️ VS16
    ("三体", "刘慈欣"),
]


def test_emoji_sequences_leave_no_trace_when_the_help_overlay_closes(sqlite_server, tui):
    # setup: titles whose clusters a terminal draws in fewer columns than their scalars add up to
    api = signup(sqlite_server)
    for title, author in EMOJI_TITLES:
        assert api.post("/api/books/", json={"title": title, "author": author, "published_year": 2000,
                                             "is_available": True}).status_code == 201
    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui()
    before = pane.wait_for("1–6 of 6", "Coders at work", "Hearts")
    rows = {author: next(line for line in before.splitlines() if title.split(" ", 1)[-1] in line)
            for title, author in EMOJI_TITLES}
    # every author starts in the same screen column, as tmux lays the row out
    starts = {tmux_column(pane, row, author) for author, row in rows.items()}
    assert len(starts) == 1, before

    # exercise: the help overlay covers the rows, then goes
    pane.keys("?")
    pane.wait_for("Keys")
    pane.keys("Escape")
    after = pane.wait_gone("Keys")

    # validate: the list is exactly as it was, no border left behind on any row
    assert after == before, f"before:\n{before}\nafter:\n{after}"
    assert not any("│" in row for row in rows.values()), after
    pane.keys("q")
    pane.wait_exit()


def tmux_column(pane, row: str, needle: str) -> int:
    """The screen column where `needle` starts on `row`, as the terminal placed it: the width of
    what precedes it measured by tmux itself (printed into a scratch pane, cursor position read)."""
    prefix = row[: row.index(needle)]
    probe = pane.workdir / "probe.txt"
    probe.write_text(prefix, encoding="utf-8")
    out = subprocess.run(
        ["tmux", "-L", pane.socket, "new-session", "-d", "-P", "-F", "#{pane_id}", "-x", "200", "-y", "2",
         f"cat {probe}; sleep 5"], capture_output=True, text=True, check=True).stdout.strip()
    try:
        wait_until(lambda: pane.tmux("display", "-p", "-t", out, "#{cursor_x}").strip() not in ("", "0"))
        return int(pane.tmux("display", "-p", "-t", out, "#{cursor_x}").strip())
    finally:
        subprocess.run(["tmux", "-L", pane.socket, "kill-session", "-t", out], capture_output=True)
