"""A librarian's first session, end to end in a real terminal against a real server:
register → activate with the mailed link → log in → add three books with Ctrl-N → search →
sort → edit → delete → edit the profile → log out. At 100x30 and at the 80x24 minimum."""
import json

import pytest
import requests

from conftest import STRONG_PASSWORD, mail_link, unique_name
from tuiharness import column_of, tui  # noqa: F401  (fixture)

BOOKS = [
    ("Dune", "Frank Herbert", "1965", "0441172717"),
    ("三体 The Three-Body Problem", "刘慈欣", "2008", "9787536692930"),
    ("Le Petit Prince", "Antoine de Saint-Exupéry", "1943", ""),
]


def list_rows(screen: str, titles) -> dict[str, str]:
    """The table line of each title that is visible (not the message or footer lines)."""
    out = {}
    for line in screen.rstrip("\n").split("\n")[2:-2]:
        for t in titles:
            if t in line:
                out[t] = line
    return out


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_first_session(sqlite_server, tui, size):
    server = sqlite_server
    pane = tui(server, *size)
    user = unique_name("lib")
    address = f"{user}@example.org"

    # setup: start booktui; the server decides that registration is offered
    pane.run_booktui()
    pane.wait_for("Log in to " + server.url, "Ctrl-R  Create an account", absent=("not offered", "Contacting"))

    # register
    pane.keys("C-r")
    pane.wait_for("Create an account on")
    pane.type(user); pane.keys("Tab")
    pane.type(address); pane.keys("Tab")
    pane.type(STRONG_PASSWORD); pane.keys("Tab")
    pane.type(STRONG_PASSWORD + "x")
    pane.wait_for("does not match")          # checked while typing
    pane.keys("BSpace")
    pane.wait_gone("does not match")
    pane.keys("Enter")
    pane.wait_for("Check your mail", f"We sent an activation link to {address}")
    assert STRONG_PASSWORD not in pane.screen()

    # activate with the link from the mailbox, pasted as an SSH user would
    link = mail_link(server.mailbox.wait_for(address, "Activate"), "activate")
    pane.type(link)
    pane.keys("Enter")
    pane.wait_for("Account activated. Log in with your password.")

    # log in: the username is filled in, the cursor waits in the password field
    screen = pane.wait_for(user)
    pane.type(STRONG_PASSWORD)
    assert STRONG_PASSWORD not in pane.screen(), "password shown on screen"
    pane.keys("Enter")
    screen = pane.wait_for("No books yet", f"{user} (librarian)", "0 of 0")

    # add three books with Ctrl-N, the way a cataloguer works
    pane.keys("a")
    pane.wait_for("New book")
    for title, author, year, isbn in BOOKS:
        pane.type(title); pane.keys("Tab")
        pane.type(author); pane.keys("Tab")
        pane.type(year); pane.keys("Tab")
        pane.keys("Space"); pane.keys("Tab")     # available
        if isbn:
            pane.type(isbn)
        pane.keys("C-n")
        pane.wait_for(f"Saved “{title}”. Next book:")
    pane.keys("Escape")                             # the fresh form is unchanged: no question
    screen = pane.wait_for("1–3 of 3", "Title▲")
    rows = list_rows(screen, [b[0] for b in BOOKS])
    assert len(rows) == 3, screen
    assert "9780441172719" in rows["Dune"], "ISBN-10 is shown as the server's ISBN-13"
    # wide (CJK) and combining/accented text stays in its columns
    years = {column_of(rows[t], y) for t, _, y, _ in BOOKS}
    assert len(years) == 1, f"year column misaligned:\n{screen}"
    authors = {column_of(rows[t], a[:3]) for t, a, _, _ in BOOKS}
    assert len(authors) == 1, f"author column misaligned:\n{screen}"

    # search on the server, as you type
    pane.keys("/")
    pane.type("petit")
    screen = pane.wait_for("1–1 of 1", "Le Petit Prince", absent=("Dune",))
    pane.keys("Enter")
    pane.wait_for("Search: “petit”")
    pane.keys("/")
    pane.wait_for("Search: petit")
    pane.keys("Escape")
    screen = pane.wait_for("1–3 of 3", "Dune", "Le Petit Prince")

    # sort: by author, then reversed
    pane.keys("s")
    screen = pane.wait_for("Author▲", "Sorted by author", "1–3 of 3")      # rows reloaded
    order = [l for l in screen.split("\n") if any(b[0] in l for b in BOOKS)]
    assert [next(b[0] for b in BOOKS if b[0] in l) for l in order] == ["Le Petit Prince", "Dune", "三体 The Three-Body Problem"], screen
    pane.keys("S")
    screen = pane.wait_for("Author▼", "descending", "1–3 of 3")
    order = [l for l in screen.split("\n") if any(b[0] in l for b in BOOKS)]
    assert "刘慈欣" in order[0] and "Saint-E" in order[2], screen

    # edit the second row (Frank Herbert): append to the title with Ctrl-E
    pane.keys("j")
    pane.keys("e")
    pane.wait_for("Editing “Dune”")
    pane.keys("C-e")
    pane.type(" Messiah")
    pane.keys("Tab", "Tab")
    pane.keys("C-u")                                 # year cleared: marked when saving
    pane.type("19x")
    pane.wait_for("a year, like 1999")
    pane.keys("BSpace")
    pane.type("69")
    pane.keys("C-s")
    screen = pane.wait_for("Saved “Dune Messiah”.", "Dune Messiah")
    assert "1969" in list_rows(screen, ["Dune Messiah"])["Dune Messiah"]

    # delete the first row after a confirmation
    pane.keys("g", "d")
    pane.wait_for("Delete “三体 The Three-Body Problem” by 刘慈欣?", "y = yes")
    pane.keys("y")
    screen = pane.wait_for("Deleted “三体 The Three-Body Problem”.", "1–2 of 2")
    assert "刘慈欣" not in screen

    # the profile: edit the first name
    pane.keys("p")
    pane.wait_for(f"Profile of {user}", address, "librarian")
    pane.wait_for("Books 2")
    pane.keys("e")
    pane.wait_for("Edit your details")
    pane.keys("Tab")
    pane.type("Ada")
    pane.keys("C-s")
    pane.wait_for("Profile saved.", "First name Ada")
    me = server.api().login(user).get("/api/profile/").json()
    assert me["first_name"] == "Ada"

    # log out: the refresh token is revoked on the server and gone from disk
    tokens = json.loads((pane.config_dir / "tokens.json").read_text())["servers"][server.url]
    pane.keys("L")
    pane.wait_for("Log out of")
    pane.keys("y")
    pane.wait_for("Logged out. The session was revoked on the server.", "not signed in")
    stored = json.loads((pane.config_dir / "tokens.json").read_text())["servers"]
    assert server.url not in stored
    r = requests.post(server.url + "/api/token/refresh/", json={"refresh": tokens["refresh"]}, timeout=10)
    assert r.status_code == 401

    # quit from the login screen (once nothing is in flight: Esc would cancel that first)
    pane.wait_gone("Esc cancels")
    pane.keys("Escape")
    pane.wait_exit()
    pane.wait_for("READY$")
