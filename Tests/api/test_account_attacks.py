"""Issue 13, "Accounts and tokens": each attack a hostile user tried, against real servers on SQLite
and PostgreSQL, and the answer it must get now."""
import base64
import concurrent.futures
import os
import sqlite3
import statistics
import subprocess
import time

import pytest
import requests

from conftest import (STRONG_PASSWORD, Server, SMTPCollector, link_parts, mail_link, mysql_sql, signup, unique_name,
                      wait_until)

SHARED_SECRET = "replicas-share-this-secret-key-0123456789abcdef"


def sql(server: Server, statement: str) -> list[tuple]:
    """Runs one statement on the server's database, as an operator (or an attacker with a shell) would."""
    if server.database_url.startswith("sqlite:"):
        with sqlite3.connect(server.database_url[len("sqlite:"):], timeout=30) as db:
            db.execute("PRAGMA foreign_keys = ON")
            return [tuple(str(v) for v in row) for row in db.execute(statement).fetchall()]
    if server.database_url.startswith(("mysql:", "mariadb:")):
        return mysql_sql(server.database_url, statement)
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "booktest", "-d", server.database_url.rsplit("/", 1)[1],
         "-v", "ON_ERROR_STOP=1", "-t", "-A", "-F", "\t", "-c", statement],
        env=dict(os.environ, PGPASSWORD="booktest"), capture_output=True, text=True, check=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line and not line.startswith(("DELETE", "UPDATE"))]


def parallel(n, call):
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda i: call(i), range(n)))


def mails_to(server, address, subject=""):
    return [m for m in server.mailbox.messages() if address.lower() in str(m["To"]).lower() and subject in str(m["Subject"])]


def log_count(server, text):
    return server.log_text().count(text)


# ---------------------------------------------------------------- 1. e-mail change takeover


def test_email_change_needs_the_password_and_the_new_mailbox(server):
    api = signup(server)
    new = f"{unique_name('new')}@example.org"
    r = api.patch("/api/profile/", json={"email": new})
    assert r.status_code == 400
    assert r.json() == {"current_password": ["Enter your current password to change your e-mail address."]}
    r = api.patch("/api/profile/", json={"email": new, "current_password": "not-my-password-1"})
    assert r.status_code == 400
    assert r.json() == {"current_password": ["Your password was entered incorrectly. Please enter it again."]}
    assert api.get("/api/profile/").json()["email"] == api.email

    r = api.patch("/api/profile/", json={"email": new, "current_password": STRONG_PASSWORD, "first_name": "Eve"})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == api.email and r.json()["pending_email"] == new and r.json()["first_name"] == "Eve"
    notice = server.mailbox.wait_for(api.email, "being changed")
    assert new in notice.get_content() and "change your password" in notice.get_content()
    link = mail_link(server.mailbox.wait_for(new, "Confirm your new"), "confirm-email")

    # Before the confirmation a reset to the new address reaches nobody; the account's address gets it.
    requests.post(server.url + "/api/password-reset/", json={"email": new})
    requests.post(server.url + "/api/password-reset/", json={"email": api.email})
    server.mailbox.wait_for(api.email, "Reset")
    assert mails_to(server, new, "Reset") == []

    uid, token = link_parts(link)
    junk = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    bad = requests.post(server.url + "/api/profile/email/confirm/", json={"uid": uid, "token": junk})
    assert bad.status_code == 400 and "token" in bad.json(), (token, junk, bad.text)
    page = requests.get(link)
    assert page.status_code == 200 and new in page.text
    profile = api.get("/api/profile/").json()
    assert profile["email"] == new and profile["pending_email"] is None
    again = requests.post(server.url + "/api/profile/email/confirm/", json={"uid": uid, "token": token})
    assert again.status_code == 400 and "token" in again.json()
    # Sending the address the account has is no change and needs no password.
    assert api.put("/api/profile/", json={"email": new.upper(), "first_name": "E", "last_name": ""}).status_code == 200


# ---------------------------------------------------------------- 2. parallel password guessing


def guess(url, username, i):
    return requests.post(url + "/api/token/", json={"username": username, "password": f"wrong-guess-{i}"}).status_code


