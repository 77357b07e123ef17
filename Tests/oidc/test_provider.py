"""The test OpenID provider, checked from the outside as a client would.

The provider runs as a real process on a free loopback port; a scripted
browser plays the user; loopback listeners stand in for the client's redirect
target and for the back-channel logout receiver.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import Browser, LoginFailed  # noqa: E402
from harness import PASSWORDS, REALM_FILE, Listener, ProviderProcess, pkce_pair  # noqa: E402

CLIENT_ID = "booktui"
AUDIENCE = "book-server"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
BACKCHANNEL_PATH = "/api/oidc/backchannel-logout/"


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def backchannel():
    with Listener(body="") as listener:
        yield listener


@pytest.fixture(scope="module")
def provider(backchannel):
    with ProviderProcess(backchannel_url=backchannel.url(BACKCHANNEL_PATH),
                         extra_args=["--device-poll-interval", "5"]) as proc:
        yield proc


@pytest.fixture(scope="module")
def oidc(provider):
    return provider.discovery()


@pytest.fixture
def callback():
    with Listener() as listener:
        yield listener


@pytest.fixture
def browser():
    with Browser() as b:
        yield b


def jwks_of(oidc) -> KeySet:
    return KeySet.import_key_set(requests.get(oidc["jwks_uri"], timeout=5).json())


def decode(token: str, oidc) -> tuple[dict, dict]:
    """Verify a JWT against the provider's JWKS; (header, claims)."""
    tok = jwt.decode(token, jwks_of(oidc), algorithms=["RS256"])
    return tok.header, tok.claims


def authorization_url(oidc, redirect_uri, *, challenge=None, state="st-1", nonce="n-1",
                      scope="openid", **extra) -> str:
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect_uri,
              "scope": scope, "state": state, "nonce": nonce}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return oidc["authorization_endpoint"] + "?" + urllib.parse.urlencode(params)


