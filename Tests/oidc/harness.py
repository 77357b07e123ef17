"""Helpers to run the test OpenID provider and small loopback listeners.

Usable from any pytest suite (the server's API tests too)::

    from harness import ProviderProcess, Listener   # with Tests/oidc on sys.path

    with Listener() as backchannel, ProviderProcess(
        backchannel_url=backchannel.url("/api/oidc/backchannel-logout/")
    ) as provider:
        provider.issuer          # http://127.0.0.1:PORT/realms/books
        provider.discovery()     # the discovery document

Everything listens on 127.0.0.1 only, on ports the OS picks; processes are
killed when the ``with`` block ends, whatever happens inside it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PROVIDER = HERE / "provider.py"
REALM_FILE = REPO / "deploy" / "keycloak" / "realm-export.json"

# Demo credentials from the realm export (demo realm only).
PASSWORDS = {"librarian1": "librarian1-demo", "reader1": "reader1-demo", "librarian2": "librarian2-demo"}


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def end_process(proc: subprocess.Popen | None):
    """Terminates a child that is still running, killing it if it does not go within 5 s."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class ProviderProcess:
    """The provider as a real process on a free loopback port."""

    def __init__(self, realm_file: str | os.PathLike = REALM_FILE, *, backchannel_url: str | None = None,
                 public_url: str | None = None, extra_args: list[str] | None = None,
                 env: dict | None = None, startup_timeout: float = 30.0):
        self.realm_file = str(realm_file)
        self.backchannel_url = backchannel_url
        self.public_url = public_url
        self.extra_args = list(extra_args or [])
        self.env = env
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.info: dict = {}
        self._stderr = None

    # -- lifecycle ----------------------------------------------------------------
    def start(self) -> "ProviderProcess":
        cmd = [sys.executable, str(PROVIDER), "--realm-file", self.realm_file,
               "--host", "127.0.0.1", "--port", "0", "--exit-with-parent"]
        if self.backchannel_url:
            cmd += ["--backchannel-url", self.backchannel_url]
        if self.public_url:
            cmd += ["--public-url", self.public_url]
        cmd += self.extra_args
        env = dict(os.environ)
        for key, value in (self.env or {}).items():  # None: remove the variable
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        env["PYTHONUNBUFFERED"] = "1"
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr, text=True, env=env)
        lines: queue.Queue = queue.Queue()

        def pump():
            for line in self.proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError("provider did not print READY in time" + self._stderr_tail())
                try:
                    line = lines.get(timeout=min(remaining, 0.5))
                except queue.Empty:
                    continue
                if line is None:
                    raise RuntimeError("provider exited before READY" + self._stderr_tail())
                if line.startswith("READY "):
                    self.info = json.loads(line[len("READY "):])
                    break
            self._wait_until_serving(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_serving(self, deadline: float):
        url = self.base_url + f"/realms/{self.info['realm']}/.well-known/openid-configuration"
        while True:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("provider is not answering" + self._stderr_tail())
            time.sleep(0.05)

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return ":\n" + self._stderr.read()[-4000:]

    def stop(self):
        proc, self.proc = self.proc, None
        end_process(proc)
        if proc is not None and proc.stdout:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- addresses ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.info["base_url"]

    @property
    def issuer(self) -> str:
        return self.info["issuer"]

    def endpoint(self, name: str) -> str:
        """An endpoint from the discovery document, e.g. ``token_endpoint``."""
        return self.discovery()[name]

    def discovery(self) -> dict:
        url = self.base_url + f"/realms/{self.info['realm']}/.well-known/openid-configuration"
        resp = requests.get(url, timeout=5)
        resp.raise_for_status()
        return resp.json()

    def test_control(self, path: str, payload: dict | None = None) -> dict:
        """Call a test-control endpoint (``rotate-keys``, ``issue-token``, ``end-session``,
        ``backchannel-url``, ``state``)."""
        url = f"{self.base_url}/_test/{path}"
        resp = requests.get(url, timeout=5) if payload is None and path == "state" else \
            requests.post(url, json=payload or {}, timeout=10)
        resp.raise_for_status()
        return resp.json()


class Listener:
    """A loopback HTTP listener recording every request it gets.

    Stands in for a client's loopback redirect (answers "you can close this
    tab") or for a back-channel logout receiver.
    """

    def __init__(self, status: int = 200, body: str = "You can close this tab."):
        self.requests: list[dict] = []
        self._cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urllib.parse.urlsplit(self.path)
                entry = {
                    "method": self.command,
                    "path": parts.path,
                    "query": dict(urllib.parse.parse_qsl(parts.query)),
                    "headers": dict(self.headers),
                    "body": raw.decode("utf-8", "replace"),
                    "form": dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"))),
                }
                payload = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                with outer._cond:
                    outer.requests.append(entry)
                    outer._cond.notify_all()

            do_GET = _record
            do_POST = _record

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def url(self, path: str = "/callback") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def logout_tokens(self) -> list[tuple[dict, str]]:
        """Back-channel logout tokens received so far: (unverified claims, token)."""
        out = []
        for r in list(self.requests):
            token = r["form"].get("logout_token")
            if token:
                try:
                    payload = token.split(".")[1]
                    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
                except (IndexError, ValueError):
                    continue
                out.append((claims, token))
        return out

    def wait_for_logout(self, sid: str, timeout: float = 5.0) -> str:
        """Wait for a back-channel logout token for session ``sid``; returns the token."""
        self.wait_for(lambda r: any(c.get("sid") == sid for c, _ in self.logout_tokens()), timeout)
        return next(t for c, t in self.logout_tokens() if c.get("sid") == sid)

    def wait_for(self, predicate=lambda r: True, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                match = next((r for r in self.requests if predicate(r)), None)
                if match is not None:
                    return match
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no matching request reached the listener")
                self._cond.wait(remaining)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
