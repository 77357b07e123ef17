"""book-server as an OpenID Connect resource server (issue 4), tested from the outside.

A real test provider (Tests/oidc/provider.py, Keycloak-shaped, Authlib inside) and real book-server
processes; a scripted browser plays the user. Tokens come from real sign-ins (authorization code with
PKCE, device grant) or, for the refused-token table, from the provider's `/_test/issue-token`.
"""
from __future__ import annotations

import base64
import json
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from conftest import Api, Server, signup, unique_name, wait_until

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "oidc"))

from browser import Browser  # noqa: E402
from harness import PASSWORDS, Listener, ProviderProcess, pkce_pair  # noqa: E402

CLIENT_ID = "booktui"
AUDIENCE = "book-server"
BACKCHANNEL_PATH = "/api/oidc/backchannel-logout/"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


# --------------------------------------------------------------------------- helpers


def oidc_env(provider: ProviderProcess, **extra) -> dict[str, str]:
    env = {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_AUDIENCE": AUDIENCE}
    env.update(extra)
    return env


def start_server(tmp_root: Path, env: dict[str, str], database_url: str | None = None) -> Server:
    workdir = Path(tempfile.mkdtemp(prefix="server-oidc-", dir=tmp_root))
    return Server(workdir, database_url=database_url, env=env).start()


def point_backchannel_at(provider: ProviderProcess, server: Server):
    """The provider starts before the server (whose address it needs), so it is told afterwards."""
    provider.test_control("backchannel-url", {"url": server.url + BACKCHANNEL_PATH})


def issue(provider: ProviderProcess, username="librarian1", **body) -> str:
    """A token signed (or not) as the test says: see `/_test/issue-token` in provider.py."""
    return provider.test_control("issue-token", {"username": username, **body})["token"]


def browser_sign_in(provider: ProviderProcess, username: str) -> dict:
    """Authorization code with PKCE on a loopback redirect, as booktui does it."""
    oidc = provider.discovery()
    verifier, challenge = pkce_pair()
    with Listener() as callback, Browser() as browser:
        redirect_uri = callback.url("/callback")
        url = oidc["authorization_endpoint"] + "?" + urllib.parse.urlencode({
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect_uri,
            "scope": "openid profile email", "state": "st", "nonce": "n",
            "code_challenge": challenge, "code_challenge_method": "S256"})
        page = browser.sign_in(url, username, PASSWORDS[username])
        assert page.status == 200 and "code" in page.query, page.url
    resp = requests.post(oidc["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "client_id": CLIENT_ID, "code": page.query["code"],
        "redirect_uri": redirect_uri, "code_verifier": verifier})
    assert resp.status_code == 200, resp.text
    return resp.json()


def device_sign_in(provider: ProviderProcess, username: str) -> dict:
    """The device authorization grant (RFC 8628) with PKCE, as booktui does it over SSH."""
    oidc = provider.discovery()
    verifier, challenge = pkce_pair()
    grant = requests.post(oidc["device_authorization_endpoint"], timeout=10, data={
        "client_id": CLIENT_ID, "scope": "openid profile email",
        "code_challenge": challenge, "code_challenge_method": "S256"}).json()
    with Browser() as browser:
        page = browser.device_login(grant["verification_uri_complete"], username, PASSWORDS[username])
        assert "Device Login Successful" in page, page.text

    def poll():
        resp = requests.post(oidc["token_endpoint"], timeout=10, data={
            "grant_type": DEVICE_GRANT, "client_id": CLIENT_ID, "device_code": grant["device_code"],
            "code_verifier": verifier})
        if resp.status_code == 200:
            return resp.json()
        assert resp.json()["error"] in ("authorization_pending", "slow_down"), resp.text
        return None

    return wait_until(poll, timeout=30, interval=grant.get("interval", 1), what="device grant tokens")


def add_book(api: Api, token: str | None = None, title="Dune") -> requests.Response:
    return api.post("/api/books/", token=token, json={"title": title, "author": "Frank Herbert",
                                                       "published_year": 1965})


def assert_token_refused(resp: requests.Response):
    assert resp.status_code == 401, resp.text
    assert resp.json()["code"] == "token_not_valid", resp.text


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def provider():
    with ProviderProcess(extra_args=["--device-poll-interval", "1"]) as proc:
        yield proc


@pytest.fixture(scope="module")
def server(provider, tmp_root):
    srv = start_server(tmp_root, oidc_env(provider))
    point_backchannel_at(provider, srv)
    yield srv
    srv.stop()


# --------------------------------------------------------------------------- sign-in, roles, profile


def test_auth_config_advertises_the_provider(server, provider):
    body = requests.get(server.url + "/api/auth/config/", timeout=10).json()
    assert body["oidc"] == {"issuer": provider.issuer, "provider_name": "Keycloak", "client_id": CLIENT_ID,
                            "scopes": ["openid", "profile", "email"], "device_authorization": True}
    assert body["local"] is True


def test_auth_config_without_oidc_issuer_is_null(sqlite_server):
    body = requests.get(sqlite_server.url + "/api/auth/config/", timeout=10).json()
    assert "oidc" in body and body["oidc"] is None


def test_without_oidc_issuer_provider_tokens_and_back_channel_logout_are_refused(sqlite_server, provider):
    assert_token_refused(Api(sqlite_server.url).get("/api/books/", token=issue(provider)))
    resp = requests.post(sqlite_server.url + BACKCHANNEL_PATH, data={"logout_token": "x"}, timeout=10)
    assert resp.status_code == 404 and "detail" in resp.json()
    schema = requests.get(sqlite_server.url + "/api/schema/", timeout=10).json()
    assert "post" in schema["paths"][BACKCHANNEL_PATH]


def test_keycloak_librarian_signed_in_through_the_browser_adds_a_book(server, provider):
    tokens = browser_sign_in(provider, "librarian1")
    api = Api(server.url, tokens["access_token"])

    created = add_book(api, title="Dune (via Keycloak)")
    assert created.status_code == 201, created.text
    assert [b["title"] for b in api.get("/api/books/").json()].count("Dune (via Keycloak)") >= 1

    profile = api.get("/api/profile/").json()
    assert profile["auth_source"] == "oidc"
    assert profile["username"] == "librarian1"
    assert "librarian" in profile["roles"]
    assert profile["email"] and profile["book_count"] >= 1
    assert created.json()["user"] == profile["id"]


def test_reader_signed_in_with_the_device_grant_gets_403_with_a_clear_detail(server, provider):
    tokens = device_sign_in(provider, "reader1")
    api = Api(server.url, tokens["access_token"])

    refused = add_book(api)
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == \
        "You need the 'librarian' role to add books. Ask an administrator to grant it."
    # Reading is for everyone signed in.
    assert api.get("/api/books/").status_code == 200
    profile = api.get("/api/profile/").json()
    assert profile["auth_source"] == "oidc" and profile["username"] == "reader1"
    assert "librarian" not in profile["roles"]


def test_realm_role_librarian_counts_too(server, provider):
    api = Api(server.url, issue(provider, "librarian2"))
    assert add_book(api).status_code == 201
    assert "librarian" in api.get("/api/profile/").json()["roles"]


def test_roles_come_from_each_token(server, provider):
    sub = "roles-" + unique_name()
    base = {"sub": sub, "preferred_username": unique_name("kc")}
    with_role = issue(provider, claims={**base, "resource_access": {AUDIENCE: {"roles": ["librarian"]}}})
    without = issue(provider, claims={**base, "resource_access": None, "realm_access": {"roles": []}})
    other_client = issue(provider, claims={**base, "resource_access": {"other": {"roles": ["librarian"]}}})
    api = Api(server.url)
    assert add_book(api, with_role).status_code == 201
    assert add_book(api, without).status_code == 403
    assert add_book(api, other_client).status_code == 403


def test_first_call_provisions_and_later_calls_update_the_user(server, provider):
    sub = "sub-" + unique_name()
    name = unique_name("kc")
    first = issue(provider, claims={"sub": sub, "preferred_username": name, "email": f"{name}@sso.example.org",
                                    "given_name": "Ada", "family_name": "Lovelace"})
    api = Api(server.url)
    p1 = api.get("/api/profile/", token=first).json()
    assert (p1["username"], p1["email"], p1["first_name"], p1["last_name"], p1["auth_source"]) == \
        (name, f"{name}@sso.example.org", "Ada", "Lovelace", "oidc")

    renamed = name + "x"
    later = issue(provider, claims={"sub": sub, "preferred_username": renamed, "email": f"{renamed}@sso.example.org",
                                    "given_name": "Augusta", "family_name": "King"})
    p2 = api.get("/api/profile/", token=later).json()
    assert p2["id"] == p1["id"]
    assert (p2["username"], p2["email"], p2["first_name"], p2["last_name"]) == \
        (renamed, f"{renamed}@sso.example.org", "Augusta", "King")

    # The provider owns these fields: changing them here is refused, sending them back unchanged is not.
    change = api.patch("/api/profile/", token=later, json={"first_name": "Other"})
    assert change.status_code == 400 and "first_name" in change.json()
    same = api.put("/api/profile/", token=later, json={"email": p2["email"], "first_name": "Augusta",
                                                         "last_name": "King"})
    assert same.status_code == 200, same.text


def seed_dump(tmp: Path, *users: tuple[str, str, str]) -> Path:
    """A `dumpdata auth.user myapp.books` file: (username, e-mail, book title) per user, each with
    the unusable password mozilla-django-oidc gives the Keycloak users it makes."""
    records = []
    for pk, (name, address, title) in enumerate(users, start=1):
        records.append({"model": "auth.user", "pk": pk, "fields": {
            "username": name, "email": address, "password": "!" + unique_name(), "is_active": True,
            "first_name": "", "last_name": "", "date_joined": "2023-01-02T03:04:05Z", "last_login": None}})
        records.append({"model": "myapp.books", "pk": pk, "fields": {
            "title": title, "author": "Seed Author", "published_year": 2001, "user": pk, "is_available": True}})
    path = tmp / "dump.json"
    path.write_text(json.dumps(records))
    return path


def titles(api: Api, token: str) -> list[str]:
    return sorted(b["title"] for b in api.get("/api/books/", token=token).json())


def test_the_seeds_keycloak_users_are_linked_by_verified_e_mail(server, provider, tmp_path):
    # mozilla-django-oidc names its users after a hash of the address; the provider does not.
    before, after = unique_name("kcseed"), unique_name("kcseed")
    dump = seed_dump(tmp_path, (unique_name("h"), f"{before}@sso.example.org", "Before Import"))
    api = Api(server.url)

    # An SSO account that exists before the import gets its seed books: the import links it.
    early = issue(provider, claims={"sub": "early-" + before, "preferred_username": before,
                                    "email": f"{before}@sso.example.org", "email_verified": True})
    assert titles(api, early) == []
    out = server.command("import-django", str(dump))
    assert "(0 new, 1 updated) and 1 books (1 new, 0 already there)" in out.stdout, out.stdout
    assert titles(api, early) == ["Before Import"]

    # An imported record waits for the first sign-in with its address, if the provider verified it.
    server.command("import-django", str(seed_dump(tmp_path, (unique_name("h"), f"{after}@sso.example.org", "After Import"))))
    unverified = issue(provider, claims={"sub": "unverified-" + after, "preferred_username": after + "u",
                                         "email": f"{after}@sso.example.org", "email_verified": False})
    assert titles(api, unverified) == []
    verified = issue(provider, claims={"sub": "verified-" + after, "preferred_username": after,
                                       "email": f"{after}@sso.example.org", "email_verified": True})
    assert titles(api, verified) == ["After Import"]
    profile = api.get("/api/profile/", token=verified).json()
    assert (profile["username"], profile["auth_source"]) == (after, "oidc")
    assert profile["date_joined"].startswith("2023-01-02")
    # Linked once: another subject with the same address gets an account of its own.
    other = issue(provider, claims={"sub": "other-" + after, "preferred_username": after + "o",
                                    "email": f"{after}@sso.example.org", "email_verified": True})
    assert titles(api, other) == []


def test_a_provider_username_taken_by_a_local_account_is_suffixed(server, provider):
    local = signup(server)
    sub = "clash-" + unique_name()
    token = issue(provider, claims={"sub": sub, "preferred_username": local.username})
    profile = Api(server.url).get("/api/profile/", token=token).json()
    assert profile["username"] == local.username + "-oidc"
    assert profile["auth_source"] == "oidc"
    # Stable: the next call does not rename it again, and the local account is untouched.
    again = Api(server.url).get("/api/profile/", token=issue(provider, claims={
        "sub": sub, "preferred_username": local.username})).json()
    assert again["username"] == local.username + "-oidc" and again["id"] == profile["id"]
    assert local.get("/api/profile/").json()["auth_source"] == "local"


# --------------------------------------------------------------------------- refused tokens


REFUSED = {
    "alg none": dict(alg="none"),
    "HS256 keyed with the public key": dict(alg="HS256-public-key"),
    "foreign issuer": dict(claims={"iss": "https://evil.example.org/realms/books"}),
    "expired": dict(expires_in=-120),
    "not valid yet": dict(claims={"nbf": int(time.time()) + 3600}),
    "wrong audience": dict(claims={"aud": "another-api", "azp": "another-client", "client_id": "another-client"}),
    "key not in the JWKS": dict(key="foreign"),
    "unknown kid": dict(key="foreign", header={"kid": "kid-never-published"}),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_refused_tokens_are_401(server, provider, case):
    token = issue(provider, **REFUSED[case])
    resp = Api(server.url).get("/api/books/", token=token)
    assert_token_refused(resp)
    assert resp.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_the_audience_may_be_in_azp_alone(server, provider):
    token = issue(provider, claims={"aud": "account", "azp": AUDIENCE})
    assert Api(server.url).get("/api/books/", token=token).status_code == 200


def test_local_tokens_still_work_beside_provider_tokens(server):
    api = signup(server)
    assert add_book(api).status_code == 201
    assert api.get("/api/profile/").json()["auth_source"] == "local"


# --------------------------------------------------------------------------- keys


def test_a_rotated_key_is_fetched_once_and_accepted(tmp_root):
    # Its own provider: rotating the shared one would leave the other tests' server with old keys.
    with ProviderProcess() as provider:
        srv = start_server(tmp_root, oidc_env(provider))
        try:
            api = Api(srv.url)
            old_key = issue(provider)
            assert api.get("/api/books/", token=old_key).status_code == 200  # keys now cached
            rotated = provider.test_control("rotate-keys")
            assert rotated["kid"] != rotated["previous_kid"]
            new_key = issue(provider)
            assert api.get("/api/books/", token=new_key).status_code == 200
            assert api.get("/api/profile/", token=new_key).json()["auth_source"] == "oidc"
            # The old key left the JWKS, and so our cache: its tokens are refused from now on.
            assert_token_refused(api.get("/api/books/", token=old_key))
        finally:
            srv.stop()


def test_provider_down_keeps_cached_keys_and_local_accounts_working(tmp_root):
    with ProviderProcess() as provider:
        srv = start_server(tmp_root, oidc_env(provider))
        try:
            api = Api(srv.url)
            before = issue(provider, "librarian1")
            minted_later_with_same_key = issue(provider, "reader1")
            assert api.get("/api/books/", token=before).status_code == 200
            provider.stop()
            with pytest.raises(requests.ConnectionError):
                requests.get(provider.base_url + "/", timeout=2)

            # Cached key: both verify, and a new subject is even provisioned.
            assert add_book(api, before).status_code == 201
            reader = api.get("/api/profile/", token=minted_later_with_same_key).json()
            assert reader["username"] == "reader1" and reader["auth_source"] == "oidc"
            # An unknown kid cannot be fetched now: refused, quickly, not an error.
            started = time.monotonic()
            forged = before.split(".")
            header = json.loads(base64.urlsafe_b64decode(forged[0] + "=" * (-len(forged[0]) % 4)))
            header["kid"] = "kid-while-down"
            forged[0] = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
            assert_token_refused(api.get("/api/books/", token=".".join(forged)))
            assert time.monotonic() - started < 10
            # Local accounts do not need the provider at all.
            local = signup(srv)
            assert add_book(local).status_code == 201
            assert requests.get(srv.url + "/api/auth/config/", timeout=10).status_code == 200
        finally:
            srv.stop()


def test_discovery_and_keys_come_from_the_internal_address(tmp_root):
    """The public issuer (what tokens say) does not resolve here; OIDC_INTERNAL_URL does."""
    with ProviderProcess(public_url="http://sso.invalid:{port}") as provider:
        assert provider.issuer.startswith("http://sso.invalid:")
        internal = provider.base_url + "/realms/books"
        srv = start_server(tmp_root, oidc_env(provider, OIDC_INTERNAL_URL=internal))
        try:
            api = Api(srv.url)
            assert api.get("/api/books/", token=issue(provider)).status_code == 200
            config = requests.get(srv.url + "/api/auth/config/", timeout=10).json()["oidc"]
            assert config["issuer"] == provider.issuer  # clients get the public one
        finally:
            srv.stop()


# --------------------------------------------------------------------------- sign-out


def test_single_sign_out_reaches_the_server_by_back_channel(server, provider):
    tokens = browser_sign_in(provider, "librarian1")
    api = Api(server.url, tokens["access_token"])
    assert api.get("/api/books/").status_code == 200

    # What `booktui logout` does: the provider's logout with the refresh token, no browser.
    oidc = provider.discovery()
    resp = requests.post(oidc["end_session_endpoint"], timeout=15, data={
        "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]})
    assert resp.status_code == 204, resp.text

    # The provider called our back-channel endpoint before answering, and we accepted it.
    deliveries = provider.test_control("state")["backchannel_logout"]
    assert any(d["url"] == server.url + BACKCHANNEL_PATH and d["status"] == 200 for d in deliveries), deliveries
    assert_token_refused(api.get("/api/books/"))
    refreshed = requests.post(oidc["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"

    # A new sign-in is a new session, and works.
    again = browser_sign_in(provider, "librarian1")
    assert Api(server.url, again["access_token"]).get("/api/books/").status_code == 200


def logout_token(provider, sid: str | None, sub: str, **claims) -> str:
    base = {"sub": sub, "sid": sid, "aud": CLIENT_ID, "events": {BACKCHANNEL_EVENT: {}},
            "azp": None, "typ": None, "realm_access": None, "resource_access": None, "scope": None,
            "preferred_username": None, "email": None, "exp": int(time.time()) + 120}
    base.update(claims)
    return issue(provider, claims=base)


def post_logout(server, token: str | None) -> requests.Response:
    data = {} if token is None else {"logout_token": token}
    return requests.post(server.url + BACKCHANNEL_PATH, data=data, timeout=10)


@pytest.mark.parametrize("case", ["missing", "garbage", "an access token", "nonce", "foreign issuer",
                                  "wrong audience", "no sid nor sub", "unsigned"])
def test_bad_logout_tokens_are_400_invalid_request(server, provider, case):
    sub = "bad-logout-" + unique_name()
    token = {
        "missing": lambda: None,
        "garbage": lambda: "not.a.jwt",
        "an access token": lambda: issue(provider),
        "nonce": lambda: logout_token(provider, "sid-x", sub, nonce="n"),
        "foreign issuer": lambda: logout_token(provider, "sid-x", sub, iss="https://evil.example.org/realms/books"),
        "wrong audience": lambda: logout_token(provider, "sid-x", sub, aud="someone-else"),
        "no sid nor sub": lambda: logout_token(provider, None, None),
        "unsigned": lambda: issue(provider, alg="none", claims={"aud": CLIENT_ID, "events": {BACKCHANNEL_EVENT: {}}}),
    }[case]()
    resp = post_logout(server, token)
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"] == "invalid_request"


def test_back_channel_logout_by_sid_and_by_sub(server, provider):
    # By sid: that session's tokens are refused, another session of the same user is not.
    sub = "bcl-" + unique_name()
    ended, other = issue(provider, sid="sid-ended-" + sub, claims={"sub": sub}), \
        issue(provider, sid="sid-other-" + sub, claims={"sub": sub})
    api = Api(server.url)
    assert api.get("/api/books/", token=ended).status_code == 200
    assert post_logout(server, logout_token(provider, "sid-ended-" + sub, sub)).status_code == 200
    assert_token_refused(api.get("/api/books/", token=ended))
    assert api.get("/api/books/", token=other).status_code == 200

    # By sub alone: every token of that subject issued up to then is refused.
    sub2 = "bcl-sub-" + unique_name()
    old = issue(provider, claims={"sub": sub2})
    assert api.get("/api/books/", token=old).status_code == 200
    assert post_logout(server, logout_token(provider, None, sub2)).status_code == 200
    assert_token_refused(api.get("/api/books/", token=old))
    # ...while one issued afterwards (a new sign-in) works; `iat` has whole seconds, so one minted
    # in the very second of the logout counts as before it.
    wait_until(lambda: api.get("/api/books/", token=issue(provider, claims={"sub": sub2})).status_code == 200,
               timeout=10, interval=0.2, what="a token issued after the logout to be accepted")


def test_token_verify_accepts_what_the_api_accepts(server, provider):
    def verify(token):
        return requests.post(server.url + "/api/token/verify/", json={"token": token}, timeout=10)

    assert verify(issue(provider)).status_code == 200
    for bad in (issue(provider, expires_in=-120), issue(provider, alg="none"),
                issue(provider, claims={"aud": "another-api", "azp": "another-client", "client_id": "another-client"})):
        refused = verify(bad)
        assert refused.status_code == 401 and refused.json()["code"] == "token_not_valid", refused.text


def test_logout_endpoint_blacklists_a_provider_access_token(server, provider):
    token = issue(provider, "librarian1")
    api = Api(server.url, token)
    assert api.post("/api/logout/", json={}).status_code == 205
    assert_token_refused(api.get("/api/books/"))
    assert requests.post(server.url + "/api/token/verify/", json={"token": token}, timeout=10).status_code == 401
    # Other tokens of the same user and session still work: the provider session is the client's to end.
    assert Api(server.url).get("/api/books/", token=issue(provider, "librarian1")).status_code == 200


@pytest.mark.postgres
def test_two_replicas_agree_on_a_back_channel_logout(provider, tmp_root, postgres):
    database = postgres.new()
    one = start_server(tmp_root, oidc_env(provider), database_url=database)
    two = start_server(tmp_root, oidc_env(provider), database_url=database)
    try:
        sub = "replica-" + unique_name()
        token = issue(provider, sid="sid-" + sub, claims={"sub": sub})
        assert Api(two.url).get("/api/books/", token=token).status_code == 200
        assert post_logout(one, logout_token(provider, "sid-" + sub, sub)).status_code == 200
        assert_token_refused(Api(two.url).get("/api/books/", token=token))
    finally:
        one.stop()
        two.stop()
