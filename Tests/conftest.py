"""Shared fixtures for the black-box tests: real `book-server` processes on SQLite, PostgreSQL or MariaDB,
their local mailbox, a real SMTP server (aiosmtpd), and a small API client.

Binaries come from BOOK_SERVER_BIN / BOOKTUI_BIN, or the debug build folder.
"""
from __future__ import annotations

import email
import email.policy
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BOOK_SERVER_BIN = Path(os.environ.get("BOOK_SERVER_BIN", ROOT / ".build/debug/book-server"))
BOOKTUI_BIN = Path(os.environ.get("BOOKTUI_BIN", ROOT / ".build/debug/booktui"))
POSTGRES_BASE = os.environ.get("TEST_POSTGRES_URL", "postgres://booktest:booktest@127.0.0.1:5432")
STRONG_PASSWORD = "correct-Horse-battery-9"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=20.0, interval=0.05, what="condition"):
    """Polls `predicate` until it returns something truthy; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------------- mail


class Mailbox:
    """The server's local mailbox: a folder of .eml files."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def messages(self) -> list[email.message.EmailMessage]:
        if not self.directory.exists():
            return []
        return [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(self.directory.glob("*.eml"))
        ]

    def wait_for(self, to: str, subject: str = "", timeout=20.0) -> email.message.EmailMessage:
        def find():
            hits = [m for m in self.messages() if to.lower() in str(m["To"]).lower() and subject in str(m["Subject"])]
            return hits[-1] if hits else None

        return wait_until(find, timeout, what=f"mail to {to} about {subject!r}")


def mail_link(message, kind: str) -> str:
    """The `/activate/...` or `/reset/...` link in a mail."""
    body = message.get_body(("plain",)).get_content() if message.is_multipart() else message.get_content()
    match = re.search(rf"https?://\S+/{kind}/[^/\s]+/[^/\s]+/", body)
    assert match, f"no /{kind}/ link in mail:\n{body}"
    return match.group(0)


def link_parts(link: str) -> tuple[str, str]:
    parts = link.rstrip("/").split("/")
    return parts[-2], parts[-1]


class SMTPCollector:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self, auth: dict[str, str] | None = None, tls_context=None, require_starttls=False):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.fail_next = 0
        collector = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if collector.fail_next > 0:
                    collector.fail_next -= 1
                    return "451 Try again later"
                collector.envelopes.append(envelope)
                collector.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth is not None and auth.get(auth_data.login.decode()) == auth_data.password.decode()
            return AuthResult(success=ok)

        self.port = free_port()
        kwargs = dict(hostname="127.0.0.1", port=self.port)
        if auth is not None:
            kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=tls_context is not None)
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=require_starttls)
        self.controller = Controller(Handler(), **kwargs)
        self.controller.start()

    def wait_for(self, to: str, timeout=30.0):
        return wait_until(
            lambda: next((m for m in reversed(self.messages) if to.lower() in str(m["To"]).lower()), None),
            timeout,
            what=f"SMTP delivery to {to}",
        )

    def stop(self):
        self.controller.stop()


# --------------------------------------------------------------------------- databases


def _psql(sql: str, db: str = "postgres"):
    env = dict(os.environ, PGPASSWORD="booktest")
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "booktest", "-d", db, "-c", sql],
        check=True,
        env=env,
        capture_output=True,
    )


class PostgresDatabases:
    """Creates throw-away databases for one test session; drops them afterwards."""

    def __init__(self):
        self.created: list[str] = []

    def new(self) -> str:
        name = f"booktest_{uuid.uuid4().hex[:12]}"
        try:
            _psql(f"CREATE DATABASE {name}")
        except (subprocess.CalledProcessError, FileNotFoundError) as error:
            detail = getattr(error, "stderr", b"") or b""
            pytest.fail(
                "PostgreSQL is not reachable as booktest@127.0.0.1:5432 "
                f"(run scripts/test-setup.sh): {detail.decode(errors='replace')}"
            )
        self.created.append(name)
        return f"{POSTGRES_BASE}/{name}"

    def drop_all(self):
        for name in self.created:
            try:
                _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except subprocess.CalledProcessError:
                pass


@pytest.fixture(scope="session")
def postgres():
    dbs = PostgresDatabases()
    yield dbs
    dbs.drop_all()