def test_parallel_wrong_passwords_meet_the_limit(server):
    api = signup(server)
    codes = parallel(30, lambda i: guess(server.url, api.username, i))
    assert sorted(codes) == [401] * 5 + [429] * 25, codes
    r = requests.post(server.url + "/api/token/", json={"username": api.username, "password": STRONG_PASSWORD})
    assert r.status_code == 429


@pytest.mark.postgres
def test_parallel_wrong_passwords_meet_the_limit_across_replicas(make_server, postgres):
    db = postgres.new()
    a = make_server("postgres", database_url=db, secret=SHARED_SECRET)
    b = make_server("postgres", database_url=db, secret=SHARED_SECRET)
    user = signup(a)
    codes = parallel(30, lambda i: guess((a if i % 2 else b).url, user.username, i))
    assert sorted(codes) == [401] * 5 + [429] * 25, codes


# ---------------------------------------------------------------- 3. refresh-token reuse


def test_refresh_token_reuse_ends_the_whole_sign_in(server):
    api = signup(server)
    r1, a1 = api.refresh_token, api.access
    second = requests.post(server.url + "/api/token/refresh/", json={"refresh": r1}).json()
    r2, a2 = second["refresh"], second["access"]
    assert api.get("/api/profile/", token=a2).status_code == 200
    other_login = server.api().login(api.username)

    reuse = requests.post(server.url + "/api/token/refresh/", json={"refresh": r1})
    assert reuse.status_code == 401 and reuse.json()["detail"].startswith("Signed out")
    for refresh in (r2, r1):
        r = requests.post(server.url + "/api/token/refresh/", json={"refresh": refresh})
        assert r.status_code == 401 and r.json()["detail"].startswith("Signed out"), r.text
    for access in (a1, a2):
        r = api.get("/api/profile/", token=access)
        assert r.status_code == 401 and r.json()["detail"].startswith("Signed out"), r.text
        r = requests.post(server.url + "/api/token/verify/", json={"token": access})
        assert r.status_code == 401
    # Another sign-in of the same user is another family, and the user can sign in again.
    assert other_login.get("/api/profile/").status_code == 200
    assert server.api().login(api.username).get("/api/profile/").status_code == 200


# ---------------------------------------------------------------- 4. a deleted user's tokens


def test_a_deleted_users_tokens_never_open_a_new_account(server):
    gone = signup(server)
    gone_id = gone.get("/api/profile/").json()["id"]
    sql(server, f"DELETE FROM users WHERE id = {gone_id}")
    newcomer = signup(server)
    new_id = newcomer.get("/api/profile/").json()["id"]
    assert new_id > gone_id
    r = requests.post(server.url + "/api/token/refresh/", json={"refresh": gone.refresh_token})
    assert r.status_code == 401
    assert gone.get("/api/profile/").status_code == 401


def test_tokens_carry_the_accounts_token_key(server):
    api = signup(server)
    user_id = api.get("/api/profile/").json()["id"]
    # As if the id now belonged to another account: its key differs from the one in the tokens.
    sql(server, f"UPDATE users SET token_key = 'another-account' WHERE id = {user_id}")
    r = requests.post(server.url + "/api/token/refresh/", json={"refresh": api.refresh_token})
    assert r.status_code == 401 and r.json()["code"] == "no_active_account"
    assert api.get("/api/profile/").status_code == 401


