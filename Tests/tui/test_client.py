"""BookClient against a real server, through the `booktui` subcommands a script would use:
login, status (which refreshes silently) and logout; the token file and its permissions."""
import json
import os
import stat
import time

import pytest
import requests

from conftest import STRONG_PASSWORD, signup, wait_until
from tuiharness import booktui_cli


@pytest.fixture
def xdg(tmp_path):
    d = tmp_path / "xdg"
    d.mkdir(mode=0o700)
    return d


def tokens_of(xdg, server) -> dict:
    return json.loads((xdg / "booktui" / "tokens.json").read_text())["servers"].get(server.url)


def login(xdg, server, api):
    r = booktui_cli(xdg, "login", "--username", api.username, stdin=STRONG_PASSWORD + "\n", server=server)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"Logged in to {server.url} as {api.username} (roles: librarian)."
    return tokens_of(xdg, server)


def jwt_exp(token: str) -> int:
    import base64
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"]


def test_login_and_status_keep_tokens_private(sqlite_server, xdg):
    api = signup(sqlite_server)
    saved = login(xdg, sqlite_server, api)

    folder, file = xdg / "booktui", xdg / "booktui" / "tokens.json"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "config.json").stat().st_mode) == 0o600

    r = booktui_cli(xdg, "status", server=sqlite_server)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"Server:         {sqlite_server.url}" in r.stdout
    assert f"User:           {api.username}" in r.stdout
    assert "Roles:          librarian" in r.stdout
    assert "Signed in with: local account" in r.stdout
    assert "Access token:   expires " in r.stdout and "Refresh token:  expires " in r.stdout
    assert f"Tokens in:      {file} (mode 600)" in r.stdout
    for token in (saved["access"], saved["refresh"]):
        assert token not in r.stdout + r.stderr
        assert token[-20:] not in r.stdout + r.stderr

    # the last server is remembered: no --server, no BOOKTUI_SERVER
    r = booktui_cli(xdg, "status")
    assert f"Server:         {sqlite_server.url}" in r.stdout and r.returncode == 0


