"""The seed's own backend for booktui to talk to: the Django 4.2 + DRF + simplejwt project in
Tests/seed (written from shared/docs/api-contract.md), served by gunicorn on loopback with SQLite,
as a stock seed deployment runs. `seed_server` starts one per test."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import STRONG_PASSWORD, Api, free_port, unique_name, wait_until

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"
VENV_BIN = Path(sys.executable).parent


class SeedServer:
    def __init__(self, workdir: Path, access_lifetime: int = 300):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(workdir),
            "PYTHONPATH": str(SEED_DIR),
            "DJANGO_SETTINGS_MODULE": "seedsite.settings",
            "SEED_SECRET_KEY": secrets.token_urlsafe(40),
            "SEED_DATABASE": str(workdir / "seed.sqlite3"),
            "SEED_ACCESS_LIFETIME": str(access_lifetime),
        }
        self.log = open(workdir / "gunicorn.log", "ab")
        self.manage("migrate", "--noinput")
        # As the seed runs: gunicorn with sync workers.
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "seedsite.wsgi:application"],
            cwd=SEED_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)

        def up():
            assert self.process.poll() is None, (workdir / "gunicorn.log").read_text()
            try:
                return requests.get(self.url + "/register/", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False
        wait_until(up, timeout=30, what="the seed's gunicorn")

    def manage(self, *args: str, stdin: str | None = None) -> str:
        r = subprocess.run([sys.executable, str(SEED_DIR / "manage.py"), *args], cwd=SEED_DIR, env=self.env,
                           input=stdin, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout

    def user(self, username: str | None = None, password: str = STRONG_PASSWORD) -> Api:
        """An active user (as after e-mail verification), logged in through the API."""
        username = username or unique_name()
        self.manage("shell", stdin="from django.contrib.auth.models import User\n"
                    f"User.objects.create_user({username!r}, {username + '@example.org'!r}, {password!r})\n")
        api = Api(self.url).login(username, password)
        api.username, api.email = username, f"{username}@example.org"
        return api

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def seed_server(tmp_path):
    servers = []

    def make(**kw) -> SeedServer:
        workdir = tmp_path / f"seed-{len(servers)}"
        workdir.mkdir()
        servers.append(SeedServer(workdir, **kw))
        return servers[-1]
    yield make
    for s in servers:
        s.stop()