def test_sqlite_user_ids_use_autoincrement(sqlite_server):
    (ddl,) = sql(sqlite_server, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")[0]
    assert "AUTOINCREMENT" in ddl


# ---------------------------------------------------------------- 5. one e-mail, one account


def register(url, name, address, password=STRONG_PASSWORD):
    return requests.post(url + "/api/register/", json={"username": name, "email": address, "password": password})


def test_parallel_registrations_with_one_email_make_one_account(server):
    name = unique_name()
    address = f"{name}@example.org"
    codes = parallel(10, lambda i: register(server.url, name, address).status_code)
    assert sorted(codes) == [201] + [400] * 9, codes

    # Other usernames, the same address in any case: each gets the same 201, one account exists.
    address = f"{unique_name('shared')}@example.org"
    names = [unique_name() for _ in range(10)]
    answers = parallel(10, lambda i: register(server.url, names[i], address.upper() if i % 2 else address))
    assert [r.status_code for r in answers] == [201] * 10, [r.text for r in answers]
    rows = sql(server, f"SELECT username FROM users WHERE lower(email) = '{address}'")
    assert len(rows) == 1, rows


def test_migration_names_existing_duplicate_emails(make_server):
    srv = make_server()
    srv.stop()
    sql(srv, "DROP INDEX users_local_email_key")
    sql(srv, "DELETE FROM _fluent_migrations WHERE name LIKE '%UniqueLocalEmail'")
    for name, address in (("alice", "twin@example.org"), ("bob", "Twin@Example.org")):
        sql(srv, "INSERT INTO users (username, email, first_name, last_name, password_hash, is_active, auth_source, token_key) "
                 f"VALUES ('{name}', '{address}', '', '', 'x', 1, 'local', '')")
    with pytest.raises(AssertionError) as failed:
        srv.start()
    assert "twin@example.org (alice, bob)" in str(failed.value)


# ---------------------------------------------------------------- 6. mail bombing


def test_reset_and_resend_mail_at_most_three_times_per_address(server):
    api = signup(server)
    before = log_count(server, "mail limit: not sending the password reset mail")
    codes = parallel(10, lambda i: requests.post(server.url + "/api/password-reset/", json={"email": api.email}).status_code)
    assert codes == [202] * 10
    wait_until(lambda: log_count(server, "mail limit: not sending the password reset mail") == before + 7, what="7 refusals logged")
    wait_until(lambda: len(mails_to(server, api.email, "Reset")) == 3, what="3 reset mails")

    name = unique_name()
    assert register(server.url, name, f"{name}@example.org").status_code == 201
    codes = parallel(10, lambda i: requests.post(server.url + "/api/register/resend/", json={"email": f"{name}@example.org"}).status_code)
    assert codes == [202] * 10
    wait_until(lambda: len(mails_to(server, f"{name}@example.org", "Activate")) == 4, what="1 + 3 activation mails")
    assert "3 mails to one address per 15 minutes" in server.log_text()
    time.sleep(2.5)  # the mail worker polls every 2 s: a fifth mail would be out by now
    assert len(mails_to(server, f"{name}@example.org", "Activate")) == 4


def test_one_client_can_have_at_most_twenty_addresses_mailed(make_server):
    srv = make_server()
    names = [unique_name() for _ in range(22)]
    for name in names:
        assert register(srv.url, name, f"{name}@example.org").status_code == 201
    for name in names:
        assert requests.post(srv.url + "/api/register/resend/", json={"email": f"{name}@example.org"}).status_code == 202
    wait_until(lambda: srv.log_text().count("20 addresses per client address per 15 minutes") == 2, what="2 refusals in the log")
    wait_until(lambda: len(srv.mailbox.messages()) == 22 + 20, what="22 activation mails and 20 resent ones")


# ---------------------------------------------------------------- 7. long passwords


def test_passwords_over_72_bytes_are_refused(server):
    name = unique_name()
    r = register(server.url, name, f"{name}@example.org", password="Ünïcödé-" * 9)  # 8 characters, 12 bytes each run
    assert r.status_code == 400
    assert r.json() == {"password": ["Ensure this password has no more than 72 bytes (UTF-8). bcrypt ignores everything after byte 72, so longer passwords are refused."]}
    api = signup(server)
    assert requests.post(server.url + "/api/token/", json={"username": api.username, "password": STRONG_PASSWORD + "x" * 60}).status_code == 400
    huge = "p" * 100_000
    for path, body in (("/api/register/", {"username": unique_name(), "email": "huge@example.org", "password": huge}),
                       ("/api/token/", {"username": api.username, "password": huge}),
                       ("/api/password-reset/confirm/", {"uid": "MQ", "token": "x-y", "new_password": huge})):
        start = time.monotonic()
        r = requests.post(server.url + path, json=body)
        assert r.status_code == 400 and time.monotonic() - start < 1.0, (path, r.status_code, r.text[:200])
    r = api.post("/api/password/change/", json={"old_password": STRONG_PASSWORD, "new_password": huge})
    assert r.status_code == 400 and "72 bytes" in r.json()["new_password"][0]


# ---------------------------------------------------------------- 8. addresses that are not addresses

NOT_ADDRESSES = ["foo<victim@example.org>", "x>y@example.org", "a,b@example.org", "a\u0000b@example.org",
                 "a b@example.org", "a@b@example.org", "Name <a@example.org>", "\"a\"@example.org", "a@exa\u202emple.org"]


def test_only_plain_addresses_are_accepted(server):
    api = signup(server)
    for address in NOT_ADDRESSES:
        r = register(server.url, unique_name(), address)
        assert r.status_code == 400 and r.json() == {"email": ["Enter a valid email address."]}, (address, r.text)
        for path in ("/api/register/resend/", "/api/password-reset/"):
            r = requests.post(server.url + path, json={"email": address})
            assert r.status_code == 400 and "email" in r.json(), (path, address)
        r = api.patch("/api/profile/", json={"email": address, "current_password": STRONG_PASSWORD})
        assert r.status_code == 400 and r.json() == {"email": ["Enter a valid email address."]}, address
    assert register(server.url, unique_name(), f"{unique_name()}@bücher.example").status_code == 201


def test_smtp_sends_only_to_plain_addresses(make_server):
    collector = SMTPCollector()
    try:
        srv = make_server(env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(collector.port), "SMTP_SECURITY": "none",
                               "MAIL_FROM": "Books <books@example.org>"})
        # A recipient that got into the outbox some other way (an old row, another tool).
        sql(srv, "INSERT INTO outbox_messages (recipient, subject, body, attempts, next_attempt_at) "
                 "VALUES ('foo<victim@example.org>', 'Smuggled', 'x', 0, 0)")
        name = unique_name()
        assert register(srv.url, name, f"{name}@bücher.example").status_code == 201
        wait_until(lambda: any(f"{name}@xn--bcher-kva.example" in e.rcpt_tos for e in collector.envelopes), what="IDN delivery")
        wait_until(lambda: "not a plain local@domain address" in srv.log_text(), what="the refusal in the log")
        assert all("victim@example.org" not in rcpt for e in collector.envelopes for rcpt in e.rcpt_tos)
    finally:
        collector.stop()


