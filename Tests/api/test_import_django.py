"""`book-server import-django`: a seed deployment moves over with its users, passwords and books.

The dump comes from Django's own code path: Tests/seed/dumpsite is a Django 4.2 site with the
seed's book model as `myapp.books` and Django's default password hasher, the users are made with
Django's API, and `dumpdata auth.user myapp.books --indent 2` writes the file the operator copies."""
import json
import os
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, free_port, unique_name

SEED = ROOT / "Tests" / "seed"
OLD_PASSWORD = "Seed-Era-Passw0rd"

MAKE_USERS = """
import sys
from django.contrib.auth.models import User
from myapp.models import Books
ann, bob, kc = sys.argv[-3:]
a = User.objects.create_user(ann, f"{ann}@Example.org", "{password}", first_name="Ann", last_name="Ørsted")
User.objects.create_user(bob, f"{bob}@example.org", "{password}", is_active=False)
k = User.objects.create_user(kc, f"{kc}@example.org", first_name="Kim")   # as mozilla-django-oidc makes them
assert not k.has_usable_password()
import datetime
a.date_joined = datetime.datetime(2019, 3, 4, 5, 6, 7, 250000, tzinfo=datetime.timezone.utc)
a.save()
Books.objects.create(user=a, title="Smilla’s Sense of Snow", author="Peter Høeg", published_year=1992, is_available=True)
Books.objects.create(user=a, title="Dune 📚", author="Frank Herbert", published_year=1965)
Books.objects.create(user=k, title="Kim", author="Rudyard Kipling", published_year=1901)
""".replace("{password}", OLD_PASSWORD)


def django(tmp: Path, *args: str, mysql: str | None = None) -> subprocess.CompletedProcess:
    """Runs Django (`python -m django ARGS`, or a script with `-c`) with the dump site's settings."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="dumpsite.settings", PYTHONPATH=str(SEED),
               SEED_DATABASE=str(tmp / "seed.sqlite3"), SEED_MYSQL=mysql or "")
    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "django", *args]
    done = subprocess.run(command, env=env, cwd=tmp, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"django {' '.join(args[:3])} failed:\n{done.stderr}"
    return done


def seed_site(tmp: Path, mysql: str | None = None) -> list[str]:
    """A seed database made by Django: three users (active, inactive, a Keycloak one), three books."""
    names = [unique_name("ann"), unique_name("bob"), unique_name("kc")]
    django(tmp, "migrate", "-v", "0", mysql=mysql)
    script = tmp / "make_users.py"
    script.write_text(MAKE_USERS)
    django(tmp, "-c", "import django, runpy, sys; django.setup(); runpy.run_path(sys.argv[1], run_name='__main__')",
           str(script), *names, mysql=mysql)
    return names


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    """The seed site's `dumpdata auth.user myapp.books --indent 2`."""
    tmp = tmp_path_factory.mktemp("seed-dump")
    names = seed_site(tmp)
    out = tmp / "dump.json"
    django(tmp, "dumpdata", "auth.user", "myapp.books", "--indent", "2", "-o", str(out))
    records = json.loads(out.read_text())
    assert {r["model"] for r in records} == {"auth.user", "myapp.books"}
    assert records[0]["fields"]["password"].startswith("pbkdf2_sha256$")
    return out, names


@pytest.fixture(scope="module")
def seed_mariadb(tmp_path_factory, mariadb):
    """The seed site on MariaDB (the session's, conftest's `mariadb`), as the seed ran on MySQL: its
    tables made by Django's migrations, in a database of its own with an account of its own."""
    tmp = tmp_path_factory.mktemp("seed-mariadb")
    password = "s3cret/with:odd@chars"
    # pytest may make this module fixture more than once in a session (the server's kinds): a new
    # database each time, and one account for them all.
    name = f"seed_{uuid.uuid4().hex[:8]}"
    mariadb.sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
                f"CREATE USER IF NOT EXISTS 'seed'@'127.0.0.1' IDENTIFIED BY '{password}';"
                f"GRANT ALL ON {name}.* TO 'seed'@'127.0.0.1';")
    names = seed_site(tmp, mysql=f"127.0.0.1 {mariadb.port} seed {password} {name}")
    url = f"mysql://seed:{urllib.parse.quote(password, safe='')}@127.0.0.1:{mariadb.port}/{name}"
    yield url, password, f"{mariadb.port}/{name}", names


