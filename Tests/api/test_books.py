"""Our extensions to books: ISBN, more fields, paging, search, filter, ordering."""
import concurrent.futures

from conftest import signup


def add(api, **fields):
    data = {"title": "Untitled", "author": "Anon", "published_year": 2000}
    data.update(fields)
    r = api.post("/api/books/", json=data)
    assert r.status_code == 201, r.text
    return r.json()


def test_isbn_10_and_13_are_checked_and_stored_as_13(server):
    api = signup(server)
    assert add(api, isbn="0-306-40615-2")["isbn"] == "9780306406157"
    assert add(api, isbn="978-3-16-148410-0")["isbn"] == "9783161484100"
    assert add(api, isbn="080442957X")["isbn"] == "9780804429573"
    r = api.post("/api/books/", json={"title": "T", "author": "A", "published_year": 1, "isbn": "0-306-40615-3"})
    assert r.status_code == 400 and r.json() == {"isbn": ["This ISBN's check digit is wrong; check for a typo."]}
    r = api.post("/api/books/", json={"title": "T", "author": "A", "published_year": 1, "isbn": "12345"})
    assert r.status_code == 400 and "isbn" in r.json()


def test_extra_fields_and_timestamps(server):
    api = signup(server)
    b = add(api, publisher="Ace", pages=304, notes="Signed copy\nshelf 3")
    assert (b["publisher"], b["pages"], b["notes"]) == ("Ace", 304, "Signed copy\nshelf 3")
    assert b["created_at"] and b["updated_at"] and b["isbn"] is None
    r = api.patch(f"/api/books/{b['id']}/", json={"pages": None, "publisher": None, "created_at": "1999-01-01T00:00:00Z"})
    assert r.status_code == 200
    assert r.json()["pages"] is None and r.json()["publisher"] is None and r.json()["created_at"] == b["created_at"]
    r = api.patch(f"/api/books/{b['id']}/", json={"pages": 0, "published_year": 99999, "is_available": "maybe"})
    assert r.status_code == 400
    assert set(r.json()) == {"pages", "published_year", "is_available"}


def test_not_json_and_not_an_object_are_400(server):
    api = signup(server)
    r = api.post("/api/books/", data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "detail" in r.json()
    r = api.post("/api/books/", json=[1, 2])
    assert r.status_code == 400 and "non_field_errors" in r.json()
    r = api.post("/api/books/", json={"title": {"a": 1}, "author": ["x"], "published_year": True})
    assert r.status_code == 400 and set(r.json()) == {"title", "author", "published_year"}


def test_paging_search_filter_and_ordering(server):
    api = signup(server)
    titles = [f"Book {i:03d}" for i in range(1, 26)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: add(api, title=titles[i], author="Zed" if i % 2 else "Amy",
                                    published_year=1900 + i, is_available=i % 5 == 0), range(25)))
    plain = api.get("/api/books/").json()
    assert isinstance(plain, list) and len(plain) == 25

    page = api.get("/api/books/?page_size=10&ordering=title").json()
    assert page["count"] == 25 and len(page["results"]) == 10 and page["previous"] is None
    assert [b["title"] for b in page["results"]] == titles[:10]
    assert "page=2" in page["next"] and page["next"].startswith(server.url + "/api/books/")
    last = api.get("/api/books/?page_size=10&ordering=title&page=3").json()
    assert [b["title"] for b in last["results"]] == titles[20:] and last["next"] is None and "page=2" in last["previous"]
    assert api.get("/api/books/?page=4&page_size=10").status_code == 404

    desc = api.get("/api/books/?ordering=-published_year").json()
    assert [b["published_year"] for b in desc] == sorted((b["published_year"] for b in desc), reverse=True)
    by_author = api.get("/api/books/?ordering=author,-title").json()
    assert [b["author"] for b in by_author][:13] == ["Amy"] * 13

    found = api.get("/api/books/?search=book 01").json()
    assert sorted(b["title"] for b in found) == titles[9:19]
    assert len(api.get("/api/books/?search=ZED").json()) == 12
    assert len(api.get("/api/books/?search=zed&page_size=5").json()["results"]) == 5
    available = api.get("/api/books/?is_available=true").json()
    assert len(available) == 5 and all(b["is_available"] for b in available)
    assert api.get("/api/books/?is_available=false&page=1").json()["count"] == 20

    assert api.get("/api/books/?ordering=owner").status_code == 400
    assert api.get("/api/books/?is_available=perhaps").status_code == 400


