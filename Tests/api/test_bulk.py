"""`POST /api/books/bulk/`: many books a request for imports, librarians only, per-item results,
duplicates (by ISBN, else title + author + year) not added twice; on SQLite and PostgreSQL."""
import time

from conftest import signup


def book(i: int, **extra) -> dict:
    return {"title": f"Bulk Book {i:05d}", "author": f"Author {i % 37}", "published_year": 1900 + i % 120, **extra}


def test_librarian_adds_many_and_a_plain_user_is_refused(server):
    api = signup(server)
    r = api.post("/api/books/bulk/", json={"books": [book(i) for i in range(3)]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["created"], body["exists"], body["invalid"]) == (3, 0, 0)
    assert [x["index"] for x in body["results"]] == [0, 1, 2]
    assert all(x["status"] == "created" and isinstance(x["id"], int) for x in body["results"])
    listed = {b["id"]: b for b in api.get("/api/books/").json()}
    for i, result in enumerate(body["results"]):
        assert listed[result["id"]]["title"] == f"Bulk Book {i:05d}"
        assert listed[result["id"]]["created_at"]

    server.command("roles", "revoke", api.username, "librarian")
    r = api.post("/api/books/bulk/", json={"books": [book(9)]})
    assert r.status_code == 403, r.text
    assert "librarian" in r.json()["detail"]
    assert len(api.get("/api/books/").json()) == 3
    server.command("roles", "grant", api.username, "librarian")


def test_bad_items_are_reported_by_index_and_the_good_ones_saved(server):
    api = signup(server)
    items = [
        book(1, isbn="978-0-306-40615-7", pages=320, notes="first\nline"),
        {"title": "", "author": "X", "published_year": 1999},
        {"title": "No year", "author": "Y"},
        book(2, isbn="978-0-306-40615-8"),
        "not an object",
        book(3, pages=0),
    ]
    r = api.post("/api/books/bulk/", json={"books": items})
    assert r.status_code == 201, r.text
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["created", "invalid", "invalid", "invalid", "invalid", "invalid"]
    assert res[1]["errors"] == {"title": ["This field may not be blank."]}
    assert res[2]["errors"] == {"published_year": ["This field is required."]}
    assert "check digit" in res[3]["errors"]["isbn"][0]
    assert "dictionary" in res[4]["errors"]["non_field_errors"][0]
    assert res[5]["errors"] == {"pages": ["Ensure this value is greater than or equal to 1."]}
    [saved] = api.get("/api/books/").json()
    assert (saved["isbn"], saved["pages"], saved["notes"]) == ("9780306406157", 320, "first\nline")


def test_body_shape_and_the_500_limit(server):
    api = signup(server)
    assert api.post("/api/books/bulk/", json={"books": []}).status_code == 400
    r = api.post("/api/books/bulk/", json={"nothing": 1})
    assert r.status_code == 400 and r.json() == {"books": ["This field is required."]}
    assert api.post("/api/books/bulk/", json={"books": {"title": "x"}}).status_code == 400
    assert api.post("/api/books/bulk/", json=[book(1)]).status_code == 400
    for method in ("get", "put", "patch", "delete"):            # not the book "bulk": 405, as DRF answers
        r = getattr(api, method)("/api/books/bulk/", json={"books": [book(1)]})
        assert r.status_code == 405 and r.headers["Allow"] == "POST", (method, r.status_code, r.text)
    assert api.post("/api/books/bulk/", data=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
    r = api.post("/api/books/bulk/", json={"books": [book(i) for i in range(501)]})
    assert r.status_code == 413, r.text
    assert "500" in r.json()["detail"]
    assert api.get("/api/books/").json() == []
    # 500 with long notes: more than the 1 MB other bodies may be, still taken.
    r = api.post("/api/books/bulk/", json={"books": [book(i, notes="n" * 4000) for i in range(500)]})
    assert r.status_code == 201, r.text
    assert r.json()["created"] == 500


def test_duplicates_by_isbn_else_title_author_year_and_a_second_run_adds_nothing(server):
    api = signup(server)
    other = signup(server)
    other.post("/api/books/", json=book(7, isbn="0306406152"))  # someone else's: no match
    api.post("/api/books/", json={"title": "Brontë", "author": "Émily", "published_year": 1847})
    items = [
        book(7, isbn="0306406152"),
        book(8, isbn="9780306406157"),                                   # same ISBN as item 0 (ISBN-10 form)
        {"title": "BRONTE", "author": "emily", "published_year": 1847},  # the user's book, folded
        {"title": "Brontë", "author": "Émily", "published_year": 1848},  # another year: new
        book(9),
        book(9),                                                          # repeats item 4
    ]
    r = api.post("/api/books/bulk/", json={"books": items})
    assert r.status_code == 201, r.text
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["created", "exists", "exists", "created", "created", "exists"]
    assert res[1]["id"] == res[0]["id"] and res[5]["id"] == res[4]["id"]
    assert len(api.get("/api/books/").json()) == 4

    again = api.post("/api/books/bulk/", json={"books": items})
    assert again.status_code == 200, again.text
    assert again.json()["created"] == 0 and again.json()["exists"] == 6
    assert {x["id"] for x in again.json()["results"]} == {x["id"] for x in res}
    assert len(api.get("/api/books/").json()) == 4
    assert len(other.get("/api/books/").json()) == 1


def test_ten_thousand_books_in_twenty_requests_under_twenty_seconds(server):
    api = signup(server)
    started = time.monotonic()
    for start in range(0, 10_000, 500):
        r = api.post("/api/books/bulk/", json={"books": [book(i, isbn=None, notes=f"note {i}") for i in range(start, start + 500)]})
        assert r.status_code == 201 and r.json()["created"] == 500, r.text[:300]
    elapsed = time.monotonic() - started
    assert api.get("/api/books/", params={"page_size": 1}).json()["count"] == 10_000
    assert elapsed < 20, f"10,000 books took {elapsed:.1f} s"
