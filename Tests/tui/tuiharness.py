"""Helpers and the `tui` fixture for driving the real `booktui` in a real terminal (tmux) against a real `book-server`.

Each test gets its own tmux server (`tmux -L <unique socket>`), so tests never touch a user's
tmux and can run side by side; the pane runs a plain bash so the terminal state can be checked
with `stty -a` after booktui exits. Everything waits by polling the screen, never by sleeping.
Not a conftest.py: Tests/conftest.py is imported as `conftest` by every suite, and a second one
would shadow it; test modules import the `tui` fixture from here.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import time
import unicodedata
import uuid
from pathlib import Path

import pytest

from conftest import BOOKTUI_BIN, STRONG_PASSWORD, signup, unique_name, wait_until  # noqa: F401  (Tests/conftest.py)

SCREEN_TIMEOUT = float(os.environ.get("TUI_TIMEOUT", "20"))


def display_width(text: str) -> int:
    """Terminal columns of `text` (East Asian wide = 2, combining = 0)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def column_of(line: str, needle: str) -> int:
    """The screen column where `needle` starts in `line`."""
    index = line.index(needle)
    return display_width(line[:index])


class Pane:
    """One tmux pane running bash; booktui is started in it like a user would."""

    def __init__(self, workdir: Path, width: int, height: int, env: dict[str, str]):
        assert BOOKTUI_BIN.exists(), f"{BOOKTUI_BIN} is missing: build it first (swift build --product booktui)"
        self.socket = f"booktui-test-{uuid.uuid4().hex[:10]}"
        self.workdir = workdir
        self.env = env
        rc = workdir / "bashrc"
        rc.write_text(f"PS1='READY$ '\nunset PROMPT_COMMAND\ncd {shlex.quote(str(workdir))}\n")
        environment = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f"env -i {environment} bash --noprofile --rcfile {shlex.quote(str(rc))} -i"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), command)
        self.tmux("set-option", "-g", "status", "off")
        self.wait_for("READY$")

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main")

    def lines(self) -> list[str]:
        return self.screen().split("\n")

    def size(self) -> tuple[int, int]:
        out = self.tmux("display-message", "-p", "-t", "main", "#{pane_width} #{pane_height}").split()
        return int(out[0]), int(out[1])

    def keys(self, *keys: str):
        """Named keys (tmux names: Enter, Tab, BTab, Escape, C-s, PageDown, ...)."""
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str):
        """Literal text, as typed."""
        self.tmux("send-keys", "-t", "main", "-l", text)

    def wait_for(self, *texts: str, timeout: float = SCREEN_TIMEOUT, absent: tuple[str, ...] = ()) -> str:
        """Polls until every text is on screen (and none of `absent`); returns the screen."""
        last = [""]

        def check():
            last[0] = self.screen()
            if all(t in last[0] for t in texts) and not any(a in last[0] for a in absent):
                return last[0]
            return None

        try:
            return wait_until(check, timeout, interval=0.05, what=f"{texts} on screen")
        except AssertionError:
            raise AssertionError(f"timed out waiting for {texts} (absent {absent}); screen was:\n{last[0]}") from None

    def wait_gone(self, text: str, timeout: float = SCREEN_TIMEOUT) -> str:
        return self.wait_for(timeout=timeout, absent=(text,))

    def run_booktui(self, *args: str, record_stty: bool = False, survive_interrupt: bool = False):
        """Starts booktui from the pane's shell; its pid goes to a file so signals can be sent.

        With `record_stty`, a non-interactive shell saves `stty -a` to stty-before / stty-after
        around booktui and its exit status to exit-status. (An interactive bash puts the terminal
        modes back itself when a job dies of a signal, which would hide a broken restore.)
        `survive_interrupt` (with `record_stty`) keeps that shell alive through a Ctrl-C that reaches
        the whole foreground group (at a cooked-mode prompt), so what follows it is recorded too;
        booktui itself still gets the default disposition."""
        pidfile = self.workdir / "booktui.pid"
        for f in (pidfile, self.workdir / "exit-status"):
            if f.exists():
                f.unlink()
        argv = " ".join(shlex.quote(a) for a in [str(BOOKTUI_BIN), *args])
        script = self.workdir / "run-booktui.sh"
        launch = f"sh -c 'echo $$ > booktui.pid; exec {argv}'"
        if record_stty:
            # exit-status is written last: once it exists, stty-after is complete.
            trap = "trap : INT\n" if survive_interrupt else ""
            script.write_text(f"{trap}stty -a > stty-before\n{launch}\nstatus=$?\nstty -a > stty-after\n"
                              f"echo $status > exit-status.tmp && mv exit-status.tmp exit-status\n")
        else:
            script.write_text(launch + "\n")
        self.type("bash run-booktui.sh")
        self.keys("Enter")
        wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 10, what="booktui pid")
        self.pid = int(pidfile.read_text().strip())

    def wait_exit(self, timeout: float = SCREEN_TIMEOUT):
        def gone():
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return True
            # A zombie is gone for our purposes.
            try:
                return Path(f"/proc/{self.pid}/stat").read_text().split()[2] == "Z"
            except OSError:
                return True
        try:
            wait_until(gone, timeout, what="booktui to exit")
        except AssertionError:
            raise AssertionError(f"booktui did not exit; screen was:\n{self.screen()}") from None

    def shell(self, command: str, marker: str | None = None, timeout: float = SCREEN_TIMEOUT):
        """Runs a shell command in the pane and waits until it has finished."""
        marker = marker or f"DONE-{uuid.uuid4().hex[:6]}"
        self.type(f"{command}; echo {marker}")
        self.keys("Enter")
        joined = lambda: self.tmux("capture-pane", "-p", "-J", "-t", "main")  # noqa: E731  (long lines wrap)
        wait_until(lambda: joined().count(marker) >= 2, timeout, what=f"{command!r} to finish")

    def resize(self, width: int, height: int):
        self.tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))
        wait_until(lambda: self.size() == (width, height), 10, what="the pane to resize")

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def tui(tmp_path):
    """Makes panes: `tui(server, width, height)`; a private config folder per test."""
    panes: list[Pane] = []

    def make(server=None, width=100, height=30, extra_env: dict[str, str] | None = None) -> Pane:
        config = tmp_path / f"config-{len(panes)}"
        config.mkdir(mode=0o700)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "TERM": "screen",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "XDG_CONFIG_HOME": str(config),
        }
        if server is not None:
            env["BOOKTUI_SERVER"] = server.url
        env.update(extra_env or {})
        pane = Pane(tmp_path, width, height, env)
        pane.config_dir = config / "booktui"
        panes.append(pane)
        return pane

    yield make
    for pane in panes:
        pane.close()


