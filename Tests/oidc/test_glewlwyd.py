"""book-server against a real glewlwyd, a provider that is not Keycloak-shaped (issue 15).

glewlwyd's access tokens put the scopes in `aud` and the client in `client_id`,
carry roles as a comma-separated string in a claim of our choosing, and name
nobody: no e-mail, no username. book-server has to accept them as any standard
provider's and take the names from the userinfo endpoint.

glewlwyd runs as a real process (Debian's package, installed by
scripts/test-setup.sh) configured through its admin API; book-server is a real
process pointed at it. In CI a missing glewlwyd is a failure, not a skip.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import sys
import urllib.parse
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tui"))

from conftest import Server, wait_until  # noqa: E402
from glewlwyd import GlewlwydProcess, SpaLogin, approve_device, installed  # noqa: E402
from harness import Listener, pkce_pair  # noqa: E402
from ssoharness import Running, tokens_of  # noqa: E402
from ssoharness import run as run_cli  # noqa: E402

CLIENT_ID = "booktui"
USERS = {
    "reader1": ("reader1-glw-pass", "Reader One", "reader1@example.org", ["reader"]),
    "librarian1": ("librarian1-glw-pass", "Libby Rarian", "libby@example.org", ["librarian", "staff"]),
}

if not installed():
    if os.environ.get("CI") == "true":
        raise RuntimeError("glewlwyd is not installed: run scripts/test-setup.sh")
    pytest.skip("glewlwyd is not installed (scripts/test-setup.sh installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def callback():
    with Listener() as listener:
        yield listener


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The one loopback port registered for booktui's own sign-in (glewlwyd matches redirect URIs exactly).
BOOKTUI_PORT = _free_port()
# Where booktui's paste sign-in sends the browser (BookClient's pasteRedirectURI): nothing listens.
PASTE_REDIRECT_URI = "http://127.0.0.1/booktui-callback"


@pytest.fixture(scope="module")
def glw(callback, tmp_path_factory):
    with GlewlwydProcess(tmp_path_factory.mktemp("glewlwyd")) as proc:
        for name, (password, full_name, email, roles) in USERS.items():
            proc.add_user(name, password, name=full_name, email=email, roles=roles)
        # The loopback addresses, and the fixed one booktui's paste sign-in uses.
        proc.add_client(CLIENT_ID, [callback.url("/callback"), f"http://127.0.0.1:{BOOKTUI_PORT}/callback",
                                    PASTE_REDIRECT_URI])
        yield proc


@pytest.fixture(scope="module")
def server(glw, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("server-glewlwyd")
    srv = Server(workdir, env={"OIDC_ISSUER": glw.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
                               "OIDC_ROLES_CLAIM": "roles", "OIDC_PROVIDER_NAME": "Glewlwyd"}).start()
    yield srv
    srv.stop()


def sign_in(glw: GlewlwydProcess, callback: Listener, username: str, browser: SpaLogin | None = None) -> dict:
    """Authorization code with PKCE on the loopback redirect, as booktui does it."""
    oidc = glw.discovery()
    verifier, challenge = pkce_pair()
    redirect_uri = callback.url("/callback")
    url = oidc["authorization_endpoint"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect_uri,
        "scope": "openid profile email", "state": "st-1", "nonce": "n-1",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    landed = (browser or SpaLogin(glw)).sign_in(url, username, USERS[username][0])
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(landed).query))
    assert landed.startswith(redirect_uri) and query.get("state") == "st-1" and "code" in query, landed
    resp = requests.post(oidc["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "client_id": CLIENT_ID, "code": query["code"],
        "redirect_uri": redirect_uri, "code_verifier": verifier})
    assert resp.status_code == 200, resp.text
    return resp.json()


def profile(server: Server, access_token: str) -> requests.Response:
    return requests.get(server.url + "/api/profile/", headers={"Authorization": f"Bearer {access_token}"},
                        timeout=10)


def test_auth_config_names_glewlwyd(server, glw):
    body = requests.get(server.url + "/api/auth/config/", timeout=10).json()
    assert body["oidc"]["issuer"] == glw.issuer
    assert body["oidc"]["provider_name"] == "Glewlwyd"
    assert body["oidc"]["client_id"] == CLIENT_ID


def test_pkce_is_enforced_by_glewlwyd(glw, callback):
    """The code is bound to the challenge: a wrong verifier gets no tokens."""
    oidc = glw.discovery()
    _, challenge = pkce_pair()
    redirect_uri = callback.url("/callback")
    url = oidc["authorization_endpoint"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect_uri, "scope": "openid",
        "state": "s", "nonce": "n", "code_challenge": challenge, "code_challenge_method": "S256"})
    landed = SpaLogin(glw).sign_in(url, "reader1", USERS["reader1"][0])
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(landed).query))["code"]
    wrong, _ = pkce_pair()
    resp = requests.post(oidc["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "client_id": CLIENT_ID, "code": code,
        "redirect_uri": redirect_uri, "code_verifier": wrong})
    assert resp.status_code != 200 and "access_token" not in resp.text


def test_sign_in_makes_a_user_named_from_userinfo(server, glw, callback):
    tokens = sign_in(glw, callback, "reader1")
    resp = profile(server, tokens["access_token"])
    assert resp.status_code == 200, resp.text
    me = resp.json()
    # The access token names nobody; the e-mail and name come from glewlwyd's userinfo.
    assert me["email"] == "reader1@example.org"
    assert me["username"] == "reader1"
    assert me["first_name"] == "Reader One"
    assert me["auth_source"] == "oidc"
    assert me["roles"] == ["reader"]


def test_roles_come_from_the_configured_claim(server, glw, callback):
    tokens = sign_in(glw, callback, "librarian1")
    me = profile(server, tokens["access_token"]).json()
    assert sorted(me["roles"]) == ["librarian", "staff"]
    assert me["username"] == "libby"  # the e-mail's local part: glewlwyd sends no preferred_username


def test_refreshed_tokens_are_accepted(server, glw, callback):
    tokens = sign_in(glw, callback, "reader1")
    resp = requests.post(glw.discovery()["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]})
    assert resp.status_code == 200, resp.text
    fresh = resp.json()["access_token"]
    assert fresh != tokens["access_token"]
    assert profile(server, fresh).json()["email"] == "reader1@example.org"


def test_sign_out_refuses_the_token_with_a_reason(server, glw, callback):
    tokens = sign_in(glw, callback, "reader1")
    access = tokens["access_token"]
    resp = requests.post(server.url + "/api/logout/", headers={"Authorization": f"Bearer {access}"}, timeout=10)
    assert resp.status_code == 205, resp.text
    refused = profile(server, access)
    assert refused.status_code == 401
    assert "blacklisted" in refused.text


def test_a_token_for_another_client_is_refused(server, glw, callback, tmp_path):
    """The audience rule still bites: glewlwyd's token for another client is not ours."""
    glw.add_client("other-app", [callback.url("/other")])
    oidc = glw.discovery()
    verifier, challenge = pkce_pair()
    redirect_uri = callback.url("/other")
    url = oidc["authorization_endpoint"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": "other-app", "redirect_uri": redirect_uri, "scope": "openid",
        "state": "s", "nonce": "n", "code_challenge": challenge, "code_challenge_method": "S256"})
    landed = SpaLogin(glw).sign_in(url, "reader1", USERS["reader1"][0])
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(landed).query))["code"]
    resp = requests.post(oidc["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "client_id": "other-app", "code": code,
        "redirect_uri": redirect_uri, "code_verifier": verifier})
    assert resp.status_code == 200, resp.text
    refused = profile(server, resp.json()["access_token"])
    assert refused.status_code == 401
    assert "audience" in refused.text