class MariaDB:
    """A real MariaDB server on loopback with its own data directory (`mariadbd --no-defaults`; the
    system service is never used), started in about two seconds. `tls` is a (certificate, key) pair
    of PEM files to serve TLS with."""

    USER, PASSWORD = "booktest", "booktest"

    def __init__(self, tmp: Path, tls: tuple[Path, Path] | None = None):
        self.tmp, self.port, self.socket, self.tls = Path(tmp), free_port(), Path(tmp) / "mysqld.sock", tls
        self.daemon = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
        assert Path(self.daemon).exists() and shutil.which("mariadb-install-db"), \
            "mariadb-server is missing: run scripts/test-setup.sh"
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.tmp / 'data'}", "--user=root",
                        "--auth-root-authentication-method=normal", "--skip-test-db"],
                       check=True, capture_output=True, timeout=120)
        self.start()
        # The account the servers under test use, over TCP (root is for the socket only).
        self.sql(f"CREATE USER '{self.USER}'@'127.0.0.1' IDENTIFIED BY '{self.PASSWORD}';"
                 f"GRANT ALL ON *.* TO '{self.USER}'@'127.0.0.1';")

    def start(self):
        tls = [f"--ssl-cert={self.tls[0]}", f"--ssl-key={self.tls[1]}"] if self.tls else ["--skip-ssl"]
        self.process = subprocess.Popen(
            [self.daemon, "--no-defaults", f"--datadir={self.tmp / 'data'}", f"--socket={self.socket}",
             f"--port={self.port}", "--bind-address=127.0.0.1", "--user=root", "--skip-name-resolve",
             f"--pid-file={self.tmp / 'mysqld.pid'}", f"--log-error={self.tmp / 'mysqld.log'}",
             "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=2", "--max-connections=500", *tls])
        wait_until(lambda: self.process.poll() is None and subprocess.run(
            ["mariadb-admin", "--no-defaults", f"--socket={self.socket}", "-uroot", "ping"],
            capture_output=True).returncode == 0, timeout=60, what="mariadbd to start")

    def sql(self, statements: str) -> str:
        done = subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-B"],
                              input=statements, text=True, capture_output=True, timeout=60)
        assert done.returncode == 0, f"mariadb: {done.stderr}"
        return done.stdout

    def new(self) -> str:
        """A fresh database, as a DATABASE_URL for the test account."""
        name = f"booktest_{uuid.uuid4().hex[:12]}"
        self.sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;")
        return f"mysql://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.port}/{name}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)

    def restart(self):
        """A clean shutdown and a start on the same port and data: every client connection is cut."""
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def mariadb(tmp_root):
    """One MariaDB for the session; `new()` gives each server its own database."""
    db = MariaDB(Path(tempfile.mkdtemp(prefix="mariadb-", dir=tmp_root)))
    yield db
    db.stop()


def mysql_sql(url: str, statement: str) -> list[tuple[str, ...]]:
    """Runs SQL on a mysql:// database with PyMySQL; the rows as strings (NULL as '', as psql -At)."""
    import pymysql

    parts = urllib.parse.urlsplit(url)
    with pymysql.connect(host=parts.hostname, port=parts.port or 3306, user=urllib.parse.unquote(parts.username),
                         password=urllib.parse.unquote(parts.password or ""), database=parts.path.lstrip("/"),
                         charset="utf8mb4", autocommit=True) as db, db.cursor() as cursor:
        cursor.execute(statement)
        return [tuple("" if v is None else str(v) for v in row) for row in cursor.fetchall()]


# --------------------------------------------------------------------------- servers


