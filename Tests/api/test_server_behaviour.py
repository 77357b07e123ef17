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


# --------------------------------------------------------------------------- 10: log lines


def test_a_percent_encoded_newline_cannot_forge_a_log_line(sqlite_server):
    mark = len(sqlite_server.log_text())
    r = requests.get(sqlite_server.url + "/api/x%0A%5B%20CRITICAL%20%5D%20forged%0D%1B%5B2J/")
    assert r.status_code == 404
    tail = log_after(sqlite_server, mark)
    assert not any(line.lstrip().startswith("[ CRITICAL ] forged") for line in tail.splitlines()), tail
    assert ESC not in tail and "\r" not in tail
    # The request is logged on one line, as sent.
    assert re.search(r"GET /api/x%0A%5B%20CRITICAL%20%5D%20forged%0D%1B%5B2J/ \[", tail), tail


def test_mail_link_tokens_are_not_in_the_log(sqlite_server):
    mark = len(sqlite_server.log_text())
    api = signup(sqlite_server)  # opens /activate/<uid>/<token>/
    activation_uid, activation_token = link_parts(
        mail_link(sqlite_server.mailbox.wait_for(api.email, "Activate"), "activate"))
    assert requests.post(sqlite_server.url + "/api/password-reset/", json={"email": api.email}).status_code == 202
    link = mail_link(sqlite_server.mailbox.wait_for(api.email, "Reset"), "reset")
    uid, token = link_parts(link)
    assert requests.get(link).status_code == 200
    assert requests.post(link, data={"new_password": "x", "new_password2": "y"}).status_code == 400
    r = requests.post(sqlite_server.url + "/api/password-reset/confirm/",
                      json={"uid": uid, "token": token, "new_password": STRONG_PASSWORD + "-new"})
    assert r.status_code == 204
    # The link that confirms a new e-mail address, and the API call that does the same.
    new = f"{unique_name('new')}@example.org"
    api.login(api.username, STRONG_PASSWORD + "-new")
    assert api.patch("/api/profile/", json={"email": new, "current_password": STRONG_PASSWORD + "-new"}).status_code == 200
    confirm = mail_link(sqlite_server.mailbox.wait_for(new, "Confirm your new"), "confirm-email")
    confirm_uid, confirm_token = link_parts(confirm)
    assert requests.post(sqlite_server.url + "/api/profile/email/confirm/",
                         json={"uid": confirm_uid, "token": confirm_token + "x"}).status_code == 400
    assert requests.get(confirm).status_code == 200
    tail = log_after(sqlite_server, mark)
    assert f"GET /activate/{activation_uid}/[redacted]/" in tail
    assert f"GET /reset/{uid}/[redacted]/" in tail and f"POST /reset/{uid}/[redacted]/" in tail
    assert f"GET /confirm-email/{confirm_uid}/[redacted]/" in tail
    assert activation_token not in tail and token not in tail and confirm_token not in tail


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_debug_sql_log_has_no_hashes_mail_bodies_or_tokens(make_server, kind):
    srv = make_server(kind, env={"LOG_LEVEL": "debug"})
    api = signup(srv)
    uid, token = link_parts(mail_link(srv.mailbox.wait_for(api.email, "Activate"), "activate"))
    assert api.post("/api/books/", json={"title": "Visible title", "author": "A", "published_year": 2000}).status_code == 201
    wait_until(lambda: "INSERT" in srv.log_text() or "insert" in srv.log_text(), what="SQL in the debug log")
    log = log_after(srv, 0)
    assert "Executing query" in log and "hidden]" in log            # statements are still there
    assert not re.search(r"\$2[aby]\$\d\d\$", log), "a bcrypt hash is in the log"
    assert token not in log, "the activation token (in the queued mail) is in the log"
    assert STRONG_PASSWORD not in log and "Visible title" not in log


# --------------------------------------------------------------------------- 11: headers


def test_every_answer_says_nosniff_and_token_answers_are_not_stored(sqlite_server):
    base = sqlite_server.url
    name = unique_name()
    answers = {
        "register": requests.post(base + "/api/register/", json={"username": name, "email": f"{name}@example.org",
                                                                 "password": STRONG_PASSWORD}),
    }
    uid, token = link_parts(mail_link(sqlite_server.mailbox.wait_for(f"{name}@example.org", "Activate"), "activate"))
    answers["activate"] = requests.post(base + "/api/activate/", json={"uid": uid, "token": token})
    answers["token"] = requests.post(base + "/api/token/", json={"username": name, "password": STRONG_PASSWORD})
    pair = answers["token"].json()
    auth = {"Authorization": f"Bearer {pair['access']}"}
    answers["refresh"] = requests.post(base + "/api/token/refresh/", json={"refresh": pair["refresh"]})
    answers["profile"] = requests.get(base + "/api/profile/", headers=auth)
    answers["profile patch"] = requests.patch(base + "/api/profile/", json={"first_name": "Ann"}, headers=auth)
    answers["books"] = requests.get(base + "/api/books/", headers=auth)
    answers["bad login"] = requests.post(base + "/api/token/", json={"username": name, "password": "wrong-wrong-1"})
    answers["not found"] = requests.get(base + "/api/nothing-here/")
    answers["schema"] = requests.get(base + "/api/schema/")
    answers["health"] = requests.get(base + "/healthz")
    assert [k for k, r in answers.items() if r.status_code >= 500] == []
    for what, r in answers.items():
        assert r.headers.get("X-Content-Type-Options") == "nosniff", what
        assert "no-store" in r.headers.get("Cache-Control", ""), what


