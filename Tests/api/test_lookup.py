"""GET /api/lookup/isbn/<isbn>/ against real sources: Zebra (Index Data's catalogue server) over
Z39.50 and SRU, loaded with MARC 21 records the tests write, and a local Open Library stand-in
(openlibrary.org itself cannot be reached from the test machine). The cache, the deadlines, the
order of ISBN_SOURCES, and what the server advertises."""
from __future__ import annotations

import time
from urllib.parse import quote

import pytest
import requests

from conftest import free_port, signup
from lookupharness import CYRILLIC, GOOD_OMENS, NO_YEAR, UNKNOWN_ISBN, OpenLibraryStub, Zebra

LOOKUP = "/api/lookup/isbn/{}/"

# What each record must come back as, whichever ISBN form is asked and whichever protocol.
EXPECTED = {
    "9780060853976": dict(
        title="Good omens", subtitle="the nice and accurate prophecies of Agnes Nutter, witch",
        authors=["Neil Gaiman", "Terry Pratchett"], author="Neil Gaiman, Terry Pratchett",
        publisher="HarperTorch", published_year=2006, pages=412, language="eng", edition="1st Harper Torch ed.",
        subjects=["Antichrist", "End of the world", "Good and evil"]),
    "9780441172719": dict(
        title="Dune", subtitle=None, authors=["Frank Herbert"], author="Frank Herbert", publisher="Ace Books",
        published_year=None, pages=535, language="eng", edition=None, subjects=["Science fiction"]),
    "9785900000015": dict(
        title="Мастер и Маргарита", subtitle="роман", authors=["Михаил Афанасьевич Булгаков"],
        author="Михаил Афанасьевич Булгаков", publisher="Художественная литература", published_year=1988,
        pages=384, language="rus", edition=None, subjects=["Москва"]),
}
# The forms a user or a scanner types: ISBN-13 with hyphens, ISBN-10 with spaces, lower-case x.
FORMS = {
    "9780060853976": ["978-0-06-085397-6", "0060853972"],
    "9780441172719": ["9780441172719", "0 441 17271 7"],
    "9785900000015": ["978-5-900000-01-5", "590000001x"],
}
assert [GOOD_OMENS.control, NO_YEAR.control, CYRILLIC.control] == ["zb0001", "zb0002", "zb0003"]


@pytest.fixture(scope="module")
def zebra(tmp_path_factory):
    z = Zebra(tmp_path_factory.mktemp("zebra")).start()
    yield z
    z.stop()


def closed_port_source() -> str:
    return f"z3950:127.0.0.1:{free_port()}/nothing"


def lookup(api, isbn):
    return api.get(LOOKUP.format(quote(isbn, safe="")))


@pytest.mark.parametrize("protocol", ["z3950", "sru"])
def test_every_record_by_isbn_10_and_13(make_server, zebra, protocol):
    source = zebra.z3950_source if protocol == "z3950" else zebra.sru_source
    # LOOKUP_CACHE_DAYS=0: every lookup goes to Zebra, so each form is really searched for.
    api = signup(make_server(env={"ISBN_SOURCES": source, "LOOKUP_CACHE_DAYS": "0"}))
    for isbn13, expected in EXPECTED.items():
        for form in FORMS[isbn13]:
            r = lookup(api, form)
            assert r.status_code == 200, (form, r.text)
            assert r.json() == dict(expected, isbn=isbn13, source=source), form


def test_unknown_isbn_is_404_and_the_miss_is_cached(make_server, tmp_path):
    own = Zebra(tmp_path / "zebra").start()
    try:
        api = signup(make_server(env={"ISBN_SOURCES": own.z3950_source}))
        r = lookup(api, UNKNOWN_ISBN)
        assert r.status_code == 404 and UNKNOWN_ISBN in r.json()["detail"], r.text
        own.stop()
        # A scanner repeating the ISBN does not ask the source again: the miss is remembered.
        r = lookup(api, UNKNOWN_ISBN)
        assert r.status_code == 404, r.text
    finally:
        own.stop()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_zebra_stopped_is_503_then_the_cached_answer_is_served(make_server, tmp_path, kind):
    own = Zebra(tmp_path / "zebra").start()
    try:
        srv = make_server(kind=kind, env={"ISBN_SOURCES": own.sru_source, "LOOKUP_TIMEOUT": "2"})
        api = signup(srv)
        first = lookup(api, "0060853972")
        assert first.status_code == 200 and first.json()["title"] == "Good omens", first.text
        own.stop()

        started = time.monotonic()
        r = lookup(api, "9780441172719")
        assert r.status_code == 503, r.text
        assert time.monotonic() - started < 4
        body = r.json()
        assert own.sru_source in body["detail"] and body["code"] == "lookup_unavailable"
        assert [m["source"] for m in body["messages"]] == [own.sru_source] and body["messages"][0]["message"]

        # The cached draft, by either form of the ISBN, while the source is down.
        for form in ("978-0-06-085397-6", "0060853972"):
            again = lookup(api, form)
            assert again.status_code == 200 and again.json() == first.json(), again.text
    finally:
        own.stop()


