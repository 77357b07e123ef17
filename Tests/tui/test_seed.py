"""booktui against the seed's own backend (Django 4.2 + DRF + simplejwt under gunicorn, see
seedharness.py): everything the seed keeps works, and what it lacks is not offered or says where
to go instead."""
import time

from conftest import STRONG_PASSWORD
from seedharness import seed_server  # noqa: F401  (fixture)
from tuiharness import booktui_cli, login_with_cli, tui  # noqa: F401  (fixture)


def test_books_and_profile_on_the_seed_with_nothing_it_does_not_keep(seed_server, tui):
    seed = seed_server(access_lifetime=20)
    api = seed.user()
    pane = tui(seed, 100, 30)
    login_with_cli(pane, seed, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for("No books yet")

    # The form has the fields the seed keeps, and only those.
    pane.keys("a")
    screen = pane.wait_for("New book", "Available")
    for unkept in ("ISBN", "Publisher", "Pages", "Notes"):
        assert unkept not in screen, screen
    pane.type("Dune")
    pane.keys("Tab")
    pane.type("Frank Herbert")
    pane.keys("Tab")
    pane.type("1965")
    pane.keys("Tab")                      # Available, then round to Title: nothing lands elsewhere
    pane.keys("Space")
    pane.keys("C-s")
    pane.wait_for("Saved “Dune”.", "1–1 of 1")
    [book] = api.get("/api/books/").json()
    assert (book["title"], book["author"], book["published_year"], book["is_available"]) == \
        ("Dune", "Frank Herbert", 1965, True)

    # Profile: dates as people read them; no password change offered, and `c` says where instead.
    pane.keys("p")
    screen = pane.wait_for(f"Profile of {api.username}", "Last login")
    assert "T" not in screen.split("Joined")[1].split("\n")[0].strip().replace("Dec", ""), screen   # not ISO
    assert "change password" not in screen, screen
    pane.keys("c")
    pane.wait_for(f"This server changes passwords on its web site: {seed.url}/password_reset/")
    pane.keys("?")
    screen = pane.wait_for("Keys")
    assert "change password" not in screen, screen
    pane.keys("Escape")

    # The access token lives 20 s: past it, booktui refreshes by itself.
    time.sleep(21)
    pane.keys("q")
    pane.keys("r")
    pane.wait_for("1–1 of 1", "Dune", absent=("Log in to",))


def test_register_and_forgot_password_show_the_seed_web_pages(seed_server, tui):
    seed = seed_server()
    pane = tui(seed, 100, 30)
    pane.run_booktui()
    screen = pane.wait_for(f"Log in to {seed.url}", "Ctrl-R  Create an account (on the server's web site)",
                           "Ctrl-F  Forgot password (on the server's web site)")
    pane.keys("C-r")
    screen = pane.wait_for(f"{seed.url}/register/")
    assert "c copies" in screen, screen
    pane.keys("Escape")
    pane.wait_for(f"Log in to {seed.url}")
    pane.keys("C-f")
    pane.wait_for(f"{seed.url}/password_reset/")


def test_login_with_sso_on_the_seed_says_only_that_it_has_none(seed_server, tmp_path):
    seed = seed_server()
    r = booktui_cli(tmp_path, "login", "--sso", server=seed)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "single sign-on" in out and "device" not in out.lower(), out