class Server:
    """A real `book-server` process on a free loopback port."""

    def __init__(self, workdir: Path, database_url: str | None = None, env: dict[str, str] | None = None,
                 port: int | None = None, secret: str | None = None):
        assert BOOK_SERVER_BIN.exists(), f"{BOOK_SERVER_BIN} is missing: build it first (swift build)"
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail_dir = self.workdir / "mail"
        self.mailbox = Mailbox(self.mail_dir)
        self.database_url = database_url or f"sqlite:{self.workdir / 'books.sqlite'}"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.workdir),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": secret or secrets.token_urlsafe(48),
            "PUBLIC_URL": self.url,
            "MAIL_DIR": str(self.mail_dir),
            "PASSWORD_HASH_COST": "4",
            # Tests that send bursts of registrations in parallel (ten at once) test the database, not
            # the hashing bound (test_load_isolation.py sets its own): on 2 cores the default queue of 8
            # turned the tenth into a 503 whenever the database let all ten reach the hasher at once.
            "PASSWORD_HASH_QUEUE": "64",
            "LOG_LEVEL": "info",
            # No ISBN lookup unless a test asks for it: Open Library (the default source) cannot be
            # reached from here, and with lookup on booktui's add form starts at ISBN.
            "ISBN_SOURCES": "",
        }
        self.env.update(env or {})
        # A variable given as None is left unset, to see the server's own default.
        self.env = {k: v for k, v in self.env.items() if v is not None}
        self.log_path = self.workdir / f"server-{self.port}.log"
        self.process = None

    def start(self, *args: str) -> "Server":
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(BOOK_SERVER_BIN), "serve", "--hostname", "127.0.0.1", "--port", str(self.port), *args],
            cwd=self.workdir, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"book-server exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                return requests.get(self.url + "/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(ready, timeout=60, what="book-server to start")
        return self

    def command(self, *args: str, check=True) -> subprocess.CompletedProcess:
        """Runs another `book-server` command (roles, migrate) against the same database."""
        return subprocess.run([str(BOOK_SERVER_BIN), *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, check=check, timeout=120)

    def sql(self, statement: str) -> list[tuple[str, ...]]:
        """Runs SQL on this server's own database, as an operator would by hand; the rows as strings."""
        if self.database_url.startswith("sqlite:"):
            with sqlite3.connect(self.database_url.removeprefix("sqlite:")) as db:
                return [tuple(str(v) for v in row) for row in db.execute(statement).fetchall()]
        if self.database_url.startswith(("mysql:", "mariadb:")):
            return mysql_sql(self.database_url, statement)
        out = subprocess.run(["psql", "-At", "-v", "ON_ERROR_STOP=1", self.database_url, "-c", statement],
                             capture_output=True, text=True, check=True)
        return [tuple(line.split("|")) for line in out.stdout.splitlines() if line]

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()

    # A small client for tests.
    def api(self) -> "Api":
        return Api(self.url)


class Api:
    def __init__(self, base: str, access: str | None = None):
        self.base = base
        self.access = access
        self.refresh_token = None
        self.session = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        bearer = token or self.access
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        return self.session.request(method, self.base + path, headers=headers, timeout=30, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, username: str, password: str = STRONG_PASSWORD) -> "Api":
        r = self.session.post(self.base + "/api/token/", json={"username": username, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        self.access, self.refresh_token = r.json()["access"], r.json()["refresh"]
        return self


def unique_name(prefix="user") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def signup(server: Server, username: str | None = None, password: str = STRONG_PASSWORD) -> Api:
    """Registers, activates through the mailed link, logs in: a ready client for a new librarian."""
    username = username or unique_name()
    address = f"{username}@example.org"
    api = server.api()
    r = api.post("/api/register/", json={"username": username, "email": address, "password": password})
    assert r.status_code == 201, r.text
    link = mail_link(server.mailbox.wait_for(address, "Activate"), "activate")
    assert link.startswith(server.url + "/activate/"), link
    page = requests.get(link, timeout=30)
    assert page.status_code == 200 and "active" in page.text, page.text
    api.username, api.email = username, address
    return api.login(username, password)


def start_server(tmp_root: Path, kind: str, databases=None, **kw) -> Server:
    """A server on `kind` (sqlite, postgres, mariadb); `databases` makes the database of the last two."""
    workdir = Path(tempfile.mkdtemp(prefix=f"server-{kind}-", dir=tmp_root))
    url = databases.new() if kind in ("postgres", "mariadb") else None
    return Server(workdir, database_url=url, **kw).start()


@pytest.fixture(scope="session")
def tmp_root():
    path = Path(tempfile.mkdtemp(prefix="booktests-"))
    yield path
    if os.environ.get("KEEP_TEST_FILES") != "1":
        shutil.rmtree(path, ignore_errors=True)


DATABASE_KINDS = ["sqlite", "postgres", "mariadb"]


@pytest.fixture(scope="session", params=DATABASE_KINDS)
def server(request, tmp_root):
    """One server per database kind for the whole session; tests use their own users."""
    databases = request.getfixturevalue(request.param) if request.param != "sqlite" else None
    srv = start_server(tmp_root, request.param, databases)
    srv.kind = request.param
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def sqlite_server(tmp_root):
    srv = start_server(tmp_root, "sqlite")
    yield srv
    srv.stop()


@pytest.fixture
def make_server(tmp_root, request):
    """Starts servers with special settings (`kind`, `env`); stops them after the test."""
    started: list[Server] = []

    def make(kind="sqlite", env=None, database_url=None, secret=None) -> Server:
        workdir = Path(tempfile.mkdtemp(prefix=f"server-{kind}-", dir=tmp_root))
        if database_url is None and kind in ("postgres", "mariadb"):
            database_url = request.getfixturevalue(kind).new()
        srv = Server(workdir, database_url=database_url, env=env, secret=secret).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()
