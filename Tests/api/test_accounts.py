"""Local accounts over the API: registration, activation, reset, change, throttling, roles."""
import time

import requests

from conftest import STRONG_PASSWORD, link_parts, mail_link, signup, unique_name


def register(server, name=None, password=STRONG_PASSWORD):
    name = name or unique_name()
    r = requests.post(server.url + "/api/register/", json={"username": name, "email": f"{name}@example.org", "password": password})
    return name, r


def test_registration_reports_every_field(server):
    r = requests.post(server.url + "/api/register/", json={"username": "bad name!", "email": "nope", "password": "12345678"})
    assert r.status_code == 400
    body = r.json()
    assert body["username"] == ["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]
    assert body["email"] == ["Enter a valid email address."]
    assert "This password is entirely numeric." in body["password"]
    assert "This password is too common." in body["password"]


def test_password_rules_like_djangos(server):
    name = unique_name("margaret")
    _, r = register(server, name, password=name + "1")
    assert r.status_code == 400 and r.json()["password"] == ["The password is too similar to the username."]
    _, r = register(server, password="short")
    assert "This password is too short. It must contain at least 8 characters." in r.json()["password"]


def test_duplicate_username_and_email(server):
    name, r = register(server)
    assert r.status_code == 201
    r = requests.post(server.url + "/api/register/", json={"username": name, "email": f"{name}@example.org", "password": STRONG_PASSWORD})
    assert r.status_code == 400
    # The name is public (it is chosen to be unique); whether an address has an account is not
    # said to anyone but its owner (test_account_attacks.py).
    assert r.json() == {"username": ["A user with that username already exists."]}


def test_activation_over_the_api_works_once(server):
    name, r = register(server)
    assert r.status_code == 201 and r.json()["is_active"] is False
    uid, token = link_parts(mail_link(server.mailbox.wait_for(f"{name}@example.org", "Activate"), "activate"))
    bad = requests.post(server.url + "/api/activate/", json={"uid": uid, "token": token[:-2] + "00"})
    assert bad.status_code == 400 and "token" in bad.json()
    ok = requests.post(server.url + "/api/activate/", json={"uid": uid, "token": token})
    assert ok.status_code == 200
    assert requests.post(server.url + "/api/token/", json={"username": name, "password": STRONG_PASSWORD}).status_code == 200


def test_resend_always_answers_202_and_mails_a_new_link(server):
    name, _ = register(server)
    address = f"{name}@example.org"
    server.mailbox.wait_for(address, "Activate")
    before = len([m for m in server.mailbox.messages() if address in str(m["To"])])
    r = requests.post(server.url + "/api/register/resend/", json={"email": address})
    assert r.status_code == 202
    from conftest import wait_until
    wait_until(lambda: len([m for m in server.mailbox.messages() if address in str(m["To"])]) == before + 1, what="second mail")
    assert requests.post(server.url + "/api/register/resend/", json={"email": "nobody@example.org"}).status_code == 202
    assert requests.post(server.url + "/api/register/resend/", json={}).status_code == 400


def test_password_reset_end_to_end_and_once_only(server):
    api = signup(server)
    assert requests.post(server.url + "/api/password-reset/", json={"email": "nobody@example.org"}).status_code == 202
    assert requests.post(server.url + "/api/password-reset/", json={"email": api.email.upper()}).status_code == 202
    link = mail_link(server.mailbox.wait_for(api.email, "Reset"), "reset")
    assert link.startswith(server.url + "/reset/")
    page = requests.get(link)
    assert page.status_code == 200 and 'name="new_password"' in page.text
    uid, token = link_parts(link)
    weak = requests.post(server.url + "/api/password-reset/confirm/", json={"uid": uid, "token": token, "new_password": "123"})
    assert weak.status_code == 400 and "new_password" in weak.json()
    new_password = "another-Secret-42"
    r = requests.post(server.url + "/api/password-reset/confirm/", json={"uid": uid, "token": token, "new_password": new_password})
    assert r.status_code == 204
    again = requests.post(server.url + "/api/password-reset/confirm/", json={"uid": uid, "token": token, "new_password": "third-Secret-77"})
    assert again.status_code == 400 and "token" in again.json()
    # The old refresh token died with the old password; the new password works.
    assert requests.post(server.url + "/api/token/refresh/", json={"refresh": api.refresh_token}).status_code == 401
    assert requests.post(server.url + "/api/token/", json={"username": api.username, "password": new_password}).status_code == 200


def test_reset_through_the_html_form(server):
    api = signup(server)
    requests.post(server.url + "/api/password-reset/", json={"email": api.email})
    link = mail_link(server.mailbox.wait_for(api.email, "Reset"), "reset")
    mismatch = requests.post(link, data={"new_password": "form-Secret-31", "new_password2": "other"})
    assert mismatch.status_code == 400 and "match" in mismatch.text
    done = requests.post(link, data={"new_password": "form-Secret-31", "new_password2": "form-Secret-31"})
    assert done.status_code == 200 and "Password changed" in done.text
    assert requests.post(server.url + "/api/token/", json={"username": api.username, "password": "form-Secret-31"}).status_code == 200


def test_password_change_blacklists_earlier_refresh_tokens(server):
    api = signup(server)
    other_session = requests.post(server.url + "/api/token/", json={"username": api.username, "password": STRONG_PASSWORD}).json()
    wrong = api.post("/api/password/change/", json={"old_password": "nope-nope-1", "new_password": "brand-New-pass-5"})
    assert wrong.status_code == 400
    assert wrong.json() == {"old_password": ["Your old password was entered incorrectly. Please enter it again."]}
    assert api.post("/api/password/change/", json={"old_password": STRONG_PASSWORD, "new_password": "brand-New-pass-5"}).status_code == 204
    for refresh in (api.refresh_token, other_session["refresh"]):
        r = requests.post(server.url + "/api/token/refresh/", json={"refresh": refresh})
        assert r.status_code == 401 and r.json()["detail"] == "Token is blacklisted"
    assert requests.post(server.url + "/api/token/", json={"username": api.username, "password": "brand-New-pass-5"}).status_code == 200


def test_repeated_failed_logins_are_slowed(server):
    api = signup(server)
    for _ in range(5):
        r = requests.post(server.url + "/api/token/", json={"username": api.username, "password": "bad-guess-000"})
        assert r.status_code == 401
    r = requests.post(server.url + "/api/token/", json={"username": api.username, "password": STRONG_PASSWORD})
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    assert "throttled" in r.json()["detail"]
    # Another username from the same address is not affected.
    other = signup(server)
    assert other.access


def test_librarian_role_is_needed_to_change_books(server):
    api = signup(server)
    book_id = api.post("/api/books/", json={"title": "T", "author": "A", "published_year": 2000}).json()["id"]
    out = server.command("roles", "revoke", api.username, "librarian")
    assert "(no roles)" in out.stdout
    assert server.command("roles", "list", api.username).stdout.strip() == "(no roles)"
    for method, path in (("post", "/api/books/"), ("put", f"/api/books/{book_id}/"),
                         ("patch", f"/api/books/{book_id}/"), ("delete", f"/api/books/{book_id}/")):
        r = getattr(api, method)(path, json={"title": "T", "author": "A", "published_year": 2000})
        assert r.status_code == 403, (method, r.text)
        assert "librarian" in r.json()["detail"]
    # Reading stays allowed.
    assert api.get("/api/books/").status_code == 200
    assert api.get(f"/api/books/{book_id}/").status_code == 200
    assert api.get("/api/profile/").json()["roles"] == []
    server.command("roles", "grant", api.username, "librarian")
    assert api.post("/api/books/", json={"title": "T2", "author": "A", "published_year": 2000}).status_code == 201
    missing = server.command("roles", "list", "no-such-user", check=False)
    assert missing.returncode != 0 and "No user named no-such-user" in (missing.stdout + missing.stderr)


def test_default_roles_come_from_the_environment(make_server):
    srv = make_server(env={"DEFAULT_ROLES": ""})
    api = signup(srv)
    assert api.get("/api/profile/").json()["roles"] == []
    assert api.post("/api/books/", json={"title": "T", "author": "A", "published_year": 2000}).status_code == 403


def test_expiry_of_access_and_one_time_tokens(make_server):
    srv = make_server(env={"ACCESS_TOKEN_LIFETIME": "1", "ONE_TIME_TOKEN_LIFETIME": "2"})
    api = signup(srv)
    name, _ = register(srv)
    link = mail_link(srv.mailbox.wait_for(f"{name}@example.org", "Activate"), "activate")
    time.sleep(3.1)
    r = api.get("/api/books/")
    assert r.status_code == 401 and r.json()["code"] == "token_not_valid"
    assert requests.get(link).status_code == 400
    uid, token = link_parts(link)
    assert requests.post(srv.url + "/api/activate/", json={"uid": uid, "token": token}).status_code == 400


def test_throttling_behind_a_trusted_proxy_counts_the_forwarded_client(make_server):
    srv = make_server(env={"TRUSTED_PROXY_HOPS": "1"})
    api = signup(srv)

    def login(forwarded_for, password="bad-guess-000"):
        return requests.post(srv.url + "/api/token/", json={"username": api.username, "password": password},
                             headers={"X-Forwarded-For": forwarded_for})

    # What a client writes itself (left of the proxy's entry) does not matter.
    for i in range(5):
        assert login(f"10.9.9.{i}, 203.0.113.7").status_code == 401
    assert login("203.0.113.7", STRONG_PASSWORD).status_code == 429
    # Someone else, behind the same proxy, is not locked out of that account.
    assert login("198.51.100.4", STRONG_PASSWORD).status_code == 200


def test_forwarded_for_is_ignored_without_trusted_proxies(server):
    api = signup(server)
    for i in range(5):
        r = requests.post(server.url + "/api/token/", json={"username": api.username, "password": "bad-guess-000"},
                          headers={"X-Forwarded-For": f"192.0.2.{i}"})
        assert r.status_code == 401
    r = requests.post(server.url + "/api/token/", json={"username": api.username, "password": STRONG_PASSWORD},
                      headers={"X-Forwarded-For": "192.0.2.99"})
    assert r.status_code == 429
