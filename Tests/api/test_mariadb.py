"""book-server on MySQL/MariaDB (MariaDBKit, our driver over Connector/C), and what every database
must do alike: a unique violation under a race, emoji and CJK in every text field, a database
server restart in the middle of a session, TLS to the database."""
import concurrent.futures
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import requests

from conftest import STRONG_PASSWORD, MariaDB, Server, signup, unique_name

TEXTS = {
    "title": "📚 吾輩は猫である — Ünïcødé 🐈‍⬛",
    "author": "夏目漱石 👨‍👩‍👧",
    "publisher": "岩波書店 🏯",
    "notes": "第一行 ✍️\n二行目: 한국어 🇰🇷, العربية, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
}


def test_emoji_and_cjk_round_trip_in_every_text_field(server):
    api = signup(server)
    book = {**TEXTS, "published_year": 1905}
    created = api.post("/api/books/", json=book)
    assert created.status_code == 201, created.text
    for got in (created.json(), api.get(f"/api/books/{created.json()['id']}/").json()):
        assert {k: got[k] for k in TEXTS} == TEXTS
    listed = api.get("/api/books/", params={"search": "吾輩", "page_size": 10}).json()["results"]
    assert [b["id"] for b in listed] == [created.json()["id"]]
    # Bulk import takes its own insert path.
    bulk = api.post("/api/books/bulk/", json={"books": [{**book, "title": "🦀 蟹工船", "published_year": 1929}]})
    assert bulk.status_code == 201, bulk.text
    assert api.get(f"/api/books/{bulk.json()['results'][0]['id']}/").json()["title"] == "🦀 蟹工船"
    # At the limits, in characters as people count them: flags are two code points each.
    flags = {"title": "🇯🇵" * 255, "author": "🇰🇷" * 255, "publisher": "🇨🇳" * 100}
    longest = api.post("/api/books/", json={**flags, "published_year": 2024})
    assert longest.status_code == 201, longest.text
    assert {k: api.get(f"/api/books/{longest.json()['id']}/").json()[k] for k in flags} == flags
    assert api.patch("/api/profile/", json={"first_name": "🏳️‍🌈" * 150}).status_code == 200
    assert api.get("/api/profile/").json()["first_name"] == "🏳️‍🌈" * 150
    # The account's own text fields.
    names = {"first_name": "花子 🌸", "last_name": "山田 🗻"}
    assert api.patch("/api/profile/", json=names).status_code == 200
    profile = api.get("/api/profile/").json()
    assert {k: profile[k] for k in names} == names


def test_two_registrations_of_one_name_at_once_give_one_account_and_one_field_error(server):
    for _ in range(4):
        name = unique_name("race")
        barrier = threading.Barrier(2)
        answers = []

        def register(n):
            barrier.wait()
            answers.append(requests.post(server.url + "/api/register/", timeout=30, json={
                "username": name, "email": f"{name}.{n}@example.org", "password": STRONG_PASSWORD}))

        threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(a.status_code for a in answers) == [201, 400], [a.text for a in answers]
        refused = next(a for a in answers if a.status_code == 400)
        assert refused.json() == {"username": ["A user with that username already exists."]}


def test_parallel_writes_for_one_owner_all_succeed_and_the_count_follows(server):
    # On MySQL an insert share-locks the owner's row (the foreign key) and the count trigger writes
    # it: with AFTER triggers, two parallel inserts deadlocked (a 500). Every database, all at once.
    api = signup(server)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda i: api.post("/api/books/", json={
            "title": f"Parallel {i}", "author": "Many Hands", "published_year": 2000 + i}).status_code, range(24)))
    assert codes == [201] * 24
    page = api.get("/api/books/", params={"page_size": 5}).json()
    assert page["count"] == 24 and api.get("/api/profile/").json()["book_count"] == 24
    ids = [b["id"] for b in api.get("/api/books/").json()]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(lambda i: api.delete(f"/api/books/{i}/").status_code, ids[:12])) == {204}
    assert api.get("/api/books/", params={"page_size": 5}).json()["count"] == 12


@pytest.fixture
def own_mariadb(tmp_root):
    """A MariaDB of the test's own, to restart (or to serve TLS) without touching the session's."""
    made = []

    def make(tls=None) -> MariaDB:
        db = MariaDB(Path(tempfile.mkdtemp(prefix="mariadb-own-", dir=tmp_root)), tls=tls)
        made.append(db)
        return db

    yield make
    for db in made:
        db.stop()


def test_a_database_restart_in_the_middle_of_a_session_is_survived(make_server, own_mariadb):
    db = own_mariadb()
    srv = make_server("mariadb", database_url=db.new())
    api = signup(srv)
    assert api.post("/api/books/", json={"title": "Before", "author": "A", "published_year": 2001}).status_code == 201

    db.restart()

    # Every request after the restart succeeds: the pool's connections from before are replaced.
    assert [b["title"] for b in api.get("/api/books/").json()] == ["Before"]
    assert api.post("/api/books/", json={"title": "After", "author": "B", "published_year": 2002}).status_code == 201
    assert api.get("/api/profile/").status_code == 200
    assert srv.api().login(api.username).access
    assert sorted(b["title"] for b in api.get("/api/books/").json()) == ["After", "Before"]
    assert requests.get(srv.url + "/healthz", timeout=5).status_code == 200
    # And again, with requests in flight from several clients.
    db.restart()
    results = []
    threads = [threading.Thread(target=lambda: results.append(api.get("/api/books/", params={"page_size": 5}).status_code))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 6


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key, made with openssl."""
    cert, key = tmp / "server-cert.pem", tmp / "server-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_tls_to_the_database_when_the_url_requires_it(make_server, own_mariadb, mariadb, tmp_path):
    cert, key = self_signed(tmp_path)
    db = own_mariadb(tls=(cert, key))
    plain = db.new()
    # An account the server refuses to talk to without TLS: it can only work over TLS.
    db.sql("CREATE USER 'tlsonly'@'127.0.0.1' IDENTIFIED BY 'tls-pw'; GRANT ALL ON *.* TO 'tlsonly'@'127.0.0.1' REQUIRE SSL;")
    url = plain.replace(f"{MariaDB.USER}:{MariaDB.PASSWORD}@", "tlsonly:tls-pw@")
    for query in ("?ssl-mode=REQUIRED", f"?ssl-ca={cert}"):
        srv = make_server("mariadb", database_url=url + query)
        api = signup(srv)
        assert api.post("/api/books/", json={"title": "Sealed 🔒", "author": "A", "published_year": 2003}).status_code == 201
        assert "over TLS" in srv.log_text()
        srv.stop()

    # ssl-mode=REQUIRED against a server without TLS (the session's) stops at start-up, saying why.
    refused = Server(Path(tempfile.mkdtemp(dir=tmp_path)), database_url=mariadb.new() + "?ssl-mode=REQUIRED")
    with pytest.raises(AssertionError, match="book-server exited"):
        refused.start()
    assert f"{MariaDB.USER}:{MariaDB.PASSWORD}@" not in refused.log_text()