def sign_in(oidc, browser, callback, username="librarian1", nonce="n-1") -> dict:
    """The whole loopback flow; returns the token response (plus the nonce used)."""
    verifier, challenge = pkce_pair()
    redirect_uri = callback.url("/callback")
    page = browser.sign_in(authorization_url(oidc, redirect_uri, challenge=challenge, nonce=nonce),
                           username, PASSWORDS[username])
    assert page.status == 200, page.url
    code = page.query["code"]
    resp = requests.post(oidc["token_endpoint"], data={
        "grant_type": "authorization_code", "client_id": CLIENT_ID, "code": code,
        "redirect_uri": redirect_uri, "code_verifier": verifier}, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def refresh(oidc, refresh_token):
    return requests.post(oidc["token_endpoint"], data={
        "grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": refresh_token},
        timeout=5)


def device_start(oidc, *, pkce=True):
    data = {"client_id": CLIENT_ID, "scope": "openid"}
    verifier = None
    if pkce:
        verifier, challenge = pkce_pair()
        data.update(code_challenge=challenge, code_challenge_method="S256")
    resp = requests.post(oidc["device_authorization_endpoint"], data=data, timeout=5)
    return resp, verifier


def device_poll(oidc, device_code, verifier):
    data = {"grant_type": DEVICE_GRANT, "client_id": CLIENT_ID, "device_code": device_code}
    if verifier:
        data["code_verifier"] = verifier
    return requests.post(oidc["token_endpoint"], data=data, timeout=5)


# --------------------------------------------------------------------------
# the realm export
# --------------------------------------------------------------------------

def test_realm_export_is_consistent_with_the_server_defaults():
    realm = json.loads(Path(REALM_FILE).read_text())
    assert realm["realm"] == "books"
    clients = {c["clientId"]: c for c in realm["clients"]}
    assert set(clients) >= {CLIENT_ID, AUDIENCE}

    tui = clients[CLIENT_ID]
    assert tui["publicClient"] is True
    assert tui["standardFlowEnabled"] is True
    assert tui.get("directAccessGrantsEnabled") is False  # no password grant (RFC 9700)
    assert tui.get("implicitFlowEnabled") is False
    assert tui["attributes"]["pkce.code.challenge.method"] == "S256"
    assert tui["attributes"]["oauth2.device.authorization.grant.enabled"] == "true"
    assert set(tui["redirectUris"]) == {"http://127.0.0.1/*", "http://localhost/*"}
    assert tui["attributes"]["backchannel.logout.url"].endswith(BACKCHANNEL_PATH)
    mappers = [m for m in tui["protocolMappers"] if m["protocolMapper"] == "oidc-audience-mapper"]
    assert [m["config"]["included.client.audience"] for m in mappers] == [AUDIENCE]
    assert mappers[0]["config"]["access.token.claim"] == "true"

    server = clients[AUDIENCE]
    assert server.get("bearerOnly") is True or server.get("publicClient") is False
    assert not server.get("standardFlowEnabled") and not server.get("directAccessGrantsEnabled")
    assert "librarian" in {r["name"] for r in realm["roles"]["client"][AUDIENCE]}
    assert "librarian" in {r["name"] for r in realm["roles"]["realm"]}

    users = {u["username"]: u for u in realm["users"]}
    assert users["librarian1"]["clientRoles"][AUDIENCE] == ["librarian"]
    assert "librarian" not in users["reader1"].get("clientRoles", {}).get(AUDIENCE, [])
    assert "librarian" not in users["reader1"].get("realmRoles", [])
    for user in users.values():
        assert user["email"] and user["firstName"] and user["lastName"]
        assert user["credentials"][0]["type"] == "password"
    assert PASSWORDS == {u: users[u]["credentials"][0]["value"] for u in PASSWORDS}


# Field names of Keycloak's representations (RealmRepresentation, ClientRepresentation,
# RoleRepresentation, UserRepresentation, ...) that the export uses. Keycloak can refuse an import
# with an unknown field, so a typo here could break the deployment, not only a setting.
KNOWN_FIELDS = {
    "realm": {"realm", "displayName", "enabled", "sslRequired", "registrationAllowed",
              "resetPasswordAllowed", "loginWithEmailAllowed", "duplicateEmailsAllowed",
              "bruteForceProtected", "accessTokenLifespan", "ssoSessionIdleTimeout",
              "ssoSessionMaxLifespan", "revokeRefreshToken", "refreshTokenMaxReuse",
              "oauth2DeviceCodeLifespan", "oauth2DevicePollingInterval", "roles", "defaultRole",
              "clients", "users", "clientScopes", "attributes", "groups"},
    "client": {"clientId", "name", "description", "enabled", "protocol", "publicClient",
               "bearerOnly", "consentRequired", "standardFlowEnabled", "implicitFlowEnabled",
               "directAccessGrantsEnabled", "serviceAccountsEnabled", "fullScopeAllowed",
               "frontchannelLogout", "redirectUris", "webOrigins", "attributes",
               "protocolMappers", "defaultClientScopes", "optionalClientScopes", "secret",
               "clientAuthenticatorType", "rootUrl", "baseUrl", "adminUrl"},
    "role": {"name", "description", "composite", "composites", "clientRole"},
    "user": {"id", "username", "enabled", "emailVerified", "email", "firstName", "lastName",
             "credentials", "realmRoles", "clientRoles", "requiredActions", "attributes", "groups"},
    "mapper": {"name", "protocol", "protocolMapper", "consentRequired", "config"},
    "credential": {"type", "value", "temporary"},
}


def test_realm_export_uses_only_known_keycloak_fields():
    realm = json.loads(Path(REALM_FILE).read_text())

    def check(kind, obj):
        unknown = set(obj) - KNOWN_FIELDS[kind]
        assert not unknown, f"{kind}: unknown fields {sorted(unknown)}"

    check("realm", realm)
    for role in realm["roles"]["realm"] + [r for rs in realm["roles"]["client"].values() for r in rs]:
        check("role", role)
    check("role", realm["defaultRole"])
    for client in realm["clients"]:
        check("client", client)
        for mapper in client.get("protocolMappers", []):
            check("mapper", mapper)
        assert all(isinstance(v, str) for v in client.get("attributes", {}).values())
    for user in realm["users"]:
        check("user", user)
        for cred in user["credentials"]:
            check("credential", cred)


# --------------------------------------------------------------------------
# discovery and keys
# --------------------------------------------------------------------------

def test_discovery_document(provider, oidc):
    issuer = provider.issuer
    assert issuer == provider.base_url + "/realms/books"
    assert oidc["issuer"] == issuer
    base = issuer + "/protocol/openid-connect"
    assert oidc["authorization_endpoint"] == base + "/auth"
    assert oidc["token_endpoint"] == base + "/token"
    assert oidc["userinfo_endpoint"] == base + "/userinfo"
    assert oidc["jwks_uri"] == base + "/certs"
    assert oidc["end_session_endpoint"] == base + "/logout"
    assert oidc["revocation_endpoint"] == base + "/revoke"
    assert oidc["device_authorization_endpoint"] == base + "/auth/device"
    assert oidc["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "refresh_token", DEVICE_GRANT} <= set(oidc["grant_types_supported"])
    assert oidc["backchannel_logout_supported"] is True
    assert oidc["backchannel_logout_session_supported"] is True
    assert "RS256" in oidc["id_token_signing_alg_values_supported"]


def test_unknown_realm_is_404(provider):
    assert requests.get(provider.base_url + "/realms/nope/.well-known/openid-configuration",
                        timeout=5).status_code == 404


def test_jwks_has_rs256_keys_with_kid(oidc):
    keys = requests.get(oidc["jwks_uri"], timeout=5).json()["keys"]
    assert keys and all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["use"] == "sig" and k["kid"]
                        for k in keys)
    assert all("d" not in k for k in keys)  # public halves only


# --------------------------------------------------------------------------
# authorization code + PKCE on a loopback redirect
# --------------------------------------------------------------------------

def test_loopback_sign_in_with_pkce(oidc, browser, callback):
    verifier, challenge = pkce_pair()
    redirect_uri = callback.url("/callback")
    page = browser.sign_in(authorization_url(oidc, redirect_uri, challenge=challenge, state="s-42"),
                           "librarian1", PASSWORDS["librarian1"])
    # The browser landed on the client's loopback listener, with code and state.
    assert page.url.startswith(redirect_uri + "?")
    assert page.status == 200
    hit = callback.wait_for(lambda r: r["path"] == "/callback")
    assert hit["query"]["state"] == "s-42" and hit["query"]["code"] == page.query["code"]

    resp = requests.post(oidc["token_endpoint"], data={
        "grant_type": "authorization_code", "client_id": CLIENT_ID, "code": page.query["code"],
        "redirect_uri": redirect_uri, "code_verifier": verifier}, timeout=5)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Cache-Control"] == "no-store"
    tokens = resp.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] > 0 and tokens["refresh_token"] and tokens["id_token"]

    # A code is good once.
    again = requests.post(oidc["token_endpoint"], data={
        "grant_type": "authorization_code", "client_id": CLIENT_ID, "code": page.query["code"],
        "redirect_uri": redirect_uri, "code_verifier": verifier}, timeout=5)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_loopback_redirect_port_is_ignored_and_foreign_redirects_refused(oidc, browser):
    _, challenge = pkce_pair()
    # Any port on localhost / 127.0.0.1 matches http://localhost/* (RFC 8252).
    url = authorization_url(oidc, "http://localhost:1/cb", challenge=challenge)
    page = browser.sign_in(url, "reader1", PASSWORDS["reader1"], follow_callback=False)
    assert page.url.startswith("http://localhost:1/cb?") and "code" in page.query
    # A redirect URI that is not registered: an error page, no redirect.
    page = browser.open(authorization_url(oidc, "http://example.org/cb", challenge=challenge))
    assert page.status == 400 and page.url.startswith(oidc["authorization_endpoint"])