def test_mail_pages_forbid_framing_and_scripts(sqlite_server):
    api = signup(sqlite_server)
    assert requests.post(sqlite_server.url + "/api/password-reset/", json={"email": api.email}).status_code == 202
    link = mail_link(sqlite_server.mailbox.wait_for(api.email, "Reset"), "reset")
    for page in (requests.get(link), requests.get(sqlite_server.url + "/activate/xx/yy/"),
                 requests.get(sqlite_server.url + "/confirm-email/xx/yy/")):
        assert page.headers["Content-Type"].startswith("text/html")
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        policy = {d.split()[0]: d.split()[1:] for d in page.headers["Content-Security-Policy"].split(";") if d.strip()}
        assert policy["frame-ancestors"] == ["'none'"] and policy["default-src"] == ["'none'"]
        assert "script-src" not in policy                       # no scripts at all
        assert page.headers["Cache-Control"] == "no-store"


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


def test_a_looked_up_draft_has_no_control_characters_and_can_be_saved(make_server):
    # A catalogue's record with MARC non-sort marks (U+0098/U+009C), an escape and an override.
    from lookupharness import OpenLibraryStub
    stub = OpenLibraryStub({"0441172717": {
        "title": "\u0098The \u009cDune" + ESC + "[2J", "subtitle": "Tab\tand\nnewline",
        "authors": [{"name": "Frank \u202eHerbert"}], "publishers": [{"name": "Ace" + ESC + "]0;x\x07 Books"}],
        "publish_date": "1990", "identifiers": {"isbn_13": ["9780441172719"]}}})
    try:
        srv = make_server(env={"ISBN_SOURCES": "openlibrary", "OPENLIBRARY_URL": stub.url + "/"})
        api = signup(srv)
        r = api.get("/api/lookup/isbn/9780441172719/")
        assert r.status_code == 200, r.text
        draft = r.json()
        assert (draft["title"], draft["subtitle"], draft["author"], draft["publisher"]) == (
            "The Dune[2J", "Tab and newline", "Frank Herbert", "Ace]0;x Books")
        saved = api.post("/api/books/", json={k: draft[k] for k in ("title", "author", "publisher", "published_year", "isbn")})
        assert saved.status_code == 201, saved.text
    finally:
        stub.stop()


# --------------------------------------------------------------------------- 14: configuration errors


def run_server(tmp_path, env, *args, timeout=60):
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:{tmp_path}/cfg.sqlite"}
    base.update(env)
    started = time.monotonic()
    r = subprocess.run([str(BOOK_SERVER_BIN), *(args or ("serve", "--port", "0"))], cwd=tmp_path, env=base,
                       capture_output=True, text=True, timeout=timeout)
    return r, time.monotonic() - started


@pytest.mark.parametrize("env,variable", [
    ({"ACCESS_TOKEN_LIFETIME": "soon"}, "ACCESS_TOKEN_LIFETIME"),
    ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgres://books:s3cret-pw@[not-a-host"}, "DATABASE_URL"),
    ({"SMTP_HOST": "127.0.0.1", "SMTP_SECURITY": "ssl3"}, "SMTP_SECURITY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"ISBN_SOURCES": "gopher:example.org"}, "ISBN_SOURCES"),
    ({"LOOKUP_TIMEOUT": "soon"}, "LOOKUP_TIMEOUT"),
])
def test_a_configuration_error_is_one_line_and_status_1(tmp_path, env, variable):
    r, took = run_server(tmp_path, env)
    lines = [line for line in (r.stdout + r.stderr).splitlines() if line.strip()]
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert len(lines) == 1 and variable in lines[0], lines
    assert "Fatal error" not in lines[0] and "s3cret-pw" not in lines[0]
    assert took < 15, took


@pytest.mark.parametrize("secret", ["changeme-changeme-changeme-changeme-1234", "CHANGE_ME_TO_SOMETHING_LONG_AND_RANDOM",
                                    "x" * 48, "insecure-development-key-change-me-in-production"])
def test_production_refuses_placeholder_secrets(tmp_path, secret):
    r, _ = run_server(tmp_path, {"SECRET_KEY": secret}, "serve", "--env", "production", "--port", "0")
    lines = [line for line in (r.stdout + r.stderr).splitlines() if line.strip()]
    assert r.returncode == 1 and len(lines) == 1 and "SECRET_KEY" in lines[0], lines
    assert secret not in lines[0]


def test_development_warns_about_the_published_key(tmp_path):
    srv = Server(tmp_path)
    srv.env.pop("SECRET_KEY")
    srv.start()
    try:
        wait_until(lambda: "published development key" in srv.log_text(), what="the warning")
        assert "[ WARNING ]" in srv.log_text()
    finally:
        srv.stop()
    with_key = Server(tmp_path / "own-key").start()
    try:
        assert "published development key" not in with_key.log_text()
    finally:
        with_key.stop()


# --------------------------------------------------------------------------- 15: --help


@pytest.mark.parametrize("args", [("--help",), ("serve", "--help"), ("migrate", "--help"), ("roles", "--help"),
                                  ("import-django", "--help"),
                                  ("routes", "--help"), ("-h",)])
def test_help_migrates_nothing_and_starts_nothing(tmp_path, args):
    database = tmp_path / "fresh" / "books.sqlite"
    mail = tmp_path / "mail"
    r, took = run_server(tmp_path, {"DATABASE_URL": f"sqlite:{database}", "MAIL_DIR": str(mail)}, *args)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "Usage" in r.stdout or "usage" in r.stdout.lower(), r.stdout
    assert not (tmp_path / "fresh").exists(), "help created the database folder"
    assert not mail.exists()
    assert "mail worker" not in r.stdout + r.stderr and "migrat" not in r.stderr.lower()
    assert took < 10, took