def test_page_size_is_capped_at_500(server):
    api = signup(server)
    add(api)
    r = api.get("/api/books/?page_size=100000")
    assert r.status_code == 200 and r.json()["count"] == 1


def test_search_by_isbn_with_or_without_hyphens(server):
    api = signup(server)
    add(api, title="Needle", isbn="978-0-306-40615-7")
    add(api, title="Hay")
    assert [b["title"] for b in api.get("/api/books/?search=978-0-306").json()] == ["Needle"]
    assert [b["title"] for b in api.get("/api/books/?search=9780306406157").json()] == ["Needle"]


def test_unicode_titles_round_trip_and_search(server):
    api = signup(server)
    add(api, title="吾輩は猫である", author="夏目漱石")
    add(api, title="Cien años de soledad", author="García Márquez")
    assert [b["author"] for b in api.get("/api/books/?search=猫").json()] == ["夏目漱石"]
    assert [b["title"] for b in api.get("/api/books/?search=AÑOS").json()] == ["Cien años de soledad"]


def test_search_finds_a_book_by_any_form_of_its_isbn(server):
    api = signup(server)
    add(api, title="Dune", isbn="978-0-441-17271-9")
    add(api, title="Other", isbn="9780306406157")
    # The ISBN-10 printed on the book, with and without hyphens, a lower-case x, part of it.
    for term in ["0-441-17271-7", "0441172717", "978-0-441-17271-9", "9780441172719", "0 441 17271 7", "044117271"]:
        assert [b["title"] for b in api.get("/api/books/", params={"search": term}).json()] == ["Dune"], term
    add(api, title="Ten with X", isbn="0-8044-2957-X")
    assert [b["title"] for b in api.get("/api/books/", params={"search": "080442957x"}).json()] == ["Ten with X"]


def test_search_ignores_case_and_accents(server):
    api = signup(server)
    add(api, title="Zazie dans le métro", author="Raymond Queneau")
    add(api, title="Wuthering Heights", author="Emily Brontë")
    add(api, title="Kierkegaard", author="Søren Kierkegaard")
    def titles(term):
        return [b["title"] for b in api.get("/api/books/", params={"search": term}).json()]
    assert titles("metro") == ["Zazie dans le métro"]
    assert titles("MÉTRO") == ["Zazie dans le métro"]
    assert titles("bronte") == ["Wuthering Heights"]
    assert titles("brontë") == ["Wuthering Heights"]
    assert titles("soren") == ["Kierkegaard"]


def test_search_takes_wildcard_characters_as_themselves(server):
    # LIKE's % _ and the escape !, GLOB's * ? [ ]: each is only itself in a search term.
    api = signup(server)
    titles = ["100% pure", "a_b", "what?", "[draft] notes", "5*3 tables", "hey! you", "plain"]
    for t in titles:
        add(api, title=t)

    def found(term):
        return sorted(b["title"] for b in api.get("/api/books/", params={"search": term}).json())

    assert found("%") == ["100% pure"]
    assert found("_") == ["a_b"]
    assert found("?") == ["what?"]
    assert found("[draft]") == ["[draft] notes"]
    assert found("]") == ["[draft] notes"]
    assert found("5*3") == ["5*3 tables"]
    assert found("*") == ["5*3 tables"]
    assert found("y! y") == ["hey! you"]
    assert found("pure") == ["100% pure"]
    assert found("zz*") == []


