"""The server under load: SQLite in WAL mode with writers that wait instead of failing, password
hashing that is bounded (503 + Retry-After past the bound) and starves no other route, and search
text that is matched literally. Real server processes; no timing assertions."""
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import STRONG_PASSWORD, signup

SHARED_SECRET = "load-tests-share-this-secret-key-0123456789abcdef"


def test_sqlite_database_is_in_wal_mode(make_server):
    srv = make_server()
    signup(srv)  # the database is in use
    path = srv.database_url.removeprefix("sqlite:")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_parallel_writes_through_two_processes_on_one_sqlite_file_all_succeed(make_server, tmp_path):
    """Two replicas on one SQLite file, each with a connection per event loop, write at once:
    each writer waits for the other instead of answering 'database is locked'."""
    url = f"sqlite:{tmp_path / 'shared.sqlite'}"
    first = make_server(database_url=url, secret=SHARED_SECRET)
    second = make_server(database_url=url, secret=SHARED_SECRET)
    api = signup(first)
    targets = [first.url, second.url] * 40

    def add(i_base):
        i, base = i_base
        r = requests.post(base + "/api/books/", json={"title": f"Parallel {i}", "author": "W", "published_year": 2001},
                          headers={"Authorization": f"Bearer {api.access}"}, timeout=60)
        return r.status_code, r.text

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(add, enumerate(targets)))
    assert [status for status, _ in results] == [201] * len(targets), [r for r in results if r[0] != 201][:3]
    assert "locked" not in first.log_text() + second.log_text()
    titles = {b["title"] for b in api.get("/api/books/").json()}
    assert titles == {f"Parallel {i}" for i in range(len(targets))}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_login_storm_past_the_bound_gets_503_and_starves_no_one(make_server, kind):
    # One hashing thread and one waiting hash: a bound small enough to pass with 36 logins at once.
    srv = make_server(kind=kind, env={"PASSWORD_HASH_THREADS": "1", "PASSWORD_HASH_QUEUE": "1",
                                      "PASSWORD_HASH_COST": "10"})
    reader = signup(srv)
    reader.post("/api/books/", json={"title": "Still here", "author": "R", "published_year": 1999})
    # Several users, three logins each: under the failed-login limit (5 per user and address), so
    # every refusal here is the hashing bound's.
    storm_users = [signup(srv).username for _ in range(12)]

    def login(name):
        r = requests.post(srv.url + "/api/token/", json={"username": name, "password": STRONG_PASSWORD}, timeout=120)
        return name, r.status_code, r.headers.get("Retry-After"), r.json()

    stop = threading.Event()
    reads = []

    def keep_reading():
        while not stop.is_set():
            r = reader.get("/api/books/")
            reads.append((r.status_code, [b["title"] for b in r.json()] if r.status_code == 200 else r.text))

    watcher = threading.Thread(target=keep_reading)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=36) as pool:
            results = list(pool.map(login, storm_users * 3))
    finally:
        stop.set()
        watcher.join()

    statuses = [status for _, status, _, _ in results]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 1, statuses
    busy = [(name, retry, body) for name, status, retry, body in results if status == 503]
    assert busy, statuses
    for _, retry, body in busy:
        assert retry is not None and int(retry) >= 1, retry
        assert body["code"] == "password_hashing_busy" and "Try again" in body["detail"], body
    # The other user was served all along, with their books.
    assert reads and all(read == (200, ["Still here"]) for read in reads), reads[:3]
    # A refused login is not a failed one: a user turned away can still fail four times (the limit
    # is five) and then sign in; had the 503 counted, the fifth attempt would get 429.
    refused = busy[0][0]
    for _ in range(4):
        wrong = requests.post(srv.url + "/api/token/", json={"username": refused, "password": "not-" + STRONG_PASSWORD},
                              timeout=60)
        assert wrong.status_code == 401, wrong.text
    right = requests.post(srv.url + "/api/token/", json={"username": refused, "password": STRONG_PASSWORD}, timeout=60)
    assert right.status_code == 200, right.text


def test_search_matches_percent_underscore_and_bang_literally(server):
    api = signup(server)
    for title in ["100% Pure", "snake_case", "Wow!", "plain words"]:
        assert api.post("/api/books/", json={"title": title, "author": "Lit", "published_year": 2000}).status_code == 201

    def found(term):
        return sorted(b["title"] for b in api.get("/api/books/", params={"search": term}).json())

    assert found("%") == ["100% Pure"]
    assert found("_") == ["snake_case"]
    assert found("e_c") == ["snake_case"]
    assert found("0%") == ["100% Pure"]
    assert found("w!") == ["Wow!"]
    assert found("!") == ["Wow!"]
    assert found("a%e") == []
    assert found("lit") == ["100% Pure", "Wow!", "plain words", "snake_case"]  # wildcards still work around the term
    page = api.get("/api/books/", params={"search": "%", "page_size": 10}).json()
    assert page["count"] == 1 and [b["title"] for b in page["results"]] == ["100% Pure"]
