"""The server goes away while booktui runs and comes back: the list keeps its last rows (marked
stale) under one banner, retries by itself and recovers without a key; a form keeps what was typed."""
from conftest import STRONG_PASSWORD, signup
from tuiharness import login_with_cli, tui  # noqa: F401  (fixture)


def list_of(make_server, tui, *titles):
    """A fresh server, a librarian with `titles`, and booktui showing them: (server, api, pane)."""
    server = make_server()
    api = signup(server)
    for title in titles:
        assert api.post("/api/books/", json={"title": title, "author": "A", "published_year": 2001}).status_code == 201
    pane = tui(server, 100, 30)
    login_with_cli(pane, server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for(*titles, f"1–{len(titles)} of {len(titles)}")
    return server, api, pane


def test_list_and_form_ride_out_a_server_restart(make_server, tui):
    server, api, pane = list_of(make_server, tui, "Outage One", "Outage Two")

    server.stop()
    pane.keys("r")
    screen = pane.wait_for(f"Cannot reach {server.url}", "r retries now")
    assert "Outage One" in screen and "Outage Two" in screen, screen      # the last rows stay
    assert "(stale)" in screen
    assert screen.count("Cannot reach") == 1, screen                       # one banner, not two lines
    pane.wait_for("retrying in")

    # a form typed during the outage keeps everything when the save fails
    pane.keys("a")
    pane.wait_for("New book")
    pane.type("Typed Offline"); pane.keys("Tab")
    pane.type("B. Author"); pane.keys("Tab")
    pane.type("1999")
    pane.keys("C-s")
    pane.wait_for("your input is kept")
    assert "Typed Offline" in pane.screen()

    server.start()
    pane.keys("C-s")                                                       # the retry the message offers
    pane.wait_for("Saved “Typed Offline”.", "1–3 of 3", timeout=30)
    titles = sorted(b["title"] for b in api.get("/api/books/").json())
    assert titles == ["Outage One", "Outage Two", "Typed Offline"]


def test_the_list_recovers_by_itself_when_the_server_returns(make_server, tui):
    server, api, pane = list_of(make_server, tui, "Back Again")
    server.stop()
    pane.keys("r")
    pane.wait_for(f"Cannot reach {server.url}")
    # Changed behind booktui's back while it cannot see: the fresh rows prove the retry happened.
    server.start()
    assert api.post("/api/books/", json={"title": "Added Meanwhile", "author": "A", "published_year": 2002}).status_code == 201
    screen = pane.wait_for("Added Meanwhile", "1–2 of 2", absent=("Cannot reach",), timeout=45)
    assert "(stale)" not in screen


def test_searching_through_an_outage_keeps_every_letter_and_ctrl_l_retries(make_server, tui):
    server, api, pane = list_of(make_server, tui, "Rare Records", "Other Book")
    server.stop()
    pane.keys("r")
    pane.wait_for(f"Cannot reach {server.url}", "r retries now")

    # in the search box r is a letter: it is typed, and the banner names the key that retries here
    pane.keys("/")
    pane.type("rare r")
    screen = pane.wait_for("rare r", "Ctrl-L retries now", "Ctrl-L retry")
    assert "; r retries now" not in screen, screen

    server.start()
    pane.keys("C-l")
    screen = pane.wait_for("Rare Records", "1–1 of 1", absent=("Cannot reach", "Other Book"))
    assert "rare r" in screen, screen                                     # the search as typed