@pytest.fixture
def xdg(tmp_path):
    d = tmp_path / "xdg"
    d.mkdir(mode=0o700)
    return d


def test_booktui_signs_in_on_the_registered_port(server, glw, xdg):
    """`booktui login --sso --browser --port`: the exact redirect URI glewlwyd wants, the provider named."""
    run = Running(xdg, server, "login", "--sso", "--browser", "--no-open", "--port", str(BOOKTUI_PORT))
    try:
        said = run.wait_line(lambda line: line.startswith("Signing in with"))
        assert said.startswith("Signing in with Glewlwyd in a browser"), said
        url = run.url_line()
        redirect = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["redirect_uri"][0]
        assert redirect == f"http://127.0.0.1:{BOOKTUI_PORT}/callback", url
        landed = SpaLogin(glw).sign_in(url, "librarian1", USERS["librarian1"][0])
        page = requests.get(landed, timeout=10)
        assert page.status_code == 200 and "Signed in to booktui" in page.text
        code, out, err = run.finish()
    finally:
        run.stop()
    assert code == 0, out + err
    assert re.search(r"Logged in to \S+ as libby via Glewlwyd \(roles: (librarian, staff|staff, librarian)\)\.", out), out


def test_booktui_says_which_redirect_uri_to_register(server, glw, xdg):
    """Without --port the loopback port is random; glewlwyd refuses it (403), and booktui says so
    before any browser is involved, with what to register, instead of waiting for a callback."""
    run = Running(xdg, server, "login", "--sso", "--browser", "--no-open", "--browser-timeout", "600")
    try:
        code, out, err = run.finish(timeout=60)  # well before the 600 s a wait for the browser would take
    finally:
        run.stop()
    text = out + err
    assert code == 1, text
    assert "Glewlwyd refused this sign-in request (HTTP 403" in text, text
    registered = re.search(r"Register (http://127\.0\.0\.1:(\d+)/callback) as a redirect URI of client \S+ there", text)
    assert registered, text
    assert f"booktui login --sso --port {registered.group(2)}" in text, text
    assert "Open this address" not in text  # no address that cannot work