def stored_hash(server, username: str) -> str:
    return server.sql("SELECT password_hash FROM users WHERE username = '%s'" % username)[0][0]


def test_a_seed_deployment_moves_over_with_passwords_and_books(server, dump):
    path, (ann, bob, kc) = dump

    dry = server.command("import-django", str(path), "--dry-run")
    assert "Would import 3 users (3 new, 0 updated) and 3 books (3 new, 0 already there)" in dry.stdout
    assert server.api().post("/api/token/", json={"username": ann, "password": OLD_PASSWORD}).status_code == 401

    first = server.command("import-django", str(path))
    assert "Imported 3 users (3 new, 0 updated) and 3 books (3 new, 0 already there)" in first.stdout, first.stdout

    # The old password works, and is replaced by our own hash at that first login.
    assert stored_hash(server, ann).startswith("pbkdf2_sha256$")
    api = server.api().login(ann, OLD_PASSWORD)
    assert stored_hash(server, ann).startswith("$2")
    assert server.api().login(ann, OLD_PASSWORD).access
    profile = api.get("/api/profile/").json()
    assert (profile["email"], profile["first_name"], profile["last_name"]) == (f"{ann}@example.org", "Ann", "Ørsted")
    assert profile["date_joined"].startswith("2019-03-04T05:06:07")
    books = {b["title"]: b for b in api.get("/api/books/", params={"page_size": 100}).json()["results"]}
    assert set(books) == {"Smilla’s Sense of Snow", "Dune 📚"}
    assert books["Smilla’s Sense of Snow"]["author"] == "Peter Høeg"
    assert books["Smilla’s Sense of Snow"]["is_available"] is True and books["Dune 📚"]["is_available"] is False

    # Inactive stays inactive; an unusable password (a Keycloak user's) matches nothing.
    assert server.api().post("/api/token/", json={"username": bob, "password": OLD_PASSWORD}).status_code == 401
    for guess in ["", "!", OLD_PASSWORD]:
        assert server.api().post("/api/token/", json={"username": kc, "password": guess}).status_code in (400, 401)

    # A second run updates and adds nothing; the password changed since is kept.
    again = server.command("import-django", str(path))
    assert "Imported 3 users (0 new, 3 updated) and 3 books (0 new, 3 already there)" in again.stdout, again.stdout
    assert stored_hash(server, ann).startswith("$2")
    assert len(api.get("/api/books/", params={"page_size": 100}).json()["results"]) == 2