def test_pkce_is_required_for_booktui(oidc, browser, callback):
    redirect_uri = callback.url("/callback")
    # No code_challenge: refused at the authorization endpoint, back to the client.
    page = browser.open(authorization_url(oidc, redirect_uri), stop_outside=_origin(oidc["issuer"]))
    assert page.query["error"] == "invalid_request" and page.query["state"] == "st-1"
    # "plain" is not accepted either.
    page = browser.open(authorization_url(oidc, redirect_uri, code_challenge="x" * 43,
                                          code_challenge_method="plain"),
                        stop_outside=_origin(oidc["issuer"]))
    assert page.query["error"] == "invalid_request"

    verifier, challenge = pkce_pair()
    page = browser.sign_in(authorization_url(oidc, redirect_uri, challenge=challenge),
                           "librarian1", PASSWORDS["librarian1"])
    code = page.query["code"]
    form = {"grant_type": "authorization_code", "client_id": CLIENT_ID, "code": code,
            "redirect_uri": redirect_uri}
    missing = requests.post(oidc["token_endpoint"], data=form, timeout=5)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    wrong = requests.post(oidc["token_endpoint"], data={**form, "code_verifier": pkce_pair()[0]},
                          timeout=5)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    other_redirect = requests.post(oidc["token_endpoint"], timeout=5, data={
        **form, "code_verifier": verifier, "redirect_uri": redirect_uri + "x"})
    assert other_redirect.status_code == 400 and other_redirect.json()["error"] == "invalid_grant"
    right = requests.post(oidc["token_endpoint"], data={**form, "code_verifier": verifier}, timeout=5)
    assert right.status_code == 200, right.text