def test_bad_isbns_are_400_with_the_field_message_and_sign_in_is_required(make_server, zebra):
    srv = make_server(env={"ISBN_SOURCES": zebra.z3950_source})
    api = signup(srv)
    r = lookup(api, "0-441-17271-8")
    assert r.status_code == 400 and r.json() == {"isbn": ["This ISBN's check digit is wrong; check for a typo."]}
    r = lookup(api, "12345")
    assert r.status_code == 400 and r.json() == {"isbn": ["Enter an ISBN-10 or ISBN-13 (10 or 13 digits)."]}
    r = lookup(api, "97804411727ab")
    assert r.status_code == 400 and list(r.json()) == ["isbn"]
    r = requests.get(srv.url + LOOKUP.format("9780441172719"), timeout=10)
    assert r.status_code == 401


# --------------------------------------------------------------------------- Open Library

DUNE_OL = {
    "url": "https://openlibrary.org/books/OL22853304M/Dune",
    "key": "/books/OL22853304M",
    "title": "Dune",
    "authors": [{"url": "https://openlibrary.org/authors/OL79034A/Frank_Herbert", "name": "Frank Herbert"}],
    "number_of_pages": 535,
    "identifiers": {"isbn_10": ["0441172717"], "isbn_13": ["9780441172719"], "lccn": ["89140384"]},
    "classifications": {"lc_classifications": ["PS3558.E63 D8 1990"], "dewey_decimal_class": ["813/.54"]},
    "publishers": [{"name": "Ace Books"}],
    "publish_date": "September 1990",
    "subjects": [{"name": "Science fiction", "url": "https://openlibrary.org/subjects/science_fiction"},
                 {"name": "Dune (Imaginary place)", "url": "https://openlibrary.org/subjects/place:dune"}],
    "cover": {"small": "https://covers.openlibrary.org/b/id/1-S.jpg"},
}
OMENS_OL = {"title": "Good Omens", "subtitle": "The Nice and Accurate Prophecies of Agnes Nutter, Witch",
            "authors": [{"name": "Terry Pratchett"}, {"name": "Neil Gaiman"}], "publish_date": "2006"}


@pytest.fixture
def openlibrary():
    # Keyed the way Open Library keys them: Dune under its ISBN-10, Good Omens under its ISBN-13.
    stub = OpenLibraryStub({"0441172717": DUNE_OL, "9780060853976": OMENS_OL})
    yield stub
    stub.stop()


def test_open_library_books_api(make_server, openlibrary):
    api = signup(make_server(env={"ISBN_SOURCES": "openlibrary", "OPENLIBRARY_URL": openlibrary.url + "/"}))
    r = lookup(api, "978-0-441-17271-9")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "isbn": "9780441172719", "title": "Dune", "subtitle": None, "authors": ["Frank Herbert"],
        "author": "Frank Herbert", "publisher": "Ace Books", "published_year": 1990, "pages": 535,
        "language": None, "edition": None, "subjects": ["Science fiction", "Dune (Imaginary place)"],
        "source": "openlibrary"}
    r = lookup(api, "0060853972")
    assert r.status_code == 200 and r.json()["authors"] == ["Terry Pratchett", "Neil Gaiman"], r.text
    assert r.json()["subtitle"] == "The Nice and Accurate Prophecies of Agnes Nutter, Witch"
    assert lookup(api, UNKNOWN_ISBN).status_code == 404
    # One request per lookup, both ISBN forms in it, naming the application; a repeat is local.
    asked = len(openlibrary.requests)
    assert lookup(api, "9780441172719").status_code == 200 and len(openlibrary.requests) == asked
    assert "bibkeys=ISBN:9780441172719,ISBN:0441172717" in openlibrary.requests[0]
    assert all("book-server" in ua for ua in openlibrary.user_agents)


