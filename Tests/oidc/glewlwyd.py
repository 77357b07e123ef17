"""A real glewlwyd (Debian's `glewlwyd` package) as the OpenID provider of a test.

Usage::

    with GlewlwydProcess(tmp_path) as glw:
        glw.issuer              # http://127.0.0.1:PORT/api/oidc
        glw.add_user("reader1", "pw", roles=["reader"])
        glw.add_client("booktui", redirect_uris=[...])

The process listens on 127.0.0.1 only, on a free port, with a fresh SQLite
database made from the schema the package ships. Everything past the schema
(the OpenID Connect plugin, scopes, users, clients) is set up through
glewlwyd's admin API, as an operator would, signed in as its default admin.

`SpaLogin` does what glewlwyd's login page (a JavaScript application that our
scripted browser cannot run) does in a browser: it signs in and grants the
client its scopes through the same API calls, with the browser's cookies.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from harness import end_process

GLEWLWYD = shutil.which("glewlwyd") or "/usr/bin/glewlwyd"
SCHEMA = Path("/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3")
MODULES = Path("/usr/lib/glewlwyd")
# The package's default administrator (created by the schema script).
ADMIN_USER, ADMIN_PASSWORD = "admin", "password"
PLUGIN = "oidc"


def installed() -> bool:
    return Path(GLEWLWYD).exists() and SCHEMA.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


CONFIG = """\
port={port}
bind_address="127.0.0.1"
external_url="{base}"
login_url="login.html"
api_prefix="api"
allow_origin="*"
log_mode="file"
log_file="{log}"
log_level="{level}"
cookie_secure=0
cookie_same_site="empty"
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=true
login_api_enabled=true
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="{modules}/user"
client_module_path="{modules}/client"
user_auth_scheme_module_path="{modules}/scheme"
plugin_module_path="{modules}/plugin"
use_secure_connection=false
# glewlwyd 2.7 refuses to start ("secure connection is active but certificate is not valid") when
# these are unset, even with use_secure_connection=false; they are never read then.
secure_connection_key_file="/nonexistent/cert.key"
secure_connection_pem_file="/nonexistent/cert.pem"
hash_algorithm="SHA512"
database =
{{
  type = "sqlite3"
  path = "{db}"
}};
"""


class GlewlwydError(RuntimeError):
    pass


class GlewlwydProcess:
    """glewlwyd on a free loopback port, configured through its admin API."""

    def __init__(self, workdir: str | os.PathLike | None = None, *, access_token_duration: int = 300,
                 startup_timeout: float = 20.0):
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="glewlwyd-")
        self.workdir = Path(workdir or self._tmp.name)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base_url}/api/{PLUGIN}"
        self.access_token_duration = access_token_duration
        self.startup_timeout = startup_timeout
        self.log_path = self.workdir / "glewlwyd.log"
        self.proc: subprocess.Popen | None = None
        self.admin = requests.Session()

    # -- lifecycle ----------------------------------------------------------------
    def start(self) -> "GlewlwydProcess":
        if not installed():
            raise GlewlwydError("glewlwyd is not installed (scripts/test-setup.sh installs it)")
        db = self.workdir / "glewlwyd.db"
        with sqlite3.connect(db) as conn:
            conn.executescript(SCHEMA.read_text())
        config = self.workdir / "glewlwyd.conf"
        config.write_text(CONFIG.format(port=self.port, base=self.base_url, log=self.log_path, level="DEBUG",
                                        modules=MODULES, db=db))
        self.proc = subprocess.Popen([GLEWLWYD, "--config-file", str(config), "--log-mode", "file", "--log-file", str(self.log_path), "--log-level", "DEBUG"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=self.workdir)
        try:
            self._wait_until_serving()
            self._configure()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_serving(self):
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                if requests.get(self.base_url + "/config/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise GlewlwydError("glewlwyd did not start" + self.log_tail())
            time.sleep(0.1)

    def log_tail(self, chars: int = 4000) -> str:
        if not self.log_path.exists():
            return ""
        return ":\n" + self.log_path.read_text(errors="replace")[-chars:]

    def stop(self):
        proc, self.proc = self.proc, None
        end_process(proc)
        self.admin.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- admin API ------------------------------------------------------------------
    def call(self, method: str, path: str, json=None, expect=(200,)) -> requests.Response:
        resp = self.admin.request(method, self.base_url + "/api" + path, json=json, timeout=10)
        if resp.status_code not in expect:
            raise GlewlwydError(f"{method} /api{path} answered {resp.status_code}: {resp.text[:500]}"
                                + self.log_tail(1500))
        return resp

    def _configure(self):
        self.call("POST", "/auth/", {"username": ADMIN_USER, "password": ADMIN_PASSWORD})
        # Users get a multi-valued `roles` property, which the plugin puts into access tokens.
        module = self.call("GET", "/mod/user/database").json()
        module["parameters"]["data-format"]["roles"] = {
            "multiple": True, "read": True, "write": True, "profile-read": True, "profile-write": False}
        self.call("PUT", "/mod/user/database", module)
        self.call("PUT", "/mod/user/database/reset")  # the running instance reads its data format again
        for name in ("profile", "email"):
            self.call("POST", "/scope/", {"name": name, "display_name": name, "description": name,
                                          "password_required": False, "password_max_age": 0, "scheme": {}})
        private, public = _rsa_pair()
        self.call("POST", "/mod/plugin/", {
            "module": "oidc", "name": PLUGIN, "display_name": "OpenID Connect", "enabled": True,
            "parameters": {
                "iss": self.issuer, "jwt-type": "rsa", "jwt-key-size": "256", "key": private, "cert": public,
                "access-token-duration": self.access_token_duration, "refresh-token-duration": 3600,
                "code-duration": 600, "refresh-token-rolling": True, "allow-non-oidc": False,
                "auth-type-code-enabled": True, "auth-type-token-enabled": False,
                "auth-type-id-token-enabled": True, "auth-type-none-enabled": False,
                "auth-type-password-enabled": False, "auth-type-client-enabled": False,
                "auth-type-device-enabled": True, "auth-type-refresh-enabled": True,
                "device-authorization-expiration": 600, "device-authorization-interval": 1,
                "scope": [], "claims": [],
                "additional-parameters": [{"user-parameter": "roles", "token-parameter": "roles", "token-changed": False}],
                "name-claim": "on-demand", "name-claim-scope": ["profile"],
                "email-claim": "on-demand", "email-claim-scope": ["email"],
                "allowed-scope": ["openid", "profile", "email"],
                "pkce-allowed": True, "pkce-method-plain-allowed": False,
                "introspection-revocation-allowed": True, "introspection-revocation-auth-scope": [],
                "introspection-revocation-allow-target-client": True,
                "session-management-allowed": True, "session-cookie-name": "GLEWLWYD_OIDC_SESSION",
                "back-channel-logout-allowed": True,
                "session-cookie-expiration": 3600, "jwks-show": True,
            },
        })

    def add_user(self, username: str, password: str, *, name: str = "", email: str = "",
                 roles: list[str] = (), scopes: list[str] = ("openid", "profile", "email")):
        self.call("POST", "/user/", {"username": username, "password": password, "name": name, "email": email,
                                     "enabled": True, "scope": list(scopes), "roles": list(roles)})

    def add_client(self, client_id: str, redirect_uris: list[str], *, post_logout_redirect_uri: str = ""):
        self.call("POST", "/client/", {
            "client_id": client_id, "name": client_id, "description": "", "confidential": False, "enabled": True,
            "redirect_uri": list(redirect_uris),
            "authorization_type": ["code", "refresh_token", "device_authorization"],
            "token_endpoint_auth_method": ["none"], "scope": [],
            "post_logout_redirect_uri": post_logout_redirect_uri})

    def set_backchannel_logout(self, client_id: str, uri: str):
        """Registers the client's back-channel logout URI (OpenID Connect Back-Channel Logout 1.0),
        where glewlwyd posts a `logout_token` when a session the client is part of ends."""
        client = self.call("GET", f"/client/{client_id}").json()
        client.pop("source", None)
        client.update({"backchannel_logout_uri": uri, "backchannel_logout_session_required": "true"})
        self.call("PUT", f"/client/{client_id}", client)

    def discovery(self) -> dict:
        return requests.get(self.issuer + "/.well-known/openid-configuration", timeout=5).json()


class SpaLogin:
    """The user's part of an authorization-code sign-in at glewlwyd, in one browser profile.

    glewlwyd answers an authorization request without a session by redirecting
    to its login page; the page signs the user in (`POST /api/auth/`) and, the
    first time, asks them to grant the client its scopes
    (`PUT /api/auth/grant/<client>`); then the authorization request is sent
    again, from the `callback_url` of the login page with `g_continue` added
    (without it glewlwyd always shows the login page), and redirects to the
    client with a code.
    """

    def __init__(self, glw: GlewlwydProcess, session: requests.Session | None = None):
        self.glw = glw
        self.session = session or requests.Session()

    def _redirect(self, url: str) -> str:
        resp = self.session.get(url, allow_redirects=False, timeout=10)
        if resp.status_code not in (301, 302, 303, 307):
            raise GlewlwydError(f"authorization request answered {resp.status_code}: {resp.text[:300]}")
        return urllib.parse.urljoin(url, resp.headers["Location"])

    def sign_in(self, authorization_url: str, username: str, password: str) -> str:
        """Signs in and grants; the URL glewlwyd finally redirects to (the client's callback)."""
        login = self._redirect(authorization_url)
        if not login.startswith(self.glw.base_url):
            return login  # an error straight back to the client
        page = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(login).query))
        again = page["callback_url"] + "&g_continue"
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorization_url).query))
        resp = self.session.post(self.glw.base_url + "/api/auth/", json={"username": username, "password": password},
                                 timeout=10)
        if resp.status_code != 200:
            raise GlewlwydError(f"sign-in refused ({resp.status_code})")
        resp = self.session.put(f"{self.glw.base_url}/api/auth/grant/{urllib.parse.quote(query['client_id'])}",
                                json={"scope": query["scope"]}, timeout=10)
        if resp.status_code != 200:
            raise GlewlwydError(f"grant refused ({resp.status_code}): {resp.text[:200]}")
        target = self._redirect(again)
        if target.startswith(self.glw.base_url):
            raise GlewlwydError(f"still at the provider after sign-in: {target}")
        return target