def test_wrong_password_is_refused(oidc, browser, callback):
    _, challenge = pkce_pair()
    with pytest.raises(LoginFailed, match="Invalid username or password"):
        browser.sign_in(authorization_url(oidc, callback.url(), challenge=challenge),
                        "librarian1", "not-the-password")
    assert callback.requests == []


def test_sso_session_skips_the_login_form_and_prompt_login_forces_it(oidc, browser, callback):
    sign_in(oidc, browser, callback)
    _, challenge = pkce_pair()
    url = authorization_url(oidc, callback.url("/again"), challenge=challenge)
    page = browser.open(url, stop_outside=_origin(oidc["issuer"]))
    assert "code" in page.query  # straight back to the client, no form
    page = browser.open(url + "&prompt=login", stop_outside=_origin(oidc["issuer"]))
    assert page.form_with("password") is not None


# --------------------------------------------------------------------------
# token contents
# --------------------------------------------------------------------------

def test_access_and_id_token_claims_for_a_librarian(provider, oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback, "librarian1", nonce="nonce-123")
    header, at = decode(tokens["access_token"], oidc)
    assert header["alg"] == "RS256" and header["kid"]
    now = time.time()
    assert at["iss"] == provider.issuer
    aud = at["aud"] if isinstance(at["aud"], list) else [at["aud"]]
    assert AUDIENCE in aud
    assert at["azp"] == CLIENT_ID
    assert at["iat"] <= now + 1 < at["exp"]
    assert at["jti"] and at["sid"] and at["sub"] == "7c1f0a52-3d2e-4d55-9a51-5f0b6a1e0001"
    assert "openid" in at["scope"].split()
    assert at["preferred_username"] == "librarian1"
    assert at["email"] == "librarian1@books.example"
    assert at["given_name"] == "Lena" and at["family_name"] == "Librarian"
    assert at["resource_access"][AUDIENCE]["roles"] == ["librarian"]
    assert "librarian" not in at["realm_access"]["roles"]
    assert "default-roles-books" in at["realm_access"]["roles"]

    _, idt = decode(tokens["id_token"], oidc)
    assert idt["iss"] == provider.issuer
    assert idt["aud"] == CLIENT_ID
    assert idt["nonce"] == "nonce-123"
    assert idt["sid"] == at["sid"] and idt["sub"] == at["sub"]
    assert idt["azp"] == CLIENT_ID and idt["exp"] > now and idt["auth_time"] <= now + 1
    assert idt["at_hash"]


def test_reader_has_no_librarian_role_but_the_same_audience(oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback, "reader1")
    _, at = decode(tokens["access_token"], oidc)
    assert at["aud"] == AUDIENCE  # from the audience mapper alone
    assert AUDIENCE not in at.get("resource_access", {})
    assert "librarian" not in at["realm_access"]["roles"]
    assert at["preferred_username"] == "reader1"


