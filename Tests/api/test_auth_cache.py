"""The cache of checked access tokens (AUTH_CACHE_MS, PrincipalCache): a burst of reads costs no
query each, yet nothing is stale after a write on the same server, and what another process
changes is seen within the cache's lifetime (at most one second)."""
import time

import requests

from conftest import signup


def test_a_logout_here_ends_the_access_token_at_once(server):
    api = signup(server)
    for _ in range(3):
        assert api.get("/api/books/").status_code == 200          # the token is in the cache now
    assert api.post("/api/logout/", json={"refresh_token": api.refresh_token}).status_code == 205
    r = requests.get(server.url + "/api/books/", headers={"Authorization": f"Bearer {api.access}"})
    assert r.status_code == 401


def test_a_role_changed_by_another_process_is_seen_within_a_second(server):
    api = signup(server)
    assert api.get("/api/profile/").json()["roles"] == ["librarian"]
    server.command("roles", "revoke", api.username, "librarian")    # another process, no request here
    time.sleep(1.1)
    assert api.get("/api/profile/").json()["roles"] == []
    server.command("roles", "grant", api.username, "librarian")


def test_with_the_cache_off_another_process_is_seen_at_once(make_server):
    srv = make_server(env={"AUTH_CACHE_MS": "0"})
    api = signup(srv)
    assert api.get("/api/profile/").json()["roles"] == ["librarian"]
    srv.command("roles", "revoke", api.username, "librarian")
    assert api.get("/api/profile/").json()["roles"] == []