def test_booktui_paste_sign_in_at_glewlwyd(server, glw, xdg):
    """`booktui login --sso --paste` (a browser on another machine): the address glewlwyd sends
    the browser to is pasted back, and booktui signs in with the flat role claim."""
    run = Running(xdg, server, "login", "--sso", "--paste")
    try:
        url = run.url_line()
        redirect = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["redirect_uri"][0]
        assert redirect == PASTE_REDIRECT_URI, url
        landed = SpaLogin(glw).sign_in(url, "librarian1", USERS["librarian1"][0])
        assert landed.startswith(PASTE_REDIRECT_URI) and "code=" in landed, landed
        run.send(landed + "\n")
        code, out, err = run.finish()
    finally:
        run.stop()
    assert code == 0, out + err
    assert re.search(r"Logged in to \S+ as libby via Glewlwyd \(roles: (librarian, staff|staff, librarian)\)\.", out), out


def device_login(server: Server, glw: GlewlwydProcess, xdg: Path, username: str) -> tuple[int, str, str]:
    """`booktui login --sso --device`, the code approved at glewlwyd by `username`."""
    run = Running(xdg, server, "login", "--sso", "--device", "--no-qr")
    try:
        user_code = run.wait_line(lambda line: line.startswith("Code: ")).removeprefix("Code: ").strip()
        approve_device(glw, user_code, CLIENT_ID, username, USERS[username][0])
        return run.finish()
    finally:
        run.stop()


def test_booktui_device_sign_in_at_glewlwyd(server, glw, xdg):
    """`booktui login --sso --device` (over SSH, no browser here): the code is approved at glewlwyd
    by the user on another device, booktui polls and signs in with the flat role claim."""
    assert requests.get(server.url + "/api/auth/config/", timeout=10).json()["oidc"]["device_authorization"] is True
    code, out, err = device_login(server, glw, xdg, "librarian1")
    assert code == 0, out + err
    assert re.search(r"Logged in to \S+ as libby via Glewlwyd \(roles: (librarian, staff|staff, librarian)\)\.", out), out


def test_back_channel_logout_from_glewlwyd_ends_the_users_tokens(server, glw, callback):
    """The user ends their glewlwyd session (its own session page does `DELETE
    /api/oidc/session/<sid>`); glewlwyd posts a logout_token to book-server, and the access tokens
    of that user, which carry no `sid`, are refused from then on (by subject and time)."""
    glw.set_backchannel_logout(CLIENT_ID, server.url + "/api/oidc/backchannel-logout/")
    browser = SpaLogin(glw)
    tokens = sign_in(glw, callback, "reader1", browser=browser)
    assert profile(server, tokens["access_token"]).status_code == 200
    payload = tokens["id_token"].split(".")[1]
    sid = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]
    ended = browser.session.delete(f"{glw.issuer}/session/{sid}", timeout=10)
    assert ended.status_code == 200, ended.text
    wait_until(lambda: profile(server, tokens["access_token"]).status_code == 401, timeout=30,
               what="book-server to refuse the token after glewlwyd's back-channel logout")
    assert "back-channel logout" in server.log_text()


def test_booktui_status_a_book_by_the_flat_role_claim_and_logout_at_glewlwyd(server, glw, xdg):
    """After a device sign-in: `booktui status` names the account and the provider, the librarian
    role from glewlwyd's flat `roles` claim lets the stored token add a book, and `booktui logout`
    reports each step at glewlwyd and fails when the provider session may remain."""
    code, out, err = device_login(server, glw, xdg, "librarian1")
    assert code == 0, out + err
    status = run_cli(xdg, server, "status")
    assert status.returncode == 0 and "libby" in status.stdout and "Glewlwyd" in status.stdout, status.stdout
    access = tokens_of(xdg, server)["access"]
    added = requests.post(server.url + "/api/books/", headers={"Authorization": f"Bearer {access}"}, timeout=10,
                          json={"title": "Flat Roles", "author": "G. Lewlwyd", "published_year": 2021})
    assert added.status_code == 201, added.text
    # glewlwyd takes neither a refresh token at its end-session endpoint (Keycloak's way) nor a
    # revocation from a public client: booktui says so step by step, offers glewlwyd's logout page
    # and exits 1, since the provider session may remain.
    out = run_cli(xdg, server, "logout")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Signing out of " + server.url + " (signed in via Glewlwyd):" in out.stdout, out.stdout
    assert "✓ book-server refuses these tokens" in out.stdout
    assert "✗ Glewlwyd session ended everywhere: the provider refused" in out.stdout
    assert f"Glewlwyd's logout page: {glw.issuer}/end_session?" in out.stdout and "id_token_hint=" in out.stdout
    assert "Keycloak" not in out.stdout + status.stdout
    assert tokens_of(xdg, server) is None
    assert requests.get(server.url + "/api/profile/", headers={"Authorization": f"Bearer {access}"},
                        timeout=10).status_code == 401
