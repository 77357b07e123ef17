"""Copy cataloguing in the real booktui against a real book-server whose Open Library is a local
stand-in (openlibrary.org cannot be reached from here): an ISBN fills the form, a copy already owned
is caught, and scan mode takes ISBNs at a barcode scanner's pace without losing one."""
import sys
from pathlib import Path

import pytest

from conftest import STRONG_PASSWORD, signup
from tuiharness import login_with_cli, tui  # noqa: F401  (fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from lookupharness import OpenLibraryStub  # noqa: E402


def isbn13(n: int) -> str:
    """A valid ISBN-13 in the 979-10 range, numbered n."""
    body = f"97910{n:07d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


DUNE = {"title": "Dune", "authors": [{"name": "Frank Herbert"}], "publishers": [{"name": "Ace Books"}],
        "publish_date": "September 1990", "number_of_pages": 535}


@pytest.fixture
def lookup_server(make_server):
    def make(books):
        stub = OpenLibraryStub(books)
        server = make_server(env={"ISBN_SOURCES": "openlibrary", "OPENLIBRARY_URL": stub.url, "LOOKUP_TIMEOUT": "3"})
        return server, stub
    return make


def open_list(tui, server, api):
    pane = tui(server, 100, 30)
    login_with_cli(pane, server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for("No books yet")
    return pane


def test_an_isbn_fills_the_form_and_a_copy_already_owned_is_caught(lookup_server, tui):
    server, stub = lookup_server({"0441172717": DUNE})
    try:
        api = signup(server)
        pane = open_list(tui, server, api)
        pane.keys("a")
        screen = pane.wait_for("New book")
        rows = [line.strip() for line in screen.splitlines()]
        labels = [r.split()[0] for r in rows if r.split() and r.split()[0] in ("ISBN", "Title", "Author")]
        assert labels[:2] == ["ISBN", "Title"], screen            # the form starts at ISBN

        # The ISBN-10 printed on the book, as typed.
        pane.type("0-441-17271-7")
        pane.keys("Enter")
        screen = pane.wait_for("Found in openlibrary", "Frank Herbert", "[ Save ]")
        assert "from openlibrary" in screen and "1990" in screen and "Ace Books" in screen, screen
        pane.keys("Enter")                                        # Save: and the next book's form
        pane.wait_for("Saved “Dune”. Next book:")
        [book] = api.get("/api/books/").json()
        assert (book["title"], book["author"], book["published_year"], book["isbn"], book.get("publisher")) == \
            ("Dune", "Frank Herbert", 1990, "9780441172719", "Ace Books")

        # The same book again, as ISBN-13: the form says it is owned; Esc skips it.
        pane.type("978-0-441-17271-9")
        pane.keys("Enter")
        pane.wait_for("You have this: “Dune”, added ")
        pane.keys("Escape")
        screen = pane.wait_for("Skipped: you already have “Dune”.")
        assert "Frank Herbert" not in screen, screen              # a fresh form, nothing filled
        assert len(api.get("/api/books/").json()) == 1
    finally:
        stub.stop()


def test_scan_mode_takes_twenty_isbns_at_scanner_speed(lookup_server, tui):
    isbns = [isbn13(i) for i in range(1, 21)]
    unknown, no_year = isbns[6], isbns[13]
    books = {i: {"title": f"Scanned {n:02d}", "authors": [{"name": f"Author {n:02d}"}], "publish_date": str(1950 + n)}
             for n, i in enumerate(isbns, 1) if i not in (unknown, no_year)}
    books[no_year] = {"title": "Undated Book", "authors": [{"name": "Nobody"}]}
    server, stub = lookup_server(books)
    try:
        api = signup(server)
        pane = open_list(tui, server, api)
        pane.keys("i")
        pane.wait_for("Scan ISBNs")
        # What a scanner does: the digits and Enter, one book after another, without waiting.
        for isbn in isbns:
            pane.type(isbn)
            pane.keys("Enter")
        pane.wait_for("18 saved · 2 to review", timeout=60)
        stored = sorted((b["isbn"], b["title"], b["author"], b["published_year"]) for b in api.get("/api/books/").json())
        expected = sorted((i, b["title"], b["authors"][0]["name"], int(b["publish_date"]))
                          for i, b in books.items() if i != no_year)
        assert stored == expected

        # Esc: the two that need a person open as forms, one after the other.
        pane.keys("Escape")
        screen = pane.wait_for("To review: ", "(1 more after this)")
        assert unknown in screen and "not found" in screen, screen
        pane.type("Typed Title")
        pane.keys("Tab")
        pane.type("Typed Author")
        pane.keys("Tab")
        pane.type("1999")
        pane.keys("C-s")
        screen = pane.wait_for("Undated Book", "To review: ")
        assert no_year in screen and "more after this" not in screen, screen
        assert ("Typed Title", "Typed Author", 1999) in {
            (b["title"], b["author"], b["published_year"]) for b in api.get("/api/books/").json() if b["isbn"] == unknown}
    finally:
        stub.stop()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_search_finds_the_isbn_10_on_the_cover_and_ignores_accents(make_server, tui, kind):
    server = make_server(kind=kind)
    api = signup(server)
    for title, author, year, isbn in [("Dune", "Frank Herbert", 1990, "9780441172719"),
                                      ("Zazie dans le métro", "Raymond Queneau", 1959, None),
                                      ("Wuthering Heights", "Emily Brontë", 1847, None)]:
        body = {"title": title, "author": author, "published_year": year} | ({"isbn": isbn} if isbn else {})
        assert api.post("/api/books/", json=body).status_code == 201
    pane = tui(server, 100, 30)
    login_with_cli(pane, server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for("1–3 of 3")
    for typed, found in [("0-441-17271-7", "Dune"), ("METRO", "Zazie dans le métro"), ("bronte", "Wuthering Heights")]:
        pane.keys("/")
        pane.type(typed)
        others = tuple(t for t in ("Dune", "Zazie", "Wuthering") if not found.startswith(t))
        pane.wait_for("1–1 of 1", found, absent=others)
        pane.keys("Escape")
        pane.wait_for("1–3 of 3")