def approve_device(glw: GlewlwydProcess, user_code: str, client_id: str, username: str, password: str,
                   scope: str = "openid profile email"):
    """The user's part of a device sign-in at glewlwyd, as its own pages do it: sign in, grant the
    client its scopes, then send the code (`GET /api/<plugin>/device?code=…&g_continue`), which
    glewlwyd answers with a redirect to its "device complete" page."""
    session = requests.Session()
    resp = session.post(glw.base_url + "/api/auth/", json={"username": username, "password": password}, timeout=10)
    if resp.status_code != 200:
        raise GlewlwydError(f"sign-in refused ({resp.status_code})")
    resp = session.put(f"{glw.base_url}/api/auth/grant/{urllib.parse.quote(client_id)}", json={"scope": scope}, timeout=10)
    if resp.status_code != 200:
        raise GlewlwydError(f"grant refused ({resp.status_code}): {resp.text[:200]}")
    resp = session.get(f"{glw.base_url}/api/{PLUGIN}/device", params={"code": user_code, "g_continue": ""},
                       allow_redirects=False, timeout=10)
    if resp.status_code != 302 or "prompt=deviceComplete" not in resp.headers.get("Location", ""):
        raise GlewlwydError(f"device code not accepted ({resp.status_code}): {resp.headers.get('Location', resp.text[:200])}")