def test_default_folder_is_under_home_config(sqlite_server, tmp_path):
    api = signup(sqlite_server)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "BOOKTUI_SERVER": sqlite_server.url}
    import subprocess
    from conftest import BOOKTUI_BIN
    r = subprocess.run([str(BOOKTUI_BIN), "login", "--username", api.username], input=STRONG_PASSWORD + "\n",
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE((home / ".config" / "booktui").stat().st_mode) == 0o700
    assert stat.S_IMODE((home / ".config" / "booktui" / "tokens.json").stat().st_mode) == 0o600


def test_expired_access_token_is_refreshed_once_with_rotation(make_server, xdg):
    server = make_server(env={"ACCESS_TOKEN_LIFETIME": "2"})
    api = signup(server)
    first = login(xdg, server, api)

    # the access token runs out
    wait_until(lambda: time.time() > jwt_exp(first["access"]) + 1, 10, what="the access token to expire")
    r = booktui_cli(xdg, "status", server=server)

    # silently refreshed: status works, both tokens are new, the old refresh token is dead
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"User:           {api.username}" in r.stdout
    second = tokens_of(xdg, server)
    assert second["access"] != first["access"] and second["refresh"] != first["refresh"]
    old = requests.post(server.url + "/api/token/refresh/", json={"refresh": first["refresh"]}, timeout=10)
    assert old.status_code == 401
    assert stat.S_IMODE((xdg / "booktui" / "tokens.json").stat().st_mode) == 0o600


def test_refused_refresh_means_signed_out_not_a_loop(make_server, xdg):
    server = make_server(env={"ACCESS_TOKEN_LIFETIME": "2"})
    api = signup(server)
    saved = login(xdg, server, api)
    # someone else uses (and so, with rotation, kills) the stored refresh token
    assert requests.post(server.url + "/api/token/refresh/", json={"refresh": saved["refresh"]}, timeout=10).status_code == 200
    wait_until(lambda: time.time() > jwt_exp(saved["access"]) + 1, 10, what="the access token to expire")
    refreshes_before = server.log_text().count("POST /api/token/refresh/")

    r = booktui_cli(xdg, "status", server=server)

    assert r.returncode == 1
    assert "Not signed in." in r.stdout
    assert tokens_of(xdg, server) is None
    assert server.log_text().count("POST /api/token/refresh/") - refreshes_before == 1


def test_logout_blacklists_the_refresh_token_and_wipes_it(sqlite_server, xdg):
    api = signup(sqlite_server)
    saved = login(xdg, sqlite_server, api)

    r = booktui_cli(xdg, "logout", server=sqlite_server)

    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"Logged out of {sqlite_server.url}: the session was revoked on the server and local tokens deleted."
    assert tokens_of(xdg, sqlite_server) is None
    dead = requests.post(sqlite_server.url + "/api/token/refresh/", json={"refresh": saved["refresh"]}, timeout=10)
    assert dead.status_code == 401
    r = booktui_cli(xdg, "status", server=sqlite_server)
    assert r.returncode == 1 and "Not signed in." in r.stdout
    r = booktui_cli(xdg, "logout", server=sqlite_server)
    assert r.stdout.strip() == f"Not signed in to {sqlite_server.url}."


def test_logout_wipes_local_tokens_when_the_server_is_gone(make_server, xdg):
    server = make_server()
    api = signup(server)
    login(xdg, server, api)
    server.stop()

    r = booktui_cli(xdg, "logout", "--timeout", "5", server=server)

    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Logged out locally: local tokens deleted, but the server could not revoke the session")
    assert "(Cannot reach the server (connection refused))" in r.stdout
    assert tokens_of(xdg, server) is None


@pytest.mark.parametrize("target,mode,fix", [("booktui/tokens.json", 0o644, "chmod 600"),
                                             ("booktui/tokens.json", 0o640, "chmod 600"),
                                             ("booktui", 0o755, "chmod 700")])
def test_token_files_open_to_others_are_refused(sqlite_server, xdg, target, mode, fix):
    api = signup(sqlite_server)
    saved = login(xdg, sqlite_server, api)
    path = xdg / target
    os.chmod(path, mode)

    for command in (["status"], ["logout"], []):     # [] is the full-screen app: refused before it starts
        r = booktui_cli(xdg, *command, server=sqlite_server)
        assert r.returncode == 3, (command, r.stdout, r.stderr)
        assert f"Refusing to use {path}: its permissions are {mode:o}, so group or others can read it." in r.stderr
        assert f"{fix} {path}" in r.stderr
        assert saved["refresh"] not in r.stdout + r.stderr
    assert tokens_of(xdg, sqlite_server) == saved          # nothing was changed or wiped

    os.chmod(path, 0o700 if target == "booktui" else 0o600)
    assert booktui_cli(xdg, "status", server=sqlite_server).returncode == 0


def test_status_elsewhere_keeps_the_remembered_server_and_says_hours(sqlite_server, make_server, xdg):
    import re
    api = signup(sqlite_server)
    login(xdg, sqlite_server, api)                     # signing in remembers this server
    other = make_server()
    r = booktui_cli(xdg, "status", "--server", other.url)
    assert r.stdout.startswith(f"Server:         {other.url}\n") and "Not signed in." in r.stdout
    assert r.returncode == 1
    r = booktui_cli(xdg, "status")                     # neither --server nor $BOOKTUI_SERVER
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith(f"Server:         {sqlite_server.url}\n"), r.stdout
    # A day-long refresh token is said in hours, not in thousands of minutes.
    refresh = next(l for l in r.stdout.splitlines() if l.startswith("Refresh token:"))
    assert re.search(r"\(in (\d+ d( \d+ h)?|\d+ h( \d+ min)?)\)$", refresh), refresh