def test_search_terms_are_text_to_the_index_too(server):
    # On SQLite a term's rarest trigrams go to the FTS5 index as its own query language: quotes,
    # AND/OR/NEAR, and long terms must stay plain text, and the books found must be exactly those
    # that hold the term, however common its other trigrams are.
    api = signup(server)
    titles = ['say "hello" twice', "cats AND dogs", "NEAR the end", "OR else", "x" * 40 + " the long one"]
    titles += [f"Common author {n}" for n in range(1, 31)]
    for t in titles:
        add(api, title=t)

    def found(term):
        return sorted(b["title"] for b in api.get("/api/books/", params={"search": term}).json())

    assert found('"hello"') == ['say "hello" twice']
    assert found('o" t') == ['say "hello" twice']
    assert found("and dogs") == ["cats AND dogs"]
    assert found("near the") == ["NEAR the end"]
    assert found("or else") == ["OR else"]
    assert found("x" * 30 + " the long") == ["x" * 40 + " the long one"]
    assert found("common author 7") == ["Common author 7"]
    assert found("common author 2") == sorted(["Common author 2"] + [f"Common author {n}" for n in range(20, 30)])
    assert found("mon author 3") == ["Common author 3", "Common author 30"]
    page = api.get("/api/books/", params={"search": "n author 1", "page_size": 3}).json()
    assert page["count"] == 11 and [b["title"] for b in page["results"]] == [
        "Common author 1", "Common author 10", "Common author 11"]


def test_search_follows_changes_and_deletions(server):
    api = signup(server)
    book = add(api, title="Needle in a haystack")
    assert [b["id"] for b in api.get("/api/books/", params={"search": "haystack"}).json()] == [book["id"]]
    assert api.patch(f"/api/books/{book['id']}/", json={"title": "Pin in a cushion"}).status_code == 200
    assert api.get("/api/books/", params={"search": "haystack"}).json() == []
    assert [b["id"] for b in api.get("/api/books/", params={"search": "cushion"}).json()] == [book["id"]]
    assert api.delete(f"/api/books/{book['id']}/").status_code == 204
    assert api.get("/api/books/", params={"search": "cushion"}).json() == []


def test_pages_past_the_end_are_not_found_however_far(server):
    api = signup(server)
    add(api, title="Only")
    assert api.get("/api/books/?page_size=1&page=1").json()["count"] == 1
    for page in ("2", str(10**15), str(2**62), str(2**63 - 1)):
        r = api.get("/api/books/", params={"page_size": "500", "page": page})
        assert r.status_code == 404 and r.json() == {"detail": "Invalid page."}, page
    assert api.get("/api/books/?search=only&page_size=1&page=2").status_code == 404
    empty = signup(server)
    assert empty.get("/api/books/?page_size=5").json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_deep_pages_hold_the_same_books_in_the_same_order(server):
    # From 1,000 books skipped on, a page's ids are found apart from its rows (BookQueries.page).
    api = signup(server)
    books = [{"title": f"T{(i * 7919) % 1210:04d}", "author": f"Author {i % 13}", "published_year": 1900 + i % 100,
              "is_available": i % 2 == 0} for i in range(1210)]
    for start in range(0, len(books), 500):
        assert api.post("/api/books/bulk/", json={"books": books[start:start + 500]}).status_code == 201
    everything = api.get("/api/books/").json()
    assert len(everything) == 1210
    for ordering, key in (("", lambda b: b["id"]), ("-title", lambda b: (b["title"], b["id"])),
                          ("published_year", lambda b: (b["published_year"], b["id"]))):
        expected = sorted(everything, key=key, reverse=ordering.startswith("-"))
        for page in (10, 11, 13):
            r = api.get("/api/books/", params={"page_size": 100, "page": page, "ordering": ordering})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["count"] == 1210
            assert [b["id"] for b in body["results"]] == [b["id"] for b in expected[(page - 1) * 100:page * 100]], (ordering, page)
    available = [b for b in everything if b["is_available"]]
    r = api.get("/api/books/", params={"page_size": 100, "page": 7, "is_available": "true"}).json()
    assert r["count"] == len(available) and [b["id"] for b in r["results"]] == [b["id"] for b in available[600:700]]
    # Searches, shallow and deep, with a term the trigram index serves and one too short for it.
    for term, matches in (("author", everything), ("t1", [b for b in everything if "t1" in b["title"].lower()])):
        for page in (1, 2, 11):
            r = api.get("/api/books/", params={"page_size": 100, "page": page, "search": term, "ordering": "-title"})
            expected = sorted(matches, key=lambda b: (b["title"], b["id"]), reverse=True)[(page - 1) * 100:page * 100]
            if not expected:
                assert r.status_code == 404, (term, page)
                continue
            body = r.json()
            assert body["count"] == len(matches), (term, page)
            assert [b["id"] for b in body["results"]] == [b["id"] for b in expected], (term, page)