def booktui_cli(config_dir: Path, *args: str, stdin: str | None = None, server=None, check=False) -> subprocess.CompletedProcess:
    """Runs a booktui subcommand (status, login, logout) as a script would."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(config_dir.parent), "XDG_CONFIG_HOME": str(config_dir),
           "LANG": "C.UTF-8"}
    if server is not None:
        env["BOOKTUI_SERVER"] = server.url
    return subprocess.run([str(BOOKTUI_BIN), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=60, check=check)


def seed_books(server, api, count: int, prefix: str = "Book", workers: int = 16) -> None:
    """Gives `api`'s user `count` books titled `Book 00001`... (author `Author NN`, year 1900+, every
    other one available) on `server`, whatever its database.

    They go through the server's own bulk route, `POST /api/books/bulk/`, so the server stores them
    as it stores any book (search text, timestamps): 500 a request (its limit,
    `BookBulkController.maxBooks`), up to `workers` requests at once."""
    import concurrent.futures
    import threading

    import requests

    batch = 500  # BookBulkController.maxBooks
    local = threading.local()
    headers = {"Authorization": f"Bearer {api.access}"}

    def body(i: int) -> dict:
        return {"title": f"{prefix} {i:05d}", "author": f"Author {i % 97:02d}", "published_year": 1900 + i % 120,
                "is_available": i % 2 == 0}

    def post(first: int):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        numbers = range(first, min(first + batch, count + 1))
        r = session.post(server.url + "/api/books/bulk/", json={"books": [body(i) for i in numbers]},
                         headers=headers, timeout=120)
        assert r.status_code == 201 and r.json()["created"] == len(numbers), r.text[:2000]

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(post, range(1, count + 1, batch)))
    r = requests.get(server.url + "/api/books/", params={"page_size": 1, "search": prefix}, headers=headers, timeout=60)
    assert r.json()["count"] >= count, r.text


def login_with_cli(pane, server, api, password) -> None:
    """Signs booktui in as `api`'s user without the UI (the `login` subcommand)."""
    r = booktui_cli(pane.config_dir.parent, "login", "--username", api.username, stdin=password + "\n", server=server)
    assert r.returncode == 0, r.stderr
    assert f"Logged in to {server.url} as {api.username}" in r.stdout


def decode_qr(text: str) -> str:
    """The text of the QR code drawn in `text` with half blocks (as booktui draws it: `█▀▄` ink),
    read by a real QR reader (zbarimg, Debian's zbar-tools) from an image of those blocks."""
    rows = [line for line in text.splitlines() if any(c in line for c in "█▀▄") and set(line.strip()) <= set("█▀▄ ")]
    assert rows, f"no QR code in:\n{text}"
    left = min(len(r) - len(r.lstrip()) for r in rows)
    width = max(len(r) for r in rows) - left
    pixels = []
    for row in rows:
        cells = row[left:].ljust(width)
        pixels.append([c in "█▀" for c in cells])
        pixels.append([c in "█▄" for c in cells])
    scale, border = 6, 4 * 6
    size_x, size_y = width * scale + 2 * border, len(pixels) * scale + 2 * border
    out = [f"P1\n{size_x} {size_y}\n"]
    blank = "0 " * size_x + "\n"
    out += [blank] * border
    for line in pixels:
        row = "0 " * border + "".join(("1 " if dark else "0 ") * scale for dark in line) + "0 " * border + "\n"
        out += [row] * scale
    out += [blank] * border
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".pbm", delete=False) as f:
        f.write("".join(out))
    result = subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True, text=True, timeout=30)
    os.unlink(f.name)
    assert result.returncode == 0, f"zbarimg read no QR code (exit {result.returncode}): {result.stderr}"
    return result.stdout.strip()