# ---------------------------------------------------------------- 9. who has an account


def test_registration_with_a_used_email_looks_like_success(server):
    owner = signup(server)
    name = unique_name()
    copy = register(server.url, name, owner.email.upper())
    fresh_name = unique_name()
    fresh = register(server.url, fresh_name, f"{fresh_name}@example.org")
    assert copy.status_code == fresh.status_code == 201
    assert set(copy.json()) == set(fresh.json()) == {"username", "email", "is_active", "detail"}
    assert copy.json() == {"username": name, "email": owner.email, "is_active": False,
                           "detail": f"Account created. Open the link we sent to {owner.email} to activate it."}
    notice = server.mailbox.wait_for(owner.email, "already exists")
    assert owner.username in notice.get_content()
    assert sql(server, f"SELECT id FROM users WHERE username = '{name}'") == []


def test_junk_activation_tokens_say_nothing_about_the_account(server):
    active = signup(server)
    name = unique_name()
    register(server.url, name, f"{name}@example.org")
    inactive_uid, _ = link_parts(mail_link(server.mailbox.wait_for(f"{name}@example.org", "Activate"), "activate"))
    active_id = active.get("/api/profile/").json()["id"]
    active_uid = base64.urlsafe_b64encode(str(active_id).encode()).decode().rstrip("=")
    answers = [requests.post(server.url + "/api/activate/", json={"uid": uid, "token": "1a2b3c-0123456789abcdef0123"})
               for uid in (active_uid, inactive_uid, "OTk5OTk5OQ")]
    assert {r.status_code for r in answers} == {400}
    assert len({r.text for r in answers}) == 1, [r.text for r in answers]


def test_reset_and_resend_take_as_long_for_unknown_addresses(server):
    known = signup(server)
    timings = {"known": [], "unknown": []}
    for i in range(16):
        for kind, address in (("known", known.email), ("unknown", f"nobody{i}@example.org")):
            start = time.perf_counter()
            r = requests.post(server.url + "/api/password-reset/", json={"email": address})
            timings[kind].append(time.perf_counter() - start)
            assert r.status_code == 202
    known_ms = statistics.median(timings["known"]) * 1000
    unknown_ms = statistics.median(timings["unknown"]) * 1000
    assert abs(known_ms - unknown_ms) < 5, (known_ms, unknown_ms)