def test_a_file_that_is_not_a_dump_is_refused_clearly(sqlite_server, tmp_path):
    cases = {
        "notes.txt": ("title,author\nDune,Herbert\n", "is not a dumpdata file"),
        "other.json": (json.dumps([{"model": "sessions.session", "pk": "x", "fields": {}}]), "holds no auth.user records"),
        "broken.json": (json.dumps([{"model": "auth.user", "pk": 1, "fields": {"email": "a@b.org"}}]), "has no username or password"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        out = sqlite_server.command("import-django", str(tmp_path / name), check=False)
        assert out.returncode != 0, name
        assert message in out.stdout + out.stderr, (name, out.stdout, out.stderr)
    missing = sqlite_server.command("import-django", str(tmp_path / "absent.json"), check=False)
    assert missing.returncode != 0 and "cannot read" in missing.stdout + missing.stderr


def test_a_user_whose_address_is_taken_here_is_refused_and_the_rest_go_in(server, tmp_path):
    # On both databases: a refused insert must not spoil the import's later ones.
    taken, fresh = unique_name("taken"), unique_name("fresh")
    local = server.api()
    assert local.post("/api/register/", json={"username": unique_name("here"), "email": f"{taken}@example.org",
                                              "password": "An0ther-Long-Passphrase"}).status_code == 201
    user = lambda pk, name: {"model": "auth.user", "pk": pk, "fields": {
        "username": name, "email": f"{taken}@example.org" if name == taken else f"{name}@example.org",
        "password": "!unusable", "is_active": True, "date_joined": "2024-05-01T10:00:00.123Z"}}
    book = lambda owner, title: {"model": "myapp.books", "pk": owner * 10, "fields": {
        "title": title, "author": "A. Author", "published_year": 2001, "user": owner, "is_available": False}}
    (tmp_path / "dump.json").write_text(json.dumps([user(1, taken), user(2, fresh), book(1, "Lost"), book(2, "Kept")]))
    out = server.command("import-django", str(tmp_path / "dump.json"), check=False)
    assert out.returncode != 0
    assert "Imported 2 users (1 new, 0 updated, 1 refused) and 2 books (1 new, 0 already there, 1 refused)" in out.stdout, out.stdout
    assert f"Refused: user {taken} (pk 1): its e-mail address {taken}@example.org belongs to another account here" in out.stdout
    assert "Refused: book “Lost”: its owner (user pk 1) is not in the file or was refused" in out.stdout


def test_a_seed_on_mariadb_moves_over_straight_from_its_database(server, seed_mariadb):
    url, password, where, (ann, bob, kc) = seed_mariadb
    dry = server.command("import-django", "--database", url, "--dry-run")
    assert "Would import 3 users (3 new, 0 updated) and 3 books (3 new, 0 already there)" in dry.stdout, dry.stdout

    first = server.command("import-django", "--database", url)
    assert f"Imported 3 users (3 new, 0 updated) and 3 books (3 new, 0 already there) from seed@127.0.0.1:{where}." \
        in first.stdout, first.stdout
    assert password not in first.stdout + first.stderr

    api = server.api().login(ann, OLD_PASSWORD)
    profile = api.get("/api/profile/").json()
    assert (profile["last_name"], profile["date_joined"][:19]) == ("Ørsted", "2019-03-04T05:06:07")
    books = {b["title"]: b["is_available"] for b in api.get("/api/books/", params={"page_size": 100}).json()["results"]}
    assert books == {"Smilla’s Sense of Snow": True, "Dune 📚": False}
    assert server.api().post("/api/token/", json={"username": bob, "password": OLD_PASSWORD}).status_code == 401

    again = server.command("import-django", f"--database={url}")
    assert "(0 new, 3 updated) and 3 books (0 new, 3 already there)" in again.stdout, again.stdout


def test_a_bad_database_url_or_an_unreachable_database_is_a_clear_error(sqlite_server):
    cases = {
        "postgres://u:p@127.0.0.1/db": "must be a mysql:// or mariadb:// URL",
        "mysql://127.0.0.1/db": "needs a user, a host and a database name",
        "mysql://u:p@127.0.0.1:1/db?ssl-mode=SOMETIMES": "unknown or bad parameter ssl-mode",
        f"mysql://u:hidden-pw@127.0.0.1:{free_port()}/db": "cannot connect to u@127.0.0.1:",
    }
    for url, message in cases.items():
        out = sqlite_server.command("import-django", "--database", url, check=False)
        assert out.returncode != 0 and message in out.stdout + out.stderr, (url, out.stdout, out.stderr)
        assert "hidden-pw" not in out.stdout + out.stderr
    both = sqlite_server.command("import-django", "dump.json", "--database", "mysql://u@h/d", check=False)
    assert both.returncode != 0 and "either a dumpdata FILE or --database URL" in both.stdout + both.stderr


def test_a_book_twice_in_the_dump_is_one_book_with_the_last_availability(server, tmp_path):
    name = unique_name("twice")
    user = {"model": "auth.user", "pk": 7, "fields": {"username": name, "email": f"{name}@example.org",
                                                       "password": "!x", "is_active": True}}
    copy = lambda pk, available: {"model": "myapp.books", "pk": pk, "fields": {
        "title": "Twice", "author": "Dup Author", "published_year": 1999, "user": 7, "is_available": available}}
    many = [{"model": "myapp.books", "pk": 100 + i, "fields": {"title": f"Many {i}", "author": "A", "published_year": 2000,
                                                              "user": 7, "is_available": False}} for i in range(1203)]
    (tmp_path / "dump.json").write_text(json.dumps([user, copy(1, False), *many, copy(2, True)]))
    out = server.command("import-django", str(tmp_path / "dump.json"))
    assert "and 1205 books (1204 new, 1 already there)" in out.stdout, out.stdout
    # The account has no usable password to look through the API with: look in the database.
    sql = f"SELECT COUNT(*), SUM(CASE WHEN is_available THEN 1 ELSE 0 END) FROM books b JOIN users u ON u.id = b.user_id " \
          f"WHERE u.username = '{name}' AND b.title = 'Twice'"
    assert server.sql(sql) == [("1", "1")]
    again = server.command("import-django", str(tmp_path / "dump.json"))
    assert "and 1205 books (0 new, 1205 already there)" in again.stdout, again.stdout