def test_realm_role_librarian_is_carried_in_realm_access(oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback, "librarian2")
    _, at = decode(tokens["access_token"], oidc)
    assert "librarian" in at["realm_access"]["roles"]
    assert AUDIENCE not in at.get("resource_access", {})


def test_userinfo(oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback, "reader1")
    resp = requests.get(oidc["userinfo_endpoint"], timeout=5,
                        headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert resp.status_code == 200, resp.text
    info = resp.json()
    assert info["preferred_username"] == "reader1" and info["email"] == "reader1@books.example"
    assert requests.get(oidc["userinfo_endpoint"], timeout=5).status_code == 401
    bad = requests.get(oidc["userinfo_endpoint"], timeout=5,
                       headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


# --------------------------------------------------------------------------
# refresh
# --------------------------------------------------------------------------

def test_refresh_rotates_the_refresh_token(oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback)
    first = refresh(oidc, tokens["refresh_token"])
    assert first.status_code == 200, first.text
    new = first.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert new["access_token"] != tokens["access_token"]
    assert new["id_token"]
    _, old_at = decode(tokens["access_token"], oidc)
    _, new_at = decode(new["access_token"], oidc)
    assert new_at["sid"] == old_at["sid"] and new_at["jti"] != old_at["jti"]
    # The old refresh token was used up (revokeRefreshToken in the realm).
    reuse = refresh(oidc, tokens["refresh_token"])
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    assert refresh(oidc, new["refresh_token"]).status_code == 200
    # Not another client's, not garbage.
    assert refresh(oidc, "garbage").json()["error"] == "invalid_grant"


# --------------------------------------------------------------------------
# device authorization grant (RFC 8628)
# --------------------------------------------------------------------------

def test_device_grant_requires_pkce_for_booktui(oidc):
    resp, _ = device_start(oidc, pkce=False)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"


def test_device_grant_pending_slow_down_approve(provider, oidc, browser):
    resp, verifier = device_start(oidc)
    assert resp.status_code == 200, resp.text
    grant = resp.json()
    assert grant["verification_uri"] == provider.issuer + "/device"
    assert grant["user_code"] in grant["verification_uri_complete"]
    assert grant["interval"] == 5 and grant["expires_in"] > 0

    first = device_poll(oidc, grant["device_code"], verifier)
    assert first.status_code == 400 and first.json()["error"] == "authorization_pending"
    too_fast = device_poll(oidc, grant["device_code"], verifier)
    assert too_fast.status_code == 400 and too_fast.json()["error"] == "slow_down"

    # The user opens the plain verification URI and types the code.
    page = browser.device_login(grant["verification_uri"], "librarian1", PASSWORDS["librarian1"],
                                user_code=grant["user_code"], approve=True)
    assert "Device Login Successful" in page

    no_verifier = device_poll(oidc, grant["device_code"], None)
    assert no_verifier.status_code == 400 and no_verifier.json()["error"] == "invalid_grant"
    ok = device_poll(oidc, grant["device_code"], verifier)
    assert ok.status_code == 200, ok.text
    tokens = ok.json()
    _, at = decode(tokens["access_token"], oidc)
    assert at["preferred_username"] == "librarian1" and at["azp"] == CLIENT_ID
    assert at["resource_access"][AUDIENCE]["roles"] == ["librarian"]
    assert tokens["refresh_token"] and tokens["id_token"]
    # A device code is good once.
    assert device_poll(oidc, grant["device_code"], verifier).status_code == 400


def test_device_grant_with_complete_uri_and_denial(oidc, browser):
    resp, verifier = device_start(oidc)
    grant = resp.json()
    page = browser.device_login(grant["verification_uri_complete"], "reader1",
                                PASSWORDS["reader1"], approve=False)
    assert "denied" in page.text
    denied = device_poll(oidc, grant["device_code"], verifier)
    assert denied.status_code == 400 and denied.json()["error"] == "access_denied"


def test_device_grant_wrong_user_code(oidc, browser):
    from browser import BrowserError
    with pytest.raises(BrowserError, match="Invalid code"):
        browser.device_login(oidc["issuer"] + "/device", "reader1", PASSWORDS["reader1"],
                             user_code="BBBB-CCCC")


def test_device_grant_expiry(backchannel):
    with ProviderProcess(extra_args=["--device-code-lifespan", "1", "--device-poll-interval", "1"]) as p:
        oidc = p.discovery()
        resp, verifier = device_start(oidc)
        grant = resp.json()
        assert grant["expires_in"] == 1
        errors = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # poll as a client would, at the given interval
            errors.append(device_poll(oidc, grant["device_code"], verifier).json()["error"])
            if errors[-1] == "expired_token":
                break
            time.sleep(grant["interval"])
        assert errors[0] == "authorization_pending" and errors[-1] == "expired_token", errors


# --------------------------------------------------------------------------
# sign-out
# --------------------------------------------------------------------------

def test_logout_with_refresh_token_ends_the_sso_session(provider, oidc, browser, callback, backchannel):
    tokens = sign_in(oidc, browser, callback, "librarian1")
    _, at = decode(tokens["access_token"], oidc)

    resp = requests.post(oidc["end_session_endpoint"], timeout=10, data={
        "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]})
    assert resp.status_code == 204, resp.text

    # The provider refuses the old refresh token, and userinfo the old access token.
    dead = refresh(oidc, tokens["refresh_token"])
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"
    assert requests.get(oidc["userinfo_endpoint"], timeout=5, headers={
        "Authorization": "Bearer " + tokens["access_token"]}).status_code == 401
    again = requests.post(oidc["end_session_endpoint"], timeout=5, data={
        "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    # Back-channel logout reached the receiver, with a proper logout token.
    token = backchannel.wait_for_logout(at["sid"])
    hit = next(r for r in backchannel.requests if r["form"].get("logout_token") == token)
    assert hit["method"] == "POST" and hit["path"] == BACKCHANNEL_PATH
    assert hit["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    header, lt = decode(token, oidc)
    assert header["alg"] == "RS256"
    assert lt["iss"] == provider.issuer and lt["aud"] == CLIENT_ID
    assert lt["sid"] == at["sid"] and lt["sub"] == at["sub"]
    assert lt["events"] == {"http://schemas.openid.net/event/backchannel-logout": {}}
    assert lt["jti"] and lt["iat"] <= time.time() + 1 and "nonce" not in lt

    # The browser's SSO session is gone: the login form is back.
    _, challenge = pkce_pair()
    page = browser.open(authorization_url(oidc, callback.url(), challenge=challenge))
    assert page.form_with("password") is not None


def test_logout_with_refresh_token_needs_the_right_client(oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback)
    resp = requests.post(oidc["end_session_endpoint"], timeout=5, data={
        "client_id": "book-server", "refresh_token": tokens["refresh_token"]})
    assert resp.status_code in (400, 401)
    assert refresh(oidc, tokens["refresh_token"]).status_code == 200


def test_rp_initiated_logout_with_id_token_hint(oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback)
    target = callback.url("/logged-out")
    url = oidc["end_session_endpoint"] + "?" + urllib.parse.urlencode({
        "id_token_hint": tokens["id_token"], "post_logout_redirect_uri": target, "state": "bye"})
    page = browser.logout(url)
    assert page.url.startswith(target) and page.query["state"] == "bye"
    assert refresh(oidc, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_rp_initiated_logout_without_hint_asks_first(oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback)
    url = oidc["end_session_endpoint"] + "?" + urllib.parse.urlencode({"client_id": CLIENT_ID})
    page = browser.logout(url, confirm=False)
    assert page.form_with("confirm") is not None
    assert refresh(oidc, tokens["refresh_token"]).status_code == 200  # nothing happened yet
    fresh = sign_in(oidc, browser, callback)
    page = browser.logout(url, confirm=True)
    assert "logged out" in page.text
    assert refresh(oidc, fresh["refresh_token"]).json()["error"] == "invalid_grant"


def test_revocation(oidc, browser, callback, backchannel):
    tokens = sign_in(oidc, browser, callback)
    revoke = oidc["revocation_endpoint"]
    assert requests.post(revoke, data={"client_id": CLIENT_ID}, timeout=5).json()["error"] \
        == "invalid_request"
    assert requests.post(revoke, data={"client_id": CLIENT_ID, "token": "unknown"},
                         timeout=5).status_code == 200
    resp = requests.post(revoke, data={"client_id": CLIENT_ID, "token": tokens["access_token"],
                                       "token_type_hint": "access_token"}, timeout=5)
    assert resp.status_code == 200
    assert requests.get(oidc["userinfo_endpoint"], timeout=5, headers={
        "Authorization": "Bearer " + tokens["access_token"]}).status_code == 401

    _, at = decode(tokens["access_token"], oidc)
    resp = requests.post(revoke, data={"client_id": CLIENT_ID, "token": tokens["refresh_token"]},
                         timeout=5)
    assert resp.status_code == 200
    assert refresh(oidc, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    # booktui was the session's only client: the session ended, and the server was told.
    token = backchannel.wait_for_logout(at["sid"])
    assert decode(token, oidc)[1]["aud"] == CLIENT_ID


# --------------------------------------------------------------------------
# test controls: key rotation, tokens for negative tests
# --------------------------------------------------------------------------

def test_key_rotation_drops_the_old_key(provider, oidc, browser, callback):
    tokens = sign_in(oidc, browser, callback)
    old_kid = json.loads(_b64d(tokens["access_token"].split(".")[0]))["kid"]
    before = {k["kid"] for k in requests.get(oidc["jwks_uri"], timeout=5).json()["keys"]}
    rotated = provider.test_control("rotate-keys")
    after = {k["kid"] for k in requests.get(oidc["jwks_uri"], timeout=5).json()["keys"]}
    assert rotated["previous_kid"] in before and rotated["kid"] in after
    assert rotated["previous_kid"] not in after
    assert old_kid == rotated["previous_kid"]
    with pytest.raises(JoseError):
        decode(tokens["access_token"], oidc)  # the old key is no longer published
    new = refresh(oidc, tokens["refresh_token"]).json()
    header, _ = decode(new["access_token"], oidc)
    assert header["kid"] == rotated["kid"]


def test_issue_token_for_negative_tests(provider, oidc):
    expired = provider.test_control("issue-token", {"username": "reader1", "expires_in": -60})
    header, claims = decode(expired["token"], oidc)  # signature fine ...
    assert claims["exp"] < time.time() and claims["preferred_username"] == "reader1"
    with pytest.raises(JoseError):  # ... but expired
        jwt.JWTClaimsRegistry(exp={"essential": True}).validate(claims)

    foreign = provider.test_control("issue-token", {"claims": {"iss": "https://evil.example/realms/books",
                                                               "sid": None}})
    _, claims = decode(foreign["token"], oidc)
    assert claims["iss"] == "https://evil.example/realms/books" and "sid" not in claims

    none = provider.test_control("issue-token", {"alg": "none"})["token"]
    assert none.endswith(".") and json.loads(_b64d(none.split(".")[0]))["alg"] == "none"
    hs = provider.test_control("issue-token", {"alg": "HS256-public-key"})["token"]
    assert json.loads(_b64d(hs.split(".")[0]))["alg"] == "HS256"
    with pytest.raises(JoseError):
        decode(hs, oidc)
    wrong_key = provider.test_control("issue-token", {"key": "foreign"})["token"]
    with pytest.raises(JoseError):
        decode(wrong_key, oidc)


def test_admin_end_session_sends_backchannel_logout(provider, oidc, browser, callback, backchannel):
    tokens = sign_in(oidc, browser, callback, "reader1")
    _, at = decode(tokens["access_token"], oidc)
    ended = provider.test_control("end-session", {"sid": at["sid"]})["ended"]
    assert ended == [at["sid"]]
    token = backchannel.wait_for_logout(at["sid"])
    assert decode(token, oidc)[1]["aud"] == CLIENT_ID
    assert refresh(oidc, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    state = provider.test_control("state")
    assert any(e["sid"] == at["sid"] and e["status"] == 200 for e in state["backchannel_logout"])


def test_public_url_sets_the_issuer():
    with ProviderProcess(public_url="http://sso.localhost:8443",
                         extra_args=["--backchannel-dynamic"]) as p:
        oidc = p.discovery()
        assert oidc["issuer"] == "http://sso.localhost:8443/realms/books"
        assert oidc["authorization_endpoint"].startswith("http://sso.localhost:8443/")
        # Server-to-server endpoints follow the address the request came to.
        assert oidc["jwks_uri"].startswith(p.base_url + "/realms/books/")
        token = p.test_control("issue-token", {})["token"]
        claims = jwt.decode(token, KeySet.import_key_set(
            requests.get(oidc["jwks_uri"], timeout=5).json())).claims
        assert claims["iss"] == "http://sso.localhost:8443/realms/books"


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _b64d(segment: str) -> bytes:
    import base64
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def test_backchannel_url_can_be_set_at_run_time(browser, callback):
    with ProviderProcess() as p, Listener(body="") as late:
        oidc = p.discovery()
        assert p.test_control("backchannel-url", {"url": late.url("/late")})["clients"] == [CLIENT_ID]
        tokens = sign_in(oidc, browser, callback)
        _, at = decode(tokens["access_token"], oidc)
        assert requests.post(oidc["end_session_endpoint"], timeout=10, data={
            "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]}).status_code == 204
        assert decode(late.wait_for_logout(at["sid"]), oidc)[1]["sid"] == at["sid"]


@pytest.mark.parametrize("book_server_url", [None, "", "http://127.0.0.1:9/unreachable"])
def test_backchannel_receiver_missing_does_not_break_logout(browser, callback, book_server_url):
    # None: the URL stays "${BOOK_SERVER_URL}/..."; "": a relative URL; port 9: nobody listens.
    with ProviderProcess(env={"BOOK_SERVER_URL": book_server_url}) as p:
        oidc = p.discovery()
        tokens = sign_in(oidc, browser, callback)
        assert requests.post(oidc["end_session_endpoint"], timeout=10, data={
            "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]}).status_code == 204
        assert refresh(oidc, tokens["refresh_token"]).json()["error"] == "invalid_grant"
        deliveries = p.test_control("state")["backchannel_logout"]
        assert len(deliveries) == 1 and deliveries[0]["status"] is None and deliveries[0]["error"]


def test_browser_as_a_command(oidc, callback):
    import subprocess
    _, challenge = pkce_pair()
    url = authorization_url(oidc, callback.url("/cli"), challenge=challenge, state="cli")
    script = str(Path(__file__).resolve().parent / "browser.py")
    out = subprocess.run([sys.executable, script, "sign-in", url, "--username", "reader1",
                          "--password", PASSWORDS["reader1"]],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    final = urllib.parse.urlsplit(out.stdout.strip())
    assert final.path == "/cli" and "code=" in final.query and "state=cli" in final.query
    bad = subprocess.run([sys.executable, script, "sign-in", url, "--username", "reader1",
                          "--password", "wrong"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1 and "Invalid username or password" in bad.stderr

    resp, verifier = device_start(oidc)
    grant = resp.json()
    dev = subprocess.run([sys.executable, script, "device", grant["verification_uri_complete"],
                          "--username", "reader1", "--password", PASSWORDS["reader1"]],
                         capture_output=True, text=True, timeout=30)
    assert dev.returncode == 0 and dev.stdout.strip() == "approved", dev.stderr
    assert device_poll(oidc, grant["device_code"], verifier).status_code == 200


def test_public_and_internal_address_of_one_provider(browser, callback):
    # Public address localhost, internal 127.0.0.1: as a Docker network would split them.
    with ProviderProcess(public_url="http://localhost:{port}") as p:
        port = p.info["port"]
        internal = requests.get(p.base_url + "/realms/books/.well-known/openid-configuration",
                                timeout=5).json()
        assert internal["issuer"] == f"http://localhost:{port}/realms/books"
        assert internal["jwks_uri"] == f"http://localhost:{port}/realms/books/protocol/openid-connect/certs"
        tokens = sign_in(internal, browser, callback)
        _, claims = decode(tokens["access_token"], internal)
        assert claims["iss"] == f"http://localhost:{port}/realms/books"
