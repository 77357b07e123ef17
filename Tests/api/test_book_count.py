"""The count a page of books shows, and the profile's `book_count`, follow every kind of write:
the database keeps them (migration `AddUserBookCount`), on SQLite and PostgreSQL."""
import pytest

from conftest import signup


def counts(api) -> tuple[int, int, int]:
    """(page count, profile book_count, the length of the unpaged list) for one user."""
    page = api.get("/api/books/", params={"page_size": 2}).json()["count"]
    profile = api.get("/api/profile/").json()["book_count"]
    return page, profile, len(api.get("/api/books/").json())


def book(title: str, **extra) -> dict:
    return {"title": title, "author": "Count Author", "published_year": 2000, **extra}


def test_counts_follow_posts_bulk_deletes_sql_and_other_users(server):
    api, other = signup(server), signup(server)
    assert counts(api) == (0, 0, 0)

    ids = [api.post("/api/books/", json=book(f"One {i}")).json()["id"] for i in range(3)]
    assert counts(api) == (3, 3, 3)

    bulk = api.post("/api/books/bulk/", json={"books": [book("Bulk A"), book("Bulk B"), {"title": ""}]})
    assert bulk.status_code == 201 and bulk.json()["created"] == 2, bulk.text
    assert counts(api) == (5, 5, 5)

    assert api.delete(f"/api/books/{ids[0]}/").status_code == 204
    edited = api.patch(f"/api/books/{ids[1]}/", json={"title": "Renamed"})
    assert edited.status_code == 200, edited.text
    assert counts(api) == (4, 4, 4)

    # Written by hand in SQL, as an operator might: still counted, and moving a book moves its count.
    owner = api.get("/api/profile/").json()["id"]
    theirs = other.get("/api/profile/").json()["id"]
    server.sql("INSERT INTO books (title, author, published_year, user_id, is_available, search_text) "
                    f"VALUES ('By SQL', 'Operator', 1999, {owner}, false, 'by sql operator')")
    assert counts(api) == (5, 5, 5)
    server.sql(f"UPDATE books SET user_id = {theirs} WHERE id = {ids[2]}")
    assert counts(api) == (4, 4, 4) and counts(other) == (1, 1, 1)

    # A filter still counts what it finds.
    assert api.get("/api/books/", params={"page_size": 2, "search": "bulk"}).json()["count"] == 2
    assert other.post("/api/books/", json=book("Theirs")).status_code == 201
    assert counts(api) == (4, 4, 4) and counts(other) == (2, 2, 2)


def test_deep_pages_follow_every_kind_of_write(server):
    # Past the first 1,000 books, SQLite's pages start from ids kept of the library's order
    # (PageBookmarks, valid for one users.books_version): each write below must show at once.
    api = signup(server)
    for start in range(0, 1300, 500):
        items = [book(f"Deep {n:04d}", published_year=1900 + n % 97) for n in range(start, min(start + 500, 1300))]
        assert api.post("/api/books/bulk/", json={"books": items}).status_code == 201

    def expected(ordering: str, page: int) -> list[int]:
        books = api.get("/api/books/").json()
        column, reverse = ordering.lstrip("-") or "id", ordering.startswith("-")
        books.sort(key=lambda b: (b[column], b["id"]), reverse=reverse)
        return [b["id"] for b in books[(page - 1) * 100:page * 100]]

    def check():
        for ordering in ("", "title", "-title", "-published_year", "author"):
            for page in (11, 12, 13, 14):
                params = {"page_size": 100, "page": page, **({"ordering": ordering} if ordering else {})}
                r = api.get("/api/books/", params=params)
                if page == 14:
                    assert r.status_code == 404, (ordering, r.text)
                    continue
                assert r.status_code == 200, (ordering, page, r.text)
                got = r.json()
                assert got["count"] == 1300, (ordering, page, got["count"])
                assert [b["id"] for b in got["results"]] == expected(ordering, page), (ordering, page)

    check()
    check()  # the second time from the kept order
    first = api.get("/api/books/", params={"page_size": 1, "ordering": "title"}).json()["results"][0]
    # A rename moves a book from the first page to the last, in title order.
    assert api.patch(f"/api/books/{first['id']}/", json={"title": "Zzz renamed"}).status_code == 200
    check()
    check()
    # A delete and a new book: the count stays, the order shifts.
    assert api.delete(f"/api/books/{first['id'] + 5}/").status_code == 204
    assert api.post("/api/books/", json=book("Aaa new first")).status_code == 201
    check()
    # By hand in SQL, as an operator might.
    server.sql(f"UPDATE books SET title = 'Aaa by sql' WHERE id = {first['id'] + 7}")
    check()
    check()


@pytest.mark.parametrize("kind", ["sqlite", "postgres", "mariadb"])
def test_every_migration_reverts_and_applies_again(make_server, kind):
    # `book-server migrate --revert` takes every migration back, the count and version triggers
    # included, on each database; then the schema comes back and serves books again.
    srv = make_server(kind=kind)
    api = signup(srv)
    assert api.post("/api/books/", json=book("Before")).status_code == 201
    srv.stop()
    reverted = srv.command("migrate", "--revert", "--yes", check=False)
    assert reverted.returncode == 0, reverted.stdout + reverted.stderr
    tables = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        "postgres": "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
        "mariadb": "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
    }[kind]
    assert [row[0] for row in srv.sql(tables)] == ["_fluent_migrations"]
    srv.start()
    again = signup(srv)
    assert again.post("/api/books/", json=book("After")).status_code == 201
    assert again.get("/api/books/", params={"page_size": 5}).json()["count"] == 1
