"""The seed's REST contract (shared/docs/api-contract.md), row by row, on SQLite and PostgreSQL."""
import base64
import json
import time

import requests

from conftest import STRONG_PASSWORD, signup, unique_name


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# ---------------------------------------------------------------- authentication


def test_missing_credentials_is_401_with_www_authenticate(server):
    r = requests.get(server.url + "/api/books/")
    assert r.status_code == 401
    assert r.json() == {"detail": "Authentication credentials were not provided."}
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_bad_token_is_401_token_not_valid(server):
    r = requests.get(server.url + "/api/books/", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == "token_not_valid" and body["detail"] and isinstance(body["messages"], list)


def test_token_obtain_gives_simplejwt_tokens(server):
    api = signup(server)
    for token, kind, lifetime in ((api.access, "access", 300), (api.refresh_token, "refresh", 86400)):
        assert header(token)["alg"] == "HS256"
        c = claims(token)
        assert c["token_type"] == kind
        assert set(c) >= {"token_type", "exp", "iat", "jti", "user_id"}
        assert c["exp"] - c["iat"] == lifetime
        assert isinstance(c["user_id"], int)


def test_wrong_password_and_unverified_user_get_the_same_401(server):
    api = signup(server)
    r = requests.post(server.url + "/api/token/", json={"username": api.username, "password": "wrong-password-1"})
    assert r.status_code == 401
    assert r.json() == {"detail": "No active account found with the given credentials"}
    name = unique_name()
    requests.post(server.url + "/api/register/", json={"username": name, "email": f"{name}@example.org", "password": STRONG_PASSWORD})
    r = requests.post(server.url + "/api/token/", json={"username": name, "password": STRONG_PASSWORD})
    assert r.status_code == 401
    assert r.json() == {"detail": "No active account found with the given credentials"}


def test_token_obtain_missing_fields_are_field_errors(server):
    r = requests.post(server.url + "/api/token/", json={})
    assert r.status_code == 400
    assert r.json() == {"username": ["This field is required."], "password": ["This field is required."]}


def test_refresh_rotates_and_blacklists_the_old_token(server):
    api = signup(server)
    r = requests.post(server.url + "/api/token/refresh/", json={"refresh": api.refresh_token})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access", "refresh"} and body["refresh"] != api.refresh_token
    assert requests.get(server.url + "/api/books/", headers={"Authorization": f"Bearer {body['access']}"}).status_code == 200
    again = requests.post(server.url + "/api/token/refresh/", json={"refresh": api.refresh_token})
    assert again.status_code == 401
    assert again.json()["code"] == "token_not_valid"
    assert requests.post(server.url + "/api/token/refresh/", json={"refresh": body["refresh"]}).status_code == 200


def test_refresh_refuses_an_access_token_and_garbage(server):
    api = signup(server)
    for bad in (api.access, "garbage"):
        r = requests.post(server.url + "/api/token/refresh/", json={"refresh": bad})
        assert r.status_code == 401 and r.json()["code"] == "token_not_valid"


def test_verify(server):
    api = signup(server)
    r = requests.post(server.url + "/api/token/verify/", json={"token": api.access})
    assert (r.status_code, r.json()) == (200, {})
    assert requests.post(server.url + "/api/token/verify/", json={"token": api.refresh_token}).status_code == 200
    r = requests.post(server.url + "/api/token/verify/", json={"token": api.access[:-3] + "abc"})
    assert r.status_code == 401 and r.json()["code"] == "token_not_valid"


def test_logout_blacklists_the_refresh_token_everywhere(server):
    api = signup(server)
    r = api.post("/api/logout/", json={"refresh_token": api.refresh_token})
    assert r.status_code == 205 and r.content == b""
    r = requests.post(server.url + "/api/token/refresh/", json={"refresh": api.refresh_token})
    assert r.status_code == 401 and r.json() == {"detail": "Token is blacklisted", "code": "token_not_valid"}
    r = requests.post(server.url + "/api/token/verify/", json={"token": api.refresh_token})
    assert r.status_code == 401
    # The access token that signed out is finished too.
    assert api.get("/api/books/").status_code == 401


def test_logout_needs_a_token_and_the_field(server):
    api = signup(server)
    assert requests.post(server.url + "/api/logout/", json={"refresh_token": api.refresh_token}).status_code == 401
    r = api.post("/api/logout/", json={})
    assert r.status_code == 400 and r.json() == {"detail": "Refresh token not provided."}


# ---------------------------------------------------------------- books


def book(**overrides):
    data = {"title": "The Left Hand of Darkness", "author": "Ursula K. Le Guin", "published_year": 1969}
    data.update(overrides)
    return data


def test_book_crud_and_shape(server):
    api = signup(server)
    r = api.post("/api/books/", json=book())
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["is_available"] is False
    assert created["user"] == claims(api.access)["user_id"]
    assert {"id", "title", "author", "published_year", "user", "is_available"} <= set(created)
    book_id = created["id"]

    assert api.get(f"/api/books/{book_id}/").json() == created
    listed = api.get("/api/books/").json()
    assert isinstance(listed, list) and [b["id"] for b in listed] == [book_id]

    r = api.put(f"/api/books/{book_id}/", json=book(title="The Dispossessed", published_year=1974, is_available=True))
    assert r.status_code == 200 and r.json()["title"] == "The Dispossessed" and r.json()["is_available"] is True

    r = api.put(f"/api/books/{book_id}/", json={"title": "Only a title"})
    assert r.status_code == 400
    assert set(r.json()) == {"author", "published_year"}

    r = api.patch(f"/api/books/{book_id}/", json={"is_available": False})
    assert r.status_code == 200 and r.json()["title"] == "The Dispossessed" and r.json()["is_available"] is False

    r = api.patch(f"/api/books/{book_id}/", json={"user": 999999, "id": 5})
    assert r.status_code == 200 and r.json()["user"] == created["user"] and r.json()["id"] == book_id

    assert api.delete(f"/api/books/{book_id}/").status_code == 204
    r = api.get(f"/api/books/{book_id}/")
    assert r.status_code == 404 and "detail" in r.json()


def test_another_users_book_is_404(server):
    alice, bob = signup(server), signup(server)
    book_id = alice.post("/api/books/", json=book()).json()["id"]
    for method in ("get", "put", "patch", "delete"):
        r = getattr(bob, method)(f"/api/books/{book_id}/", json=book())
        assert r.status_code == 404, (method, r.text)
    assert bob.get("/api/books/").json() == []
    assert alice.get(f"/api/books/{book_id}/").status_code == 200


def test_book_validation_reports_every_field(server):
    api = signup(server)
    # Our server takes titles and author lists up to 255 characters (a catalogue record's are longer
    # than the seed's 100 and 50): a seed client sees the length errors only beyond that.
    r = api.post("/api/books/", json={"title": "x" * 256, "author": "y" * 256, "published_year": "nineteen"})
    assert r.status_code == 400
    assert r.json() == {
        "title": ["Ensure this field has no more than 255 characters."],
        "author": ["Ensure this field has no more than 255 characters."],
        "published_year": ["A valid integer is required."],
    }
    r = api.post("/api/books/", json={})
    assert r.json() == {f: ["This field is required."] for f in ("title", "author", "published_year")}


# ---------------------------------------------------------------- profile


def test_profile_read_and_update(server):
    api = signup(server)
    api.post("/api/books/", json=book())
    profile = api.get("/api/profile/").json()
    assert {"id", "username", "email", "first_name", "last_name", "date_joined", "last_login", "book_count"} <= set(profile)
    assert profile["username"] == api.username and profile["book_count"] == 1
    assert profile["roles"] == ["librarian"] and profile["auth_source"] == "local"

    r = api.patch("/api/profile/", json={"first_name": "Ursula", "username": "hacker", "book_count": 99, "id": 1})
    assert r.status_code == 200
    assert r.json()["first_name"] == "Ursula" and r.json()["username"] == api.username and r.json()["book_count"] == 1
    r = api.put("/api/profile/", json={"first_name": "U", "last_name": "Le Guin", "email": api.email})
    assert r.status_code == 200 and r.json()["last_name"] == "Le Guin"
    r = api.patch("/api/profile/", json={"email": "not-an-address"})
    assert r.status_code == 400 and r.json() == {"email": ["Enter a valid email address."]}


def test_racing_refreshes_of_one_token_give_one_new_pair(server):
    import concurrent.futures

    api = signup(server)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: requests.post(server.url + "/api/token/refresh/", json={"refresh": api.refresh_token}), range(8)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [401] * 7, codes
