"""Two server processes on one PostgreSQL or MariaDB behave as one; configuration is checked at start-up."""
import re
import subprocess
import time

import pytest
import requests

from conftest import BOOK_SERVER_BIN, STRONG_PASSWORD, Server, signup, unique_name, wait_until

SHARED_SECRET = "replicas-share-this-secret-key-0123456789abcdef"


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "mariadb"])
def test_two_replicas_share_blacklist_throttle_and_outbox(make_server, request, tmp_path, kind):
    db = request.getfixturevalue(kind).new()
    mail = tmp_path / "mail"
    a = make_server(kind, database_url=db, secret=SHARED_SECRET, env={"MAIL_DIR": str(mail)})
    b = make_server(kind, database_url=db, secret=SHARED_SECRET, env={"MAIL_DIR": str(mail)})
    a.mailbox = b.mailbox = type(a.mailbox)(mail)

    # Signed up through A (mail sent by whichever worker claims it), logged in on B.
    user = signup(a)
    on_b = b.api().login(user.username)
    assert on_b.post("/api/books/", json={"title": "Shared", "author": "Both", "published_year": 2001}).status_code == 201
    assert [x["title"] for x in user.get("/api/books/").json()] == ["Shared"]

    # Logout on B; A refuses the refresh token and the access token.
    assert on_b.post("/api/logout/", json={"refresh_token": on_b.refresh_token}).status_code == 205
    assert requests.post(a.url + "/api/token/refresh/", json={"refresh": on_b.refresh_token}).status_code == 401
    assert requests.get(a.url + "/api/books/", headers={"Authorization": f"Bearer {on_b.access}"}).status_code == 401

    # Rotation on A; B refuses the rotated-out token.
    fresh = requests.post(a.url + "/api/token/refresh/", json={"refresh": user.refresh_token}).json()
    assert requests.post(b.url + "/api/token/refresh/", json={"refresh": user.refresh_token}).status_code == 401
    # That was a reuse: the whole sign-in ends, the new refresh token with it (RFC 9700 §4.14).
    r = requests.post(b.url + "/api/token/refresh/", json={"refresh": fresh["refresh"]})
    assert r.status_code == 401 and r.json()["detail"].startswith("Signed out")

    # Failed logins counted across both replicas.
    for i in range(5):
        srv = a if i % 2 else b
        assert requests.post(srv.url + "/api/token/", json={"username": user.username, "password": "guess-guess-1"}).status_code == 401
    assert requests.post(a.url + "/api/token/", json={"username": user.username, "password": STRONG_PASSWORD}).status_code == 429
    assert requests.post(b.url + "/api/token/", json={"username": user.username, "password": STRONG_PASSWORD}).status_code == 429

    # Each queued mail goes out once, though both workers look at the outbox.
    names = [unique_name() for _ in range(6)]
    for i, name in enumerate(names):
        srv = a if i % 2 else b
        requests.post(srv.url + "/api/register/", json={"username": name, "email": f"{name}@example.org", "password": STRONG_PASSWORD})
    for name in names:
        a.mailbox.wait_for(f"{name}@example.org", "Activate")
    time.sleep(3)  # both workers poll every 2 s: give a duplicate the chance to appear
    for name in names:
        sent = [m for m in a.mailbox.messages() if f"{name}@example.org" in str(m["To"])]
        assert len(sent) == 1, name


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:{tmp_path}/x.sqlite"}
    r = subprocess.run([str(BOOK_SERVER_BIN), "serve", "--env", "production", "--port", "0"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "SECRET_KEY" in r.stdout + r.stderr
    env["SECRET_KEY"] = "insecure-development-key-change-me"
    r = subprocess.run([str(BOOK_SERVER_BIN), "serve", "--env", "production", "--port", "0"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "SECRET_KEY" in r.stdout + r.stderr


@pytest.mark.parametrize("name,value", [("DATABASE_URL", "mysql://x"), ("ACCESS_TOKEN_LIFETIME", "soon"),
                                        ("SMTP_SECURITY", "ssl3")])
def test_bad_settings_are_named(tmp_path, name, value):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SMTP_HOST": "127.0.0.1", name: value}
    r = subprocess.run([str(BOOK_SERVER_BIN), "serve", "--port", "0"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and name in r.stdout + r.stderr


def test_settings_come_from_a_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:{tmp_path}/from-dotenv.sqlite\nMAIL_DIR={tmp_path}/dotenv-mail\n")
    srv = Server(tmp_path, database_url="unused")
    srv.env.pop("DATABASE_URL")
    srv.env.pop("MAIL_DIR")
    srv.start()
    try:
        signup_ok = requests.post(srv.url + "/api/register/", json={"username": "dot", "email": "dot@example.org", "password": STRONG_PASSWORD})
        assert signup_ok.status_code == 201
        assert (tmp_path / "from-dotenv.sqlite").exists()
        wait_until(lambda: list((tmp_path / "dotenv-mail").glob("*.eml")), what="mail in the .env mailbox")
    finally:
        srv.stop()


def test_migrate_command_and_auto_migrate_off(tmp_path):
    srv = Server(tmp_path, env={"AUTO_MIGRATE": "false"})
    out = srv.command("migrate", "--yes")
    assert out.returncode == 0
    srv.start()
    try:
        assert signup(srv).get("/api/books/").status_code == 200
    finally:
        srv.stop()


def test_health_readiness_and_auth_config(server):
    assert requests.get(server.url + "/healthz").json() == {"status": "ok"}
    ready = requests.get(server.url + "/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    # The test servers run with ISBN_SOURCES empty: no lookup (test_lookup.py sees the default).
    assert requests.get(server.url + "/api/auth/config/").json() == {
        "local": True, "registration": True, "oidc": None, "isbn_lookup": False}


def test_unknown_routes_and_methods_answer_json(server):
    r = requests.get(server.url + "/api/nothing-here/")
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}


def test_sql_queries_per_list_do_not_grow_with_page_size(make_server):
    # The token cache off (AUTH_CACHE_MS=0): every request checks its token, so the two counted
    # lists do the same work but for the page size.
    srv = make_server(env={"LOG_LEVEL": "debug", "AUTH_CACHE_MS": "0"})
    api = signup(srv)
    for i in range(60):
        api.post("/api/books/", json={"title": f"T{i}", "author": "A", "published_year": 2000})

    def queries_for(path):
        marker = unique_name("marker")
        # A request we can find in the log (its path is logged; query strings and SQL binds are not).
        api.get(f"/api/{marker}/")
        before = srv.log_text().rfind(marker)
        assert api.get(path).status_code == 200
        time.sleep(0.3)
        tail = srv.log_text()[before:]
        request_ids = re.findall(r"GET " + re.escape(path.split("?")[0]) + r"\S* \[request-id: ([0-9A-F-]+)\]", tail)
        rid = request_ids[-1]
        return len([line for line in tail.splitlines() if rid in line and ("SELECT" in line or "select" in line)])

    small, large = queries_for("/api/books/?page_size=5"), queries_for("/api/books/?page_size=60")
    assert small == large and 0 < small <= 6, (small, large)
