"""Single sign-on in booktui (issue 4, client side), against the real test provider (Keycloak-shaped,
Tests/oidc/provider.py) and a real book-server that trusts it. The user's browser is played by
Tests/oidc/browser.py: as `$BROWSER` for the loopback flow, on the device page for the device grant,
and for the address pasted back in the paste flow."""
from __future__ import annotations

import json
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

from conftest import Api, Server, wait_until
from ssoharness import (OIDC_DIR, PASSWORDS, Browser, ProviderProcess, Running, device_sign_in, provider,  # noqa: F401
                        provider_refresh, run, sso_server, tokens_of, xdg)


def add_book(server, access: str, title="Dune") -> requests.Response:
    return Api(server.url).post("/api/books/", token=access, json={"title": title, "author": "Frank Herbert",
                                                                    "published_year": 1965})


# --------------------------------------------------------------------------- the three ways in


def test_device_sign_in_and_a_keycloak_librarian_adds_a_book(sso_server, provider, xdg):
    out = device_sign_in(xdg, sso_server, "librarian1", "--qr")
    assert "Code: " in out
    assert "or scan this with a phone:" in out and "█▀▀▀▀▀█" in out     # a finder pattern's top
    scanned = decode_qr(out.split("or scan this with a phone:", 1)[1])  # what a phone would open
    assert scanned.startswith(provider.issuer) and scanned in out, (scanned, out)
    assert f"Logged in to {sso_server.url} as librarian1 via Keycloak" in out and "librarian" in out

    saved = tokens_of(xdg, sso_server)
    assert saved["oidc"]["issuer"] == provider.issuer and saved["oidc"]["flow"] == "device"
    assert saved["oidc"]["clientId"] == "booktui" and saved["oidc"]["idToken"]
    assert stat.S_IMODE((xdg / "booktui" / "tokens.json").stat().st_mode) == 0o600
    for token in (saved["access"], saved["refresh"]):
        assert token not in out
    assert add_book(sso_server, saved["access"]).status_code == 201

    status = run(xdg, sso_server, "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "User:           librarian1" in status.stdout
    assert f"Signed in with: single sign-on via Keycloak ({provider.issuer}, code on another device)" in status.stdout
    assert "Access token:   expires " in status.stdout and "Refresh token:  expires " in status.stdout
    assert "Keycloak session: alive" in status.stdout


def test_loopback_sign_in_with_browser_set_to_the_scripted_browser(sso_server, provider, xdg, tmp_path):
    # $BROWSER is a script that signs in as reader1 on the URL it is given and follows the
    # redirect back to booktui's listener, as a real browser would.
    log = tmp_path / "browser.log"
    script = tmp_path / "fake-browser"
    script.write_text(f"#!/bin/sh\nexec {sys.executable} {OIDC_DIR / 'browser.py'} sign-in \"$1\" "
                      f"--username reader1 --password {PASSWORDS['reader1']} >{log} 2>&1\n")
    script.chmod(0o755)
    r = run(xdg, sso_server, "login", "--sso", BROWSER=str(script))
    assert r.returncode == 0, r.stdout + r.stderr
    # With a $BROWSER and no SSH, the loopback flow is chosen, and the one-line reason says why.
    assert "Signing in with Keycloak (browser on this machine): a browser can open here ($BROWSER)" in r.stdout
    lines = r.stdout.splitlines()
    url_at = next(i for i, l in enumerate(lines) if l.startswith("  http"))
    started_at = next(i for i, l in enumerate(lines) if l.startswith("Started "))
    assert url_at < started_at, "the URL is shown before the browser is started"
    assert f"Logged in to {sso_server.url} as reader1 via Keycloak" in r.stdout
    landed = log.read_text().strip()
    assert landed.startswith("http://127.0.0.1:") and "/callback?" in landed and "code=" in landed
    saved = tokens_of(xdg, sso_server)
    assert saved["oidc"]["flow"] == "loopback"
    # reader1 has no librarian role: the server refuses, with a clear detail.
    resp = add_book(sso_server, saved["access"])
    assert resp.status_code == 403 and resp.json()["detail"]


def test_paste_sign_in_checks_the_state(sso_server, provider, xdg):
    # A pasted address from another sign-in (wrong state) is refused.
    first = Running(xdg, sso_server, "login", "--sso", "--paste")
    try:
        url = first.url_line()
        with Browser() as browser:
            landed = browser.sign_in(url, "librarian1", PASSWORDS["librarian1"], follow_callback=False).url
        assert "code=" in landed and "state=" in landed
        first.send(landed.replace("state=", "state=x") + "\n")
        code, out, err = first.finish()
    finally:
        first.stop()
    assert code == 1 and "another sign-in" in err, out + err

    second = Running(xdg, sso_server, "login", "--sso", "--paste")
    try:
        url = second.url_line()
        with Browser() as browser:
            landed = browser.sign_in(url, "librarian1", PASSWORDS["librarian1"], follow_callback=False).url
        second.send(landed + "\n")
        code, out, err = second.finish()
    finally:
        second.stop()
    assert code == 0, out + err
    assert f"as librarian1 via Keycloak" in out
    assert tokens_of(xdg, sso_server)["oidc"]["flow"] == "paste"


def test_without_display_or_over_ssh_the_device_grant_is_chosen(sso_server, xdg):
    for env, why in (({}, "there is no display and no $BROWSER"),
                     ({"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22", "DISPLAY": ":0"}, "this is an SSH session")):
        r = Running(xdg, sso_server, "login", "--sso", **env)
        try:
            line = r.wait_line(lambda l: l.startswith("Signing in with Keycloak"))
            assert "(code on another device)" in line and why in line, line
            r.wait_line(lambda l: l.startswith("Code: "))
        finally:
            r.stop()


def test_a_denied_device_sign_in_says_so(sso_server, xdg):
    r = Running(xdg, sso_server, "login", "--sso", "--device")
    try:
        url = r.url_line()
        with Browser() as browser:
            browser.device_login(url, "reader1", PASSWORDS["reader1"], approve=False)
        code, out, err = r.finish()
    finally:
        r.stop()
    assert code == 1 and "denied" in err, out + err
    assert not (xdg / "booktui" / "tokens.json").exists() or tokens_of(xdg, sso_server) is None


def test_sso_on_a_server_without_it_is_said(sqlite_server, xdg):
    r = run(xdg, sqlite_server, "login", "--sso", "--device")
    assert r.returncode == 1 and f"{sqlite_server.url} does not offer single sign-on." in r.stderr, r.stdout + r.stderr


def test_an_expired_device_code_is_said(tmp_root, xdg):
    with ProviderProcess(extra_args=["--device-poll-interval", "1", "--device-code-lifespan", "2"]) as short:
        workdir = Path(tempfile.mkdtemp(prefix="server-sso-short-", dir=tmp_root))
        srv = Server(workdir, env={"OIDC_ISSUER": short.issuer, "OIDC_CLIENT_ID": "booktui"}).start()
        try:
            r = run(xdg, srv, "login", "--sso", "--device")
        finally:
            srv.stop()
    assert r.returncode == 1 and "The code expired before it was approved" in r.stderr, r.stdout + r.stderr


# --------------------------------------------------------------------------- refresh and sign-out


def test_refresh_goes_to_the_provider_with_rotation(sso_server, provider, xdg):
    device_sign_in(xdg, sso_server, "librarian1")
    before = tokens_of(xdg, sso_server)
    r = run(xdg, sso_server, "status", "--refresh")
    assert r.returncode == 0, r.stdout + r.stderr
    after = tokens_of(xdg, sso_server)
    assert after["refresh"] != before["refresh"] and after["access"] != before["access"]
    assert after["oidc"]["issuer"] == provider.issuer
    # Rotation: the provider refuses the old refresh token; the new access token works.
    assert provider_refresh(provider, before["refresh"]).status_code == 400
    assert add_book(sso_server, after["access"], title="Refreshed").status_code == 201


def test_single_sign_out_ends_the_keycloak_session(sso_server, provider, xdg):
    device_sign_in(xdg, sso_server, "librarian1")
    saved = tokens_of(xdg, sso_server)
    r = run(xdg, sso_server, "logout", "--browser-logout")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(signed in via Keycloak)" in r.stdout
    for step in ("✓ book-server refuses these tokens", "✓ Keycloak session ended everywhere",
                 "✓ refresh token revoked at the provider", "✓ local tokens deleted"):
        assert step in r.stdout, r.stdout
    assert "Keycloak's logout page: " in r.stdout and "post_logout_redirect_uri=" in r.stdout
    assert "id_token_hint=" in r.stdout
    assert saved["refresh"] not in r.stdout and saved["access"] not in r.stdout
    assert tokens_of(xdg, sso_server) is None
    # The provider refuses the old refresh token; the server the old access token.
    refused = provider_refresh(provider, saved["refresh"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert Api(sso_server.url).get("/api/books/", token=saved["access"]).status_code == 401
    assert run(xdg, sso_server, "status").returncode == 1


def test_a_session_ended_elsewhere_is_reported_and_the_tokens_still_wiped(sso_server, provider, xdg):
    device_sign_in(xdg, sso_server, "librarian1")
    saved = tokens_of(xdg, sso_server)
    # The user signed out of Keycloak on another device: the provider ends the session (and tells
    # book-server by back-channel).
    ended = requests.post(provider.discovery()["end_session_endpoint"], timeout=10,
                          data={"client_id": "booktui", "refresh_token": saved["refresh"]})
    assert ended.status_code == 204, ended.text
    r = run(xdg, sso_server, "logout")
    # Nothing is left at the provider, so nothing is asked of the user and the exit status is 0.
    assert r.returncode == 0, r.stdout + r.stderr
    assert "– Keycloak session ended everywhere: the provider had already ended it (signed out elsewhere)" in r.stdout, r.stdout
    assert "✓ local tokens deleted" in r.stdout and "Keycloak's logout page" not in r.stdout
    assert tokens_of(xdg, sso_server) is None


def test_a_provider_session_that_could_not_be_ended_fails_the_logout_and_offers_its_page(sso_server, provider, xdg):
    device_sign_in(xdg, sso_server, "librarian1")
    saved = tokens_of(xdg, sso_server)
    # The provider will not take the refresh token booktui holds (here: one it never issued), while
    # the session and its access token live on.
    store = xdg / "booktui" / "tokens.json"
    store.write_text(store.read_text().replace(saved["refresh"], "a-refresh-token-the-provider-never-issued"))
    r = run(xdg, sso_server, "logout")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "✗ Keycloak session ended everywhere: the provider refused" in r.stdout, r.stdout
    assert "Keycloak's logout page: " in r.stdout and "id_token_hint=" in r.stdout   # where to end it
    assert "Logged out locally; some steps failed" in r.stdout
    assert tokens_of(xdg, sso_server) is None
    assert provider_refresh(provider, saved["refresh"]).status_code == 200    # the session indeed remains


def test_status_after_the_session_ended_elsewhere_signs_out(sso_server, provider, xdg):
    device_sign_in(xdg, sso_server, "reader1")
    saved = tokens_of(xdg, sso_server)
    requests.post(provider.discovery()["end_session_endpoint"], timeout=10,
                  data={"client_id": "booktui", "refresh_token": saved["refresh"]}).raise_for_status()
    # book-server refuses the access token (back-channel logout), the provider the refresh token.
    r = run(xdg, sso_server, "status")
    assert r.returncode == 1 and "Not signed in." in r.stdout, r.stdout + r.stderr
    assert tokens_of(xdg, sso_server) is None


def test_local_only_logout_leaves_the_provider_session(sso_server, provider, xdg):
    device_sign_in(xdg, sso_server, "reader1")
    saved = tokens_of(xdg, sso_server)
    r = run(xdg, sso_server, "logout", "--local-only")
    assert r.returncode == 0 and "✓ local tokens deleted" in r.stdout, r.stdout + r.stderr
    assert "Keycloak" not in r.stdout.split(":", 1)[1].replace("(signed in via Keycloak)", "")
    assert tokens_of(xdg, sso_server) is None
    assert provider_refresh(provider, saved["refresh"]).status_code == 200


# --------------------------------------------------------------------------- the full-screen app (tmux)

from tuiharness import decode_qr, tui  # noqa: E402,F401


def screen_code(screen: str) -> str:
    """The user code as drawn large: `║   A B C D - E F G H   ║`."""
    line = next(l for l in screen.splitlines() if "║" in l)
    return line.split("║")[1].replace(" ", "")


def screen_url(screen: str) -> str:
    return next(l.strip() for l in screen.splitlines() if "user_code=" in l)


def test_tui_device_code_screen_sign_in_add_a_book_and_sign_out_everywhere(tui, sso_server, provider):
    pane = tui(sso_server, width=100, height=30)
    pane.run_booktui()
    pane.wait_for("Ctrl-O  Sign in with Keycloak", "Ctrl-O sign in with Keycloak")   # offer and footer
    pane.keys("C-o")
    # No display and no $BROWSER in the pane: the device grant, and why, in one line.
    screen = pane.wait_for("Sign in with Keycloak: code on another device",
                           "Chosen because there is no display and no $BROWSER", "Code expires in ", "Esc cancel")
    code, url = screen_code(screen), screen_url(screen)
    assert "-" in code and url.endswith("user_code=" + code), screen

    # c copies the complete address to the clipboard of the user's terminal (OSC 52), which tmux
    # keeps as a paste buffer.
    pane.tmux("set-option", "-s", "set-clipboard", "on")
    pane.keys("c")
    pane.wait_for("Address sent to your terminal's clipboard")

    def clipboard():
        result = subprocess.run(["tmux", "-L", pane.socket, "show-buffer"], capture_output=True, text=True, timeout=10)
        return result.stdout if result.returncode == 0 else None

    assert wait_until(clipboard, timeout=10, what="the OSC 52 copy in tmux's buffer") == url

    # Q shows the complete address as a QR code beside the code, and back.
    pane.keys("Q")
    pane.wait_for("Scan with a phone, sign in", "█▀▀▀▀▀█", "Q: back to the address")
    pane.keys("Q")
    pane.wait_for("Code expires in ", absent=("Scan with a phone",))

    # `r` starts again with a new code; the old one is no longer shown.
    pane.keys("r")
    screen = pane.wait_for("Code expires in ", absent=(code,))
    code, url = screen_code(screen), screen_url(screen)

    with Browser() as browser:
        browser.device_login(url, "librarian1", PASSWORDS["librarian1"])
    pane.wait_for("librarian1 via Keycloak (", "Welcome, librarian1 (signed in via Keycloak).")

    # A Keycloak librarian adds a book.
    pane.keys("a")
    pane.wait_for("New book")
    pane.type("Keycloak Dune"); pane.keys("Tab")
    pane.type("Frank Herbert"); pane.keys("Tab")
    pane.type("1965")
    pane.keys("C-s")
    pane.wait_for("Keycloak Dune", absent=("New book",))

    pane.keys("p")
    pane.wait_for("Profile of librarian1", "via Keycloak (single sign-on)")
    pane.keys("q")
    pane.wait_for("Keycloak Dune", absent=("Profile of",))

    saved = json.loads((pane.config_dir / "tokens.json").read_text())["servers"][sso_server.url]
    # Log out: signing out of Keycloak everywhere is the default.
    pane.keys("L")
    pane.wait_for("Sign out of Keycloak everywhere (default)", "Only forget the tokens on this machine")
    pane.keys("Enter")
    pane.wait_for("Logged out librarian1:", "✓ Keycloak session ended everywhere", "✓ book-server refuses these tokens",
                  "✓ local tokens deleted", "not signed in")
    assert provider_refresh(provider, saved["refresh"]).status_code == 400
    assert Api(sso_server.url).get("/api/books/", token=saved["access"]).status_code == 401
    pane.keys("Escape")
    pane.wait_exit()


def test_tui_esc_cancels_and_tab_changes_the_way_in(tui, sso_server):
    pane = tui(sso_server, width=100, height=30)
    pane.run_booktui()
    pane.wait_for("Ctrl-O  Sign in with Keycloak")
    pane.keys("C-o")
    pane.wait_for("Code expires in ", "Waiting for approval")
    pane.keys("Escape")                       # cancels the polling and goes back
    pane.wait_for("Log in to", absent=("Code expires in ",))
    pane.keys("C-o")
    pane.wait_for("Code expires in ")
    pane.keys("Tab")
    pane.wait_for("Sign in with Keycloak: browser on this machine", "Changed by you.", "Waiting for the browser at http://127.0.0.1:")
    pane.keys("Tab")
    pane.wait_for("Sign in with Keycloak: paste the address back", "Copy that page's whole address")
    pane.type("http://127.0.0.1/booktui-callback?code=x&state=wrong")
    pane.keys("Enter")
    pane.wait_for("belongs to another sign-in")
    pane.keys("Escape")
    pane.wait_for("Log in to", "Ctrl-O  Sign in with Keycloak", absent=("paste the address back",))


def test_tui_reader_from_keycloak_is_told_clearly_that_adding_needs_librarian(tui, sso_server):
    pane = tui(sso_server, width=100, height=30)
    device_sign_in(pane.config_dir.parent, sso_server, "reader1")
    pane.run_booktui()
    pane.wait_for("reader1", "via Keycloak")
    pane.keys("a")
    pane.wait_for("You need the librarian role to add")


def test_tui_loopback_sign_in_with_browser_set(tui, sso_server, tmp_path):
    log = tmp_path / "tui-browser.log"
    script = tmp_path / "tui-fake-browser"
    script.write_text(f"#!/bin/sh\nexec {sys.executable} {OIDC_DIR / 'browser.py'} sign-in \"$1\" "
                      f"--username librarian1 --password {PASSWORDS['librarian1']} >{log} 2>&1\n")
    script.chmod(0o755)
    pane = tui(sso_server, width=100, height=30, extra_env={"BROWSER": str(script)})
    pane.run_booktui()
    pane.wait_for("Ctrl-O  Sign in with Keycloak")
    pane.keys("C-o")
    pane.wait_for("librarian1 via Keycloak (", "Welcome, librarian1 (signed in via Keycloak).")
    assert "/callback?" in log.read_text()


def test_tui_paste_sign_in(tui, sso_server):
    pane = tui(sso_server, width=100, height=30)
    pane.run_booktui()
    pane.wait_for("Ctrl-O  Sign in with Keycloak")
    pane.keys("C-o")
    pane.wait_for("Code expires in ")
    pane.keys("Tab")
    pane.wait_for("Waiting for the browser at")
    pane.keys("Tab")
    screen = pane.wait_for("paste the address back", "Copy that page's whole address")
    lines = screen.splitlines()
    start = next(i for i, l in enumerate(lines) if "Open this address in any browser" in l) + 1
    url = ""
    for line in lines[start:]:
        if not line.strip():
            break
        url += line.strip()
    assert url.startswith("http://127.0.0.1:") and "code_challenge=" in url, screen
    with Browser() as browser:
        landed = browser.sign_in(url, "reader1", PASSWORDS["reader1"], follow_callback=False).url
    pane.type(landed)
    pane.keys("Enter")
    pane.wait_for("reader1 via Keycloak", "Welcome, reader1 (signed in via Keycloak).")


def test_a_token_the_server_still_refuses_after_a_refresh_is_shown_with_the_servers_reason(sso_server, provider, xdg):
    # An administrator switched the account off in book-server; the provider still signs the user
    # in and refreshes, but book-server refuses every token: booktui says why instead of "log in again".
    device_sign_in(xdg, sso_server, "librarian2")
    username = run(xdg, sso_server, "status").stdout.split("User:")[1].split()[0]
    sso_server.sql(f"UPDATE users SET is_active = false WHERE username = '{username}'")
    r = run(xdg, sso_server, "status")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Not signed in: The server refused the provider's token: User is inactive" in r.stdout, r.stdout
    sso_server.sql(f"UPDATE users SET is_active = true WHERE username = '{username}'")
    assert run(xdg, sso_server, "status").returncode == 0   # the session was kept: back on when switched on
