"""Issue 13, server behaviour: what a hostile user tried against logs, headers, stored text and
the command line, and what each attempt now gets. Every test runs the real `book-server`."""
import re
import subprocess
import time

import pytest
import requests

from conftest import BOOK_SERVER_BIN, STRONG_PASSWORD, Server, link_parts, mail_link, signup, unique_name, wait_until

ESC = "\x1b"


def log_after(server: Server, mark: int) -> str:
    time.sleep(0.3)  # the log is written by the server's own thread
    return server.log_text()[mark:]


# --------------------------------------------------------------------------- 13: control characters


HOSTILE = {
    "escape": "Dune" + ESC + "[2J" + ESC + "[31m",
    "bell": "Ring\x07",
    "NUL": "Null\x00byte",
    "C1 CSI": "Csi\u009b31m",
    "right-to-left override": "Harmless\u202etxt.exe",
    "isolate": "Iso\u2066late",
    "newline": "Two\nlines",
}


@pytest.mark.parametrize("what", HOSTILE)
def test_control_characters_are_refused_in_books(server, what):
    api = signup(server)
    text = HOSTILE[what]
    for field in ("title", "author"):
        body = {"title": "Dune", "author": "Frank Herbert", "published_year": 1965, field: text}
        r = api.post("/api/books/", json=body)
        assert r.status_code == 400, (field, r.text)
        assert list(r.json()) == [field] and "control characters" in r.json()[field][0]
    book = api.post("/api/books/", json={"title": "Dune", "author": "Frank Herbert", "published_year": 1965}).json()
    for method, body in (("patch", {"title": text}), ("put", {"title": "Dune", "author": text, "published_year": 1965}),
                         ("patch", {"publisher": text})):
        r = getattr(api, method)(f"/api/books/{book['id']}/", json=body)
        assert r.status_code == 400 and "control characters" in str(r.json()), (method, body, r.text)
    assert api.get(f"/api/books/{book['id']}/").json()["title"] == "Dune"
    r = api.patch("/api/profile/", json={"first_name": text})
    assert r.status_code == 400 and "first_name" in r.json()
    r = api.put("/api/profile/", json={"first_name": "Ann", "last_name": text})
    assert r.status_code == 400 and "last_name" in r.json()


def test_notes_keep_tabs_and_newlines_but_not_escapes(server):
    api = signup(server)
    ok = api.post("/api/books/", json={"title": "Notes", "author": "A", "published_year": 2000,
                                       "notes": "line one\r\n\tline two\nline three"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["notes"] == "line one\n\tline two\nline three"
    for text in ("bad" + ESC + "]0;pwned\x07", "bad\rreturn", "bad\u202eorder"):
        r = api.patch(f"/api/books/{ok.json()['id']}/", json={"notes": text})
        assert r.status_code == 400 and "notes" in r.json(), r.text
