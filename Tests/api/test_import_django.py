"""`book-server import-django`: a seed deployment moves over with its users, passwords and books.

The dump comes from Django's own code path: Tests/seed/dumpsite is a Django 4.2 site with the
seed's book model as `myapp.books` and Django's default password hasher, the users are made with
Django's API, and `dumpdata auth.user myapp.books --indent 2` writes the file the operator copies."""
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, unique_name

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
Books.objects.create(user=a, title="Dune", author="Frank Herbert", published_year=1965)
Books.objects.create(user=k, title="Kim", author="Rudyard Kipling", published_year=1901)
""".replace("{password}", OLD_PASSWORD)


def django(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="dumpsite.settings", PYTHONPATH=str(SEED),
               SEED_DATABASE=str(tmp / "seed.sqlite3"))
    return subprocess.run([sys.executable, "-m", "django", *args], env=env, cwd=tmp, check=True,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    """A dump of three seed users (active, inactive, a Keycloak one) and their three books."""
    tmp = tmp_path_factory.mktemp("seed-dump")
    names = [unique_name("ann"), unique_name("bob"), unique_name("kc")]
    django(tmp, "migrate", "--run-syncdb", "-v", "0")
    script = tmp / "make_users.py"
    script.write_text(MAKE_USERS)
    subprocess.run([sys.executable, "-c", "import django, runpy, sys; django.setup(); "
                    "runpy.run_path(sys.argv[1], run_name='__main__')", str(script), *names],
                   env=dict(os.environ, DJANGO_SETTINGS_MODULE="dumpsite.settings", PYTHONPATH=str(SEED),
                            SEED_DATABASE=str(tmp / "seed.sqlite3")), check=True, timeout=120)
    out = tmp / "dump.json"
    django(tmp, "dumpdata", "auth.user", "myapp.books", "--indent", "2", "-o", str(out))
    records = json.loads(out.read_text())
    assert {r["model"] for r in records} == {"auth.user", "myapp.books"}
    assert records[0]["fields"]["password"].startswith("pbkdf2_sha256$")
    return out, names


def stored_hash(server, username: str) -> str:
    sql = "SELECT password_hash FROM users WHERE username = '%s'" % username
    if server.database_url.startswith("sqlite:"):
        with sqlite3.connect(server.database_url.removeprefix("sqlite:")) as db:
            return db.execute(sql).fetchone()[0]
    out = subprocess.run(["psql", "-At", server.database_url, "-c", sql],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


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
    assert set(books) == {"Smilla’s Sense of Snow", "Dune"}
    assert books["Smilla’s Sense of Snow"]["author"] == "Peter Høeg"
    assert books["Smilla’s Sense of Snow"]["is_available"] is True and books["Dune"]["is_available"] is False

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


def test_a_user_whose_address_is_taken_here_is_refused_and_the_rest_go_in(sqlite_server, tmp_path):
    taken, fresh = unique_name("taken"), unique_name("fresh")
    local = sqlite_server.api()
    assert local.post("/api/register/", json={"username": unique_name("here"), "email": f"{taken}@example.org",
                                              "password": "An0ther-Long-Passphrase"}).status_code == 201
    user = lambda pk, name: {"model": "auth.user", "pk": pk, "fields": {
        "username": name, "email": f"{taken}@example.org" if name == taken else f"{name}@example.org",
        "password": "!unusable", "is_active": True, "date_joined": "2024-05-01T10:00:00.123Z"}}
    book = lambda owner, title: {"model": "myapp.books", "pk": owner * 10, "fields": {
        "title": title, "author": "A. Author", "published_year": 2001, "user": owner, "is_available": False}}
    (tmp_path / "dump.json").write_text(json.dumps([user(1, taken), user(2, fresh), book(1, "Lost"), book(2, "Kept")]))
    out = sqlite_server.command("import-django", str(tmp_path / "dump.json"), check=False)
    assert out.returncode != 0
    assert "Imported 2 users (1 new, 0 updated, 1 refused) and 2 books (1 new, 0 already there, 1 refused)" in out.stdout, out.stdout
    assert f"Refused: user {taken} (pk 1): its e-mail address {taken}@example.org belongs to another account here" in out.stdout
    assert "Refused: book “Lost”: its owner (user pk 1) is not in the file or was refused" in out.stdout
