"""Helpers for booktui's single sign-on tests: the test provider (Tests/oidc) and a book-server
that trusts it, booktui's subcommands run as a user would, and the browser's part played by
Tests/oidc/browser.py. Not a conftest.py (see tuiharness.py for why)."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import BOOKTUI_BIN, Server

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
sys.path.insert(0, str(OIDC_DIR))

from browser import Browser  # noqa: E402,F401
from harness import PASSWORDS, ProviderProcess  # noqa: E402,F401

CLIENT_ID = "booktui"


@pytest.fixture(scope="module")
def provider():
    with ProviderProcess(extra_args=["--device-poll-interval", "1"]) as proc:
        yield proc


@pytest.fixture(scope="module")
def sso_server(provider, tmp_root):
    workdir = Path(tempfile.mkdtemp(prefix="server-sso-", dir=tmp_root))
    srv = Server(workdir, env={"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
                               "OIDC_AUDIENCE": "book-server"}).start()
    provider.test_control("backchannel-url", {"url": srv.url + "/api/oidc/backchannel-logout/"})
    yield srv
    srv.stop()


@pytest.fixture
def xdg(tmp_path):
    d = tmp_path / "xdg"
    d.mkdir(mode=0o700)
    return d


def cli_env(xdg: Path, server, **extra: str) -> dict[str, str]:
    """What a user's shell would give booktui: no DISPLAY, no BROWSER, no SSH unless asked."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(xdg.parent), "XDG_CONFIG_HOME": str(xdg),
           "LANG": "C.UTF-8", "BOOKTUI_SERVER": server.url}
    env.update(extra)
    return env


def run(xdg: Path, server, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BOOKTUI_BIN), *args], input=stdin, capture_output=True, text=True,
                          env=cli_env(xdg, server, **env), timeout=90)


class Running:
    """A booktui subcommand whose output is read line by line while it runs."""

    def __init__(self, xdg: Path, server, *args: str, **env: str):
        self.proc = subprocess.Popen([str(BOOKTUI_BIN), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=cli_env(xdg, server, **env))
        self.lines: list[str] = []
        self._q: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def wait_line(self, predicate, timeout: float = 30.0) -> str:
        """The first output line (seen so far or coming) for which `predicate` holds."""
        for line in self.lines:
            if predicate(line):
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._q.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None and self._q.empty():
                    break
                continue
            if line is None:
                break
            self.lines.append(line)
            if predicate(line):
                return line
        raise AssertionError(f"no such line; output was:\n" + "\n".join(self.lines)
                             + "\nstderr: " + (self.proc.stderr.read() if self.proc.poll() is not None else ""))

    def url_line(self) -> str:
        return self.wait_line(lambda l: l.startswith("  http")).strip()

    def send(self, text: str):
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def finish(self, timeout: float = 60.0) -> tuple[int, str, str]:
        """Waits for the exit; returns the status, all of stdout and stderr."""
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=timeout)
        finally:
            self.stop()
        while True:  # the rest of the output, up to the end the pump marks
            try:
                line = self._q.get(timeout=10)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
        return self.proc.returncode, "\n".join(self.lines), self.proc.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def device_sign_in(xdg: Path, server, username: str, *extra: str) -> str:
    """`booktui login --sso --device`, approved in the scripted browser; returns stdout."""
    run_ = Running(xdg, server, "login", "--sso", "--device", *extra)
    try:
        url = run_.url_line()
        assert "user_code=" in url or "device" in url, url
        with Browser() as browser:
            page = browser.device_login(url, username, PASSWORDS[username])
            assert "Device Login Successful" in page, page.text
        code, out, err = run_.finish()
    finally:
        run_.stop()
    assert code == 0, out + err
    return out


def tokens_of(xdg: Path, server) -> dict | None:
    return json.loads((xdg / "booktui" / "tokens.json").read_text())["servers"].get(server.url)


def provider_refresh(provider, refresh_token: str) -> requests.Response:
    return requests.post(provider.discovery()["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": refresh_token})