def test_open_library_slower_than_the_deadline_is_503_in_time(make_server, openlibrary):
    openlibrary.slow, openlibrary.delay = {"9785900000015"}, 5
    api = signup(make_server(env={"ISBN_SOURCES": "openlibrary", "OPENLIBRARY_URL": openlibrary.url,
                                  "LOOKUP_TIMEOUT": "1"}))
    started = time.monotonic()
    r = lookup(api, "9785900000015")
    elapsed = time.monotonic() - started
    assert r.status_code == 503, r.text
    assert elapsed < 3, f"answered after {elapsed:.1f}s with LOOKUP_TIMEOUT=1"
    assert "openlibrary" in r.json()["detail"] and r.json()["messages"][0]["source"] == "openlibrary"
    # The server stays responsive and answers the next lookup normally.
    assert lookup(api, "0441172717").status_code == 200


def test_sources_are_tried_in_order(make_server, zebra, openlibrary):
    dead = closed_port_source()
    env = {"ISBN_SOURCES": f"{dead}, openlibrary, {zebra.z3950_source}", "OPENLIBRARY_URL": openlibrary.url,
           "LOOKUP_TIMEOUT": "3"}
    api = signup(make_server(env=env))
    # The dead catalogue first, then Open Library, which knows Good Omens: Zebra is not asked.
    r = lookup(api, "9780060853976")
    assert r.status_code == 200 and r.json()["source"] == "openlibrary" and r.json()["title"] == "Good Omens"
    # Open Library does not know the Bulgakov: Zebra, third, does.
    r = lookup(api, "590000001X")
    assert r.status_code == 200 and r.json()["source"] == zebra.z3950_source, r.text
    assert r.json()["title"] == "Мастер и Маргарита"


def test_a_source_down_and_the_others_without_the_book_is_404_naming_it(make_server, zebra):
    dead = closed_port_source()
    api = signup(make_server(env={"ISBN_SOURCES": f"{dead},{zebra.z3950_source}"}))
    r = lookup(api, UNKNOWN_ISBN)
    assert r.status_code == 404 and dead in r.json()["detail"], r.text
    r = lookup(api, "590000001X")
    assert r.status_code == 200 and r.json()["source"] == zebra.z3950_source


def test_every_source_down_lists_each_with_its_reason(make_server):
    one, two = closed_port_source(), "sru:http://127.0.0.1:%d/books" % free_port()
    api = signup(make_server(env={"ISBN_SOURCES": f"{one},{two}"}))
    r = lookup(api, "9780441172719")
    assert r.status_code == 503, r.text
    assert [m["source"] for m in r.json()["messages"]] == [one, two]
    assert all(m["message"] for m in r.json()["messages"])


# --------------------------------------------------------------------------- configuration


def test_auth_config_advertises_lookup_and_an_empty_list_turns_it_off(make_server, zebra):
    on = make_server(env={"ISBN_SOURCES": zebra.z3950_source})
    assert requests.get(on.url + "/api/auth/config/", timeout=10).json()["isbn_lookup"] is True
    off = make_server(env={"ISBN_SOURCES": ""})
    assert requests.get(off.url + "/api/auth/config/", timeout=10).json()["isbn_lookup"] is False
    r = lookup(signup(off), "9780441172719")
    assert r.status_code == 404 and "ISBN_SOURCES" in r.json()["detail"]
    # Unset, ISBN_SOURCES means Open Library: lookup is on.
    default = make_server(env={"ISBN_SOURCES": None})
    assert requests.get(default.url + "/api/auth/config/", timeout=10).json()["isbn_lookup"] is True


@pytest.mark.parametrize("variable, value", [
    ("ISBN_SOURCES", "gopher:example.org"), ("ISBN_SOURCES", "z3950:example.org/LCDB"),
    ("LOOKUP_TIMEOUT", "soon"), ("LOOKUP_CACHE_DAYS", "-1"), ("OPENLIBRARY_URL", "ftp://example.org"),
])
def test_bad_lookup_settings_stop_the_server_naming_the_variable(make_server, variable, value):
    with pytest.raises(AssertionError, match=f"Configuration error: {variable}"):
        make_server(env={variable: value})


def test_titles_and_authors_of_255_characters_are_kept(make_server):
    api = signup(make_server(env={"ISBN_SOURCES": ""}))
    title, author = "T" * 200 + " — " + "é" * 52, "A" * 255
    assert len(title) == 255
    r = api.post("/api/books/", json={"title": title, "author": author, "published_year": 1990})
    assert r.status_code == 201 and (r.json()["title"], r.json()["author"]) == (title, author), r.text
    r = api.post("/api/books/", json={"title": title + "x", "author": author + "x", "published_year": 1990})
    assert r.status_code == 400 and r.json() == {
        "title": ["Ensure this field has no more than 255 characters."],
        "author": ["Ensure this field has no more than 255 characters."]}

