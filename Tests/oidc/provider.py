#!/usr/bin/env python3
"""A Keycloak-shaped OpenID Connect provider for the tests.

The protocol logic (authorization code grant, PKCE, refresh tokens, the device
authorization grant, revocation, userinfo, RP-initiated logout, ID tokens and
JWT access tokens) is Authlib's; this file only supplies storage, the realm
(read from the same Keycloak realm export that the deployment imports), HTML
pages for the user's part, and the Keycloak specifics on top:

* paths under ``/realms/<realm>/`` and ``/realms/<realm>/protocol/openid-connect/``;
* ``realm_access`` / ``resource_access`` role claims, ``azp``, ``sid``,
  ``preferred_username``, the ``oidc-audience-mapper`` (and Keycloak's implicit
  "audience resolve": clients whose roles the token carries are audiences);
* redirect URI wildcards, and loopback redirect URIs that ignore the port;
* PKCE required per client (``pkce.code.challenge.method``), for the device
  grant too;
* ``POST .../logout`` with ``client_id`` + ``refresh_token`` from a public
  client ends the whole SSO session and answers 204;
* OpenID Connect Back-Channel Logout to clients of the ended session that have
  a ``backchannel.logout.url``.

Test-control endpoints live under ``/_test/`` and are not part of the provider.

Usage::

    python Tests/oidc/provider.py --realm-file deploy/keycloak/realm-export.json \
        --host 127.0.0.1 --port 0 [--public-url URL] [--backchannel-url URL]

Once listening it prints one line ``READY {json}`` on stdout (with ``issuer``,
``base_url`` and ``port``) and serves until killed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import ipaddress
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

# Plain http is fine on loopback, and only loopback is served (see main()).
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

from authlib.common.urls import add_params_to_uri  # noqa: E402
from authlib.integrations.flask_oauth2 import AuthorizationServer  # noqa: E402
from authlib.integrations.flask_oauth2 import ResourceProtector  # noqa: E402
from authlib.oauth2 import OAuth2Error  # noqa: E402
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants  # noqa: E402
from authlib.oauth2.rfc6749.errors import (  # noqa: E402
    InvalidGrantError,
    InvalidRequestError,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc6749.util import scope_to_list  # noqa: E402
from authlib.oauth2.rfc6750 import BearerTokenValidator  # noqa: E402
from authlib.oauth2.rfc7009 import RevocationEndpoint  # noqa: E402
from authlib.oauth2.rfc7636 import CodeChallenge, create_s256_code_challenge  # noqa: E402
from authlib.oauth2.rfc8628 import (  # noqa: E402
    DEVICE_CODE_GRANT_TYPE,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialDict,
)
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator  # noqa: E402
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo, UserInfoEndpoint  # noqa: E402
from authlib.oidc.core.grants import OpenIDCode, OpenIDToken  # noqa: E402
from authlib.oidc.rpinitiated import EndSessionEndpoint  # noqa: E402
from flask import Flask, Response, jsonify, request  # noqa: E402
from joserfc import jwt as jose_jwt  # noqa: E402
from joserfc.jwk import KeySet, RSAKey  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

log = logging.getLogger("oidc-provider")

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
SESSION_COOKIE = "KC_TEST_SESSION"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def now() -> int:
    return int(time.time())


# --------------------------------------------------------------------------
# The realm, read from a Keycloak realm export
# --------------------------------------------------------------------------

# ${VAR} or ${VAR:default}, as Keycloak resolves them from the environment when
# it imports a realm. Keycloak's own message keys (${role_offline-access}) do
# not match the pattern and stay as they are.
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


def substitute_env(value, env=None):
    env = os.environ if env is None else env
    if isinstance(value, str):
        def repl(m):
            name, default = m.group(1), m.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            return m.group(0)
        return _PLACEHOLDER.sub(repl, value)
    if isinstance(value, list):
        return [substitute_env(v, env) for v in value]
    if isinstance(value, dict):
        return {k: substitute_env(v, env) for k, v in value.items()}
    return value


def _loopback_normalised(url: str) -> str:
    """Keycloak ignores the port of http loopback redirect URIs (RFC 8252 7.3)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        return urllib.parse.urlunsplit(("http", host, parts.path, parts.query, parts.fragment))
    return url


def redirect_uri_matches(pattern: str, uri: str) -> bool:
    if urllib.parse.urlsplit(uri).fragment:
        return False
    pattern = _loopback_normalised(pattern)
    uri = _loopback_normalised(uri)
    if pattern.endswith("*"):
        return uri.startswith(pattern[:-1])
    return uri == pattern


@dataclass
class User:
    id: str
    username: str
    email: str | None
    email_verified: bool
    first_name: str | None
    last_name: str | None
    enabled: bool
    password: str | None
    realm_roles: list[str]
    client_roles: dict[str, list[str]]

    def get_user_id(self):
        return self.id

    def check_password(self, password: str) -> bool:
        if not self.enabled or self.password is None:
            return False
        return hmac.compare_digest(self.password.encode(), password.encode())


class Client(ClientMixin):
    def __init__(self, rep: dict):
        attrs = rep.get("attributes") or {}
        self.client_id: str = rep["clientId"]
        self.enabled = rep.get("enabled", True)
        self.public = bool(rep.get("publicClient", False))
        self.bearer_only = bool(rep.get("bearerOnly", False))
        self.secret = rep.get("secret")
        self.standard_flow = bool(rep.get("standardFlowEnabled", True))
        self.full_scope_allowed = bool(rep.get("fullScopeAllowed", True))
        self.redirect_uris: list[str] = list(rep.get("redirectUris") or [])
        self.pkce_method = attrs.get("pkce.code.challenge.method") or None
        self.device_grant = attrs.get("oauth2.device.authorization.grant.enabled") == "true"
        self.use_refresh_tokens = attrs.get("use.refresh.tokens", "true") == "true"
        post_logout = [u for u in (attrs.get("post.logout.redirect.uris") or "").split("##") if u]
        if "+" in post_logout:  # Keycloak: "+" means "the valid redirect URIs"
            post_logout = [u for u in post_logout if u != "+"] + self.redirect_uris
        self.post_logout_redirect_uris = post_logout
        self.configured_backchannel_url = attrs.get("backchannel.logout.url") or None
        self.backchannel_url = self.configured_backchannel_url
        self.backchannel_session_required = (
            attrs.get("backchannel.logout.session.required", "true") == "true"
        )
        self.default_scopes = list(rep.get("defaultClientScopes") or ["profile", "email", "roles"])
        self.optional_scopes = list(rep.get("optionalClientScopes") or ["offline_access"])
        self.audiences: list[str] = [
            m["config"]["included.client.audience"]
            for m in rep.get("protocolMappers") or []
            if m.get("protocolMapper") == "oidc-audience-mapper"
            and (m.get("config") or {}).get("included.client.audience")
            and (m.get("config") or {}).get("access.token.claim", "true") == "true"
        ]

    # -- Authlib's ClientMixin ------------------------------------------------
    @property
    def client_metadata(self):
        return {
            "post_logout_redirect_uris": self.post_logout_redirect_uris,
            "token_endpoint_auth_method": "none" if self.public else "client_secret_basic",
        }

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        # Keycloak requires redirect_uri when the registered ones are patterns.
        exact = [u for u in self.redirect_uris if "*" not in u]
        return exact[0] if len(exact) == 1 and len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope):
        # As Keycloak: the default client scopes that appear in "scope" are
        # always granted; optional ones only when asked for; unknown ones are
        # ignored rather than refused.
        requested = scope_to_list(scope) or []
        allowed = ["openid"] if "openid" in requested else []
        for s in ("profile", "email"):
            if s in self.default_scopes:
                allowed.append(s)
        for s in requested:
            if s in self.optional_scopes and s not in allowed:
                allowed.append(s)
        return " ".join(allowed)

    def check_redirect_uri(self, redirect_uri):
        return any(redirect_uri_matches(p, redirect_uri) for p in self.redirect_uris)

    def check_post_logout_redirect_uri(self, uri):
        return any(redirect_uri_matches(p, uri) for p in self.post_logout_redirect_uris)

    def check_client_secret(self, client_secret):
        return bool(self.secret) and hmac.compare_digest(self.secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if self.bearer_only or not self.enabled:
            return False
        if self.public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code" and self.standard_flow

    def check_grant_type(self, grant_type):
        if grant_type == "authorization_code":
            return self.standard_flow
        if grant_type == "refresh_token":
            return self.use_refresh_tokens
        if grant_type == DEVICE_CODE_GRANT_TYPE:
            return self.device_grant
        return False


class Realm:
    def __init__(self, data: dict):
        self.name: str = data["realm"]
        self.enabled = data.get("enabled", True)
        self.access_token_lifespan = int(data.get("accessTokenLifespan", 300))
        self.sso_idle = int(data.get("ssoSessionIdleTimeout", 1800))
        self.sso_max = int(data.get("ssoSessionMaxLifespan", 36000))
        self.revoke_refresh_token = bool(data.get("revokeRefreshToken", False))
        self.device_code_lifespan = int(data.get("oauth2DeviceCodeLifespan", 600))
        self.device_poll_interval = int(data.get("oauth2DevicePollingInterval", 5))
        roles = data.get("roles") or {}
        self.realm_roles = {r["name"]: r for r in roles.get("realm") or []}
        self.client_roles = {
            cid: {r["name"]: r for r in rs} for cid, rs in (roles.get("client") or {}).items()
        }
        self.default_role = (data.get("defaultRole") or {}).get("name")
        self.clients = {c["clientId"]: Client(c) for c in data.get("clients") or []}
        self.users: dict[str, User] = {}
        for u in data.get("users") or []:
            password = next(
                (c.get("value") for c in u.get("credentials") or []
                 if c.get("type") == "password" and c.get("value") is not None),
                None,
            )
            user = User(
                id=u.get("id") or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.name}/{u['username']}")),
                username=u["username"].lower(),
                email=u.get("email"),
                email_verified=bool(u.get("emailVerified", False)),
                first_name=u.get("firstName"),
                last_name=u.get("lastName"),
                enabled=u.get("enabled", True),
                password=password,
                realm_roles=list(u.get("realmRoles") or []),
                client_roles={k: list(v) for k, v in (u.get("clientRoles") or {}).items()},
            )
            self.users[user.username] = user

    def find_user(self, username_or_email: str) -> User | None:
        key = (username_or_email or "").strip().lower()
        if key in self.users:
            return self.users[key]
        return next((u for u in self.users.values() if (u.email or "").lower() == key), None)

    def effective_roles(self, user: User) -> tuple[list[str], dict[str, list[str]]]:
        """Realm roles and client roles of a user, composites expanded."""
        realm_roles: set[str] = set()
        client_roles: dict[str, set[str]] = {}
        todo = [("", r) for r in user.realm_roles]
        if self.default_role:
            todo.append(("", self.default_role))
        todo += [(cid, r) for cid, rs in user.client_roles.items() for r in rs]
        while todo:
            cid, name = todo.pop()
            if cid:
                if name in client_roles.setdefault(cid, set()):
                    continue
                client_roles[cid].add(name)
                rep = self.client_roles.get(cid, {}).get(name) or {}
            else:
                if name in realm_roles:
                    continue
                realm_roles.add(name)
                rep = self.realm_roles.get(name) or {}
            comps = rep.get("composites") or {}
            todo += [("", r) for r in comps.get("realm") or []]
            todo += [(c, r) for c, rs in (comps.get("client") or {}).items() for r in rs]
        return sorted(realm_roles), {c: sorted(rs) for c, rs in client_roles.items() if rs}


# --------------------------------------------------------------------------
# State: sessions, codes, tokens, device requests
# --------------------------------------------------------------------------

@dataclass
class Session:
    sid: str
    user: User
    auth_time: int
    last_active: int
    clients: set[str] = field(default_factory=set)
    ended: bool = False


@dataclass
class Principal:
    """What Authlib calls "the user": here a user within one SSO session."""

    user: User
    session: Session

    def get_user_id(self):
        return self.user.id


@dataclass
class AuthCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str | None
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    principal: Principal
    expires_at: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.principal.session.auth_time

    def get_acr(self):
        return "1"


@dataclass
class TokenRecord(TokenMixin):
    kind: str  # "access_token" or "refresh_token"
    value: str
    client: Client
    principal: Principal
    scope: str
    issued_at: int
    expires_at: int
    revoked: bool = False

    def check_client(self, client):
        return client is not None and client.get_client_id() == self.client.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_at - self.issued_at

    def is_expired(self):
        return now() >= self.expires_at

    def is_revoked(self):
        return self.revoked or self.principal.session.ended

    def get_user(self):
        return self.principal

    def get_client(self):
        return self.client


class Keys:
    """The realm's signing keys: one active RS256 key, rotated on demand."""

    def __init__(self):
        self._lock = threading.Lock()
        self._current = self._generate()

    @staticmethod
    def _generate() -> RSAKey:
        kid = "kid-" + secrets.token_hex(8)
        return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})

    @property
    def kid(self) -> str:
        return self._current.kid

    def private_keyset(self) -> KeySet:
        return KeySet([self._current])

    def public_jwks(self) -> dict:
        return KeySet([self._current]).as_dict(private=False)

    def public_pem(self) -> bytes:
        return self._current.as_pem(private=False)

    def rotate(self) -> tuple[str, str]:
        new = self._generate()
        with self._lock:
            old, self._current = self._current, new
        return old.kid, new.kid


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.sessions: dict[str, Session] = {}
        self.browser: dict[str, str] = {}  # cookie value -> sid
        self.codes: dict[str, AuthCode] = {}
        self.tokens: dict[str, TokenRecord] = {}  # token string -> record
        self.devices: dict[str, DeviceCredentialDict] = {}  # device_code -> credential
        self.device_grants: dict[str, tuple] = {}  # user_code -> (principal | None, approved)
        self.backchannel_log: list[dict] = []


# --------------------------------------------------------------------------
# The provider: Authlib's server with our storage plugged in
# --------------------------------------------------------------------------

class Provider:
    def __init__(self, realm: Realm, backchannel_url: str | None = None,
                 backchannel_dynamic: bool = False):
        self.realm = realm
        self.keys = Keys()
        self.store = Store()
        self.public_base = "http://127.0.0.1"
        self.backchannel_dynamic = backchannel_dynamic
        for client in realm.clients.values():
            if backchannel_url and client.configured_backchannel_url:
                client.backchannel_url = backchannel_url

    # -- addresses --------------------------------------------------------------
    @property
    def issuer(self) -> str:
        return f"{self.public_base}/realms/{self.realm.name}"

    def realm_url(self, backchannel: bool = False) -> str:
        """Browser-facing URLs use the public address; with
        --backchannel-dynamic (Keycloak's hostname-backchannel-dynamic) the
        server-to-server ones follow the address the request came to."""
        if backchannel and self.backchannel_dynamic:
            return request.host_url.rstrip("/") + f"/realms/{self.realm.name}"
        return self.issuer

    # -- sessions ---------------------------------------------------------------
    def start_session(self, user: User) -> tuple[Principal, str]:
        t = now()
        session = Session(sid=str(uuid.uuid4()), user=user, auth_time=t, last_active=t)
        cookie = secrets.token_urlsafe(32)
        with self.store.lock:
            self.store.sessions[session.sid] = session
            self.store.browser[cookie] = session.sid
        return Principal(user, session), cookie

    def session_alive(self, session: Session) -> bool:
        if session.ended:
            return False
        t = now()
        if t - session.last_active > self.realm.sso_idle or t - session.auth_time > self.realm.sso_max:
            return False
        return True

    def browser_principal(self) -> Principal | None:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        with self.store.lock:
            sid = self.store.browser.get(cookie)
            session = self.store.sessions.get(sid) if sid else None
        if session is None or not self.session_alive(session):
            return None
        return Principal(session.user, session)

    def end_session(self, sid: str, reason: str) -> bool:
        """End an SSO session: its tokens stop working and every client of it
        with a back-channel logout URL is told (synchronously, as Keycloak)."""
        with self.store.lock:
            session = self.store.sessions.get(sid)
            if session is None or session.ended:
                return False
            session.ended = True
            for cookie in [c for c, s in self.store.browser.items() if s == sid]:
                del self.store.browser[cookie]
            clients = [self.realm.clients[c] for c in sorted(session.clients) if c in self.realm.clients]
        log.info("session %s ended (%s)", sid, reason)
        for client in clients:
            self.send_backchannel_logout(client, session)
        return True

    def send_backchannel_logout(self, client: Client, session: Session):
        url = client.backchannel_url
        entry = {"client_id": client.client_id, "url": url, "sid": session.sid,
                 "sub": session.user.id, "status": None, "error": None, "at": time.time()}
        if not url or "${" in url:
            if url:
                entry["error"] = "unresolved placeholder in backchannel.logout.url"
                with self.store.lock:
                    self.store.backchannel_log.append(entry)
            return
        t = now()
        claims = {
            "iss": self.issuer,
            "aud": client.client_id,
            "iat": t,
            "exp": t + 120,
            "jti": str(uuid.uuid4()),
            "sub": session.user.id,
            "typ": "Logout",
            "events": {BACKCHANNEL_EVENT: {}},
        }
        if client.backchannel_session_required:
            claims["sid"] = session.sid
        token = jose_jwt.encode({"alg": "RS256", "typ": "logout+jwt"}, claims, self.keys.private_keyset())
        body = urllib.parse.urlencode({"logout_token": token}).encode()
        try:
            req = urllib.request.Request(
                url, data=body, method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                entry["status"] = resp.status
        except urllib.error.HTTPError as exc:
            entry["status"] = exc.code
        except Exception as exc:  # noqa: BLE001 - a down receiver must not break logout
            entry["error"] = str(exc)
        log.info("back-channel logout to %s: %s", url, entry["status"] or entry["error"])
        with self.store.lock:
            self.store.backchannel_log.append(entry)

    # -- claims -----------------------------------------------------------------
    def audiences(self, client: Client, principal: Principal | None) -> list[str]:
        auds = list(client.audiences)
        if principal is not None:
            _, client_roles = self.realm.effective_roles(principal.user)
            # Keycloak's "audience resolve" mapper: clients whose roles are in
            # the token are audiences too.
            auds += [c for c in client_roles if c != client.client_id]
        seen = []
        for a in auds:
            if a not in seen:
                seen.append(a)
        return seen

    def profile_claims(self, user: User) -> dict:
        claims = {"preferred_username": user.username, "email_verified": user.email_verified}
        if user.email:
            claims["email"] = user.email
        if user.first_name:
            claims["given_name"] = user.first_name
        if user.last_name:
            claims["family_name"] = user.last_name
        name = " ".join(p for p in (user.first_name, user.last_name) if p)
        if name:
            claims["name"] = name
        return claims

    def access_token_claims(self, client: Client, principal: Principal | None) -> dict:
        claims = {"typ": "Bearer", "azp": client.client_id, "acr": "1"}
        if principal is None:
            return claims
        realm_roles, client_roles = self.realm.effective_roles(principal.user)
        claims["sid"] = principal.session.sid
        claims["session_state"] = principal.session.sid
        claims["realm_access"] = {"roles": realm_roles}
        if client_roles:
            claims["resource_access"] = {c: {"roles": rs} for c, rs in client_roles.items()}
        claims.update(self.profile_claims(principal.user))
        return claims

    def id_token_claims(self, principal: Principal, scope: str) -> dict:
        claims = {
            "sub": principal.user.id,
            "typ": "ID",
            "sid": principal.session.sid,
            "auth_time": principal.session.auth_time,
            "acr": "1",
        }
        claims.update(self.profile_claims(principal.user))
        return claims

    def record_tokens(self, token: dict, client: Client, principal: Principal):
        t = now()
        scope = token.get("scope", "")
        with self.store.lock:
            principal.session.clients.add(client.client_id)
            principal.session.last_active = t
            self.store.tokens[token["access_token"]] = TokenRecord(
                "access_token", token["access_token"], client, principal, scope,
                t, t + int(token.get("expires_in") or self.realm.access_token_lifespan),
            )
            if token.get("refresh_token"):
                expires = min(t + self.realm.sso_idle, principal.session.auth_time + self.realm.sso_max)
                self.store.tokens[token["refresh_token"]] = TokenRecord(
                    "refresh_token", token["refresh_token"], client, principal, scope, t, expires,
                )
                token["refresh_expires_in"] = expires - t
        token["session_state"] = principal.session.sid
        token["not-before-policy"] = 0

    def find_token(self, value: str, kind: str | None = None) -> TokenRecord | None:
        with self.store.lock:
            rec = self.store.tokens.get(value or "")
        if rec is None or (kind and rec.kind != kind):
            return None
        return rec


# --------------------------------------------------------------------------
# The web app: one function per concern registers its routes (and the Authlib
# grants and endpoints behind them); build_app puts them together
# --------------------------------------------------------------------------

# How a client may authenticate at the token, device and revocation endpoints:
# public clients with none, confidential ones with their secret.
PUBLIC_OR_SECRET = ["client_secret_basic", "client_secret_post", "none"]


def realm_path(realm: Realm) -> str:
    """Where the realm is served: ``/realms/<realm>``."""
    return f"/realms/{realm.name}"


def oidc_path(realm: Realm) -> str:
    """Where the realm's OpenID Connect endpoints are served."""
    return f"{realm_path(realm)}/protocol/openid-connect"


def build_app(provider: Provider) -> Flask:
    app = Flask(__name__)
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    server = create_authorization_server(app, provider)
    register_discovery_routes(app, provider)
    register_authorization_routes(app, provider, server)
    register_token_routes(app, provider, server)
    register_device_routes(app, provider, server)
    register_revocation_routes(app, provider, server)
    register_userinfo_routes(app, provider, server)
    register_logout_routes(app, provider, server)
    register_test_routes(app, provider)
    register_error_handlers(app)
    return app


# -- shared: HTML pages for the user's part ------------------------------------

def page(title, body, status=200):
    doc = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1 id='kc-page-title'>{html.escape(title)}</h1>{body}</body></html>"
    )
    return Response(doc, status=status, content_type="text/html; charset=utf-8")


def hidden(name, value):
    return f"<input type='hidden' name='{html.escape(name)}' value='{html.escape(value or '')}'>"


def login_page(realm: Realm, action, error=None, extra_hidden=""):
    err = f"<p id='input-error' class='error'>{html.escape(error)}</p>" if error else ""
    return page(
        f"Sign in to {realm.name}",
        f"{err}<form id='kc-form-login' method='post' action='{html.escape(action)}'>"
        "<label for='username'>Username or email</label>"
        "<input id='username' name='username' type='text' autocomplete='username'>"
        "<label for='password'>Password</label>"
        "<input id='password' name='password' type='password' autocomplete='current-password'>"
        f"{hidden('credentialId', '')}{extra_hidden}"
        "<input type='submit' id='kc-login' name='login' value='Sign In'></form>",
        status=200,
    )


def with_cookie(realm: Realm, resp, cookie):
    if cookie:
        resp.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="Lax", path=f"{realm_path(realm)}/")
    return resp


def browser_sign_in(provider: Provider):
    """The user of this browser request, from a posted login form or else from
    the session cookie: (principal, cookie of a new session, login error)."""
    if request.method == "POST" and "username" in request.form:
        user = provider.realm.find_user(request.form.get("username", ""))
        if user is None or not user.check_password(request.form.get("password", "")):
            return None, None, "Invalid username or password."
        principal, cookie = provider.start_session(user)
        return principal, cookie, None
    return provider.browser_principal(), None, None


# -- shared: PKCE, required per client as Keycloak's pkce.code.challenge.method --

def require_client_pkce(client, data):
    method = client.pkce_method
    if not method:
        return
    if not data.get("code_challenge_method"):
        raise InvalidRequestError("Missing parameter: code_challenge_method")
    if data.get("code_challenge_method") != method:
        raise InvalidRequestError("Invalid parameter: code_challenge_method")
    if not data.get("code_challenge"):
        raise InvalidRequestError("Missing parameter: code_challenge")


# -- shared: ID tokens, for every grant that issues one --------------------------

class IDTokenSettings:
    def __init__(self, provider: Provider, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider

    def resolve_client_private_key(self, client):
        return self.provider.keys.private_keyset()

    def get_client_algorithm(self, client):
        return "RS256"

    def get_client_claims(self, client):
        return {
            "iss": self.provider.issuer,
            "aud": client.get_client_id(),
            "azp": client.get_client_id(),
            "exp": now() + self.provider.realm.access_token_lifespan,
            "jti": str(uuid.uuid4()),
        }

    def generate_user_info(self, user, scope):
        return self.provider.id_token_claims(user, scope)


class KeycloakOpenIDCode(IDTokenSettings, OpenIDCode):
    def exists_nonce(self, nonce, req):
        # Keycloak does not refuse a repeated nonce; checking it is the client's job.
        return False


class KeycloakOpenIDToken(IDTokenSettings, OpenIDToken):
    pass


# -- the Authlib server: clients, token storage, RS256 JWT access tokens ---------

def create_authorization_server(app: Flask, provider: Provider) -> AuthorizationServer:
    realm = provider.realm

    def query_client(client_id):
        client = realm.clients.get(client_id)
        return client if client is not None and client.enabled else None

    def save_token(token, req):
        provider.record_tokens(token, req.client, req.user)

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)

    # RS256 JWT access tokens (RFC 9068 generator), opaque refresh tokens
    class TokenGenerator(JWTBearerTokenGenerator):
        # The issuer is known only once the port is bound: read it live.
        @property
        def issuer(self):
            return provider.issuer

        @issuer.setter
        def issuer(self, _value):
            pass

        def get_jwks(self):
            return provider.keys.private_keyset()

        def get_audiences(self, client, user, scope):
            auds = provider.audiences(client, user)
            return auds[0] if len(auds) == 1 else auds

        def get_auth_time(self, user):
            return user.session.auth_time if user is not None else None

        def get_jti(self, client, grant_type, user, scope):
            return str(uuid.uuid4())

        def get_extra_claims(self, client, grant_type, user, scope):
            return provider.access_token_claims(client, user)

    generator = TokenGenerator(
        issuer=provider.issuer,
        refresh_token_generator=lambda **kw: secrets.token_urlsafe(48),
        expires_generator=lambda client, grant_type: realm.access_token_lifespan,
    )
    server.register_token_generator("default", generator)
    return server


# -- discovery and the JWKS ----------------------------------------------------------

def register_discovery_routes(app: Flask, provider: Provider):
    R, P = realm_path(provider.realm), oidc_path(provider.realm)

    @app.get(f"{R}/.well-known/openid-configuration")
    def discovery():
        pub = provider.realm_url()
        back = provider.realm_url(backchannel=True)
        return jsonify({
            "issuer": provider.issuer,
            "authorization_endpoint": f"{pub}/protocol/openid-connect/auth",
            "token_endpoint": f"{back}/protocol/openid-connect/token",
            "userinfo_endpoint": f"{back}/protocol/openid-connect/userinfo",
            "jwks_uri": f"{back}/protocol/openid-connect/certs",
            "end_session_endpoint": f"{pub}/protocol/openid-connect/logout",
            "revocation_endpoint": f"{back}/protocol/openid-connect/revoke",
            "device_authorization_endpoint": f"{back}/protocol/openid-connect/auth/device",
            "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_CODE_GRANT_TYPE],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "roles", "web-origins", "acr",
                                 "basic", "offline_access", "address", "phone"],
            "claims_supported": ["aud", "sub", "iss", "auth_time", "name", "given_name",
                                 "family_name", "preferred_username", "email", "email_verified",
                                 "acr", "azp", "sid"],
            "token_endpoint_auth_methods_supported": PUBLIC_OR_SECRET,
            "revocation_endpoint_auth_methods_supported": PUBLIC_OR_SECRET,
            "code_challenge_methods_supported": ["S256"],
            "prompt_values_supported": ["none", "login"],
            "backchannel_logout_supported": True,
            "backchannel_logout_session_supported": True,
            "frontchannel_logout_supported": False,
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
        })

    @app.get(f"{P}/certs")
    def certs():
        resp = jsonify(provider.keys.public_jwks())
        resp.headers["Cache-Control"] = "no-cache"
        return resp


# -- the authorization code grant and its sign-in page ------------------------------

def register_authorization_routes(app: Flask, provider: Provider, server: AuthorizationServer):
    realm, store = provider.realm, provider.store
    P = oidc_path(realm)

    class ClientPKCE(CodeChallenge):
        SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

        def validate_code_challenge(self, grant, redirect_uri):
            require_client_pkce(grant.request.client, grant.request.payload.data)
            return super().validate_code_challenge(grant, redirect_uri)

    class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = PUBLIC_OR_SECRET

        def save_authorization_code(self, code, req):
            data = req.payload.data
            with store.lock:
                store.codes[code] = AuthCode(
                    code=code,
                    client_id=req.client.get_client_id(),
                    redirect_uri=data.get("redirect_uri"),
                    scope=req.scope,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    principal=req.user,
                    expires_at=now() + 60,
                )

        def query_authorization_code(self, code, client):
            with store.lock:
                rec = store.codes.get(code)
            if (rec is None or rec.client_id != client.get_client_id()
                    or now() > rec.expires_at or not provider.session_alive(rec.principal.session)):
                return None
            return rec

        def delete_authorization_code(self, authorization_code):
            with store.lock:
                store.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.principal

    server.register_grant(AuthorizationCodeGrant, [ClientPKCE(required=True), KeycloakOpenIDCode(provider)])

    @app.route(f"{P}/auth", methods=["GET", "POST"])
    def authorize():
        principal, cookie, error = browser_sign_in(provider)
        try:
            grant = server.get_consent_grant(end_user=principal)
        except OAuth2Error as exc:
            return server.handle_error_response(None, exc)
        if principal is None or (grant.prompt == "login" and cookie is None):
            # Post the form back to this very URL, so that the authorization
            # request (in the query string) comes along.
            return login_page(realm, request.full_path, error)
        return with_cookie(realm, server.create_authorization_response(grant_user=principal, grant=grant), cookie)


# -- the token endpoint, and the refresh token grant -----------------------------------

def register_token_routes(app: Flask, provider: Provider, server: AuthorizationServer):
    realm = provider.realm
    P = oidc_path(realm)

    class RefreshTokenGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = PUBLIC_OR_SECRET
        INCLUDE_NEW_REFRESH_TOKEN = True

        def authenticate_refresh_token(self, refresh_token):
            rec = provider.find_token(refresh_token, "refresh_token")
            if rec is None or rec.is_revoked() or rec.is_expired():
                return None
            if not provider.session_alive(rec.principal.session):
                return None
            return rec

        def authenticate_user(self, refresh_token):
            return refresh_token.principal

        def revoke_old_credential(self, refresh_token):
            # Refresh token rotation: the realm's revokeRefreshToken setting.
            if realm.revoke_refresh_token:
                refresh_token.revoked = True

    server.register_grant(RefreshTokenGrant, [KeycloakOpenIDToken(provider)])

    @app.post(f"{P}/token")
    def token():
        return server.create_token_response()


# -- the device authorization grant and its verification page --------------------------

def register_device_routes(app: Flask, provider: Provider, server: AuthorizationServer):
    realm, store = provider.realm, provider.store
    R, P = realm_path(realm), oidc_path(realm)

    class DeviceGrant(DeviceCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = PUBLIC_OR_SECRET

        def query_device_credential(self, device_code):
            with store.lock:
                return store.devices.get(device_code)

        def query_user_grant(self, user_code):
            with store.lock:
                return store.device_grants.get(user_code)

        def should_slow_down(self, credential):
            t = time.monotonic()
            with store.lock:
                last = credential.get("last_poll")
                credential["last_poll"] = t
            return last is not None and t - last < credential["interval"]

        def validate_token_request(self):
            super().validate_token_request()
            cred = self.request.credential
            if not provider.session_alive(self.request.user.session):
                raise InvalidGrantError("Session not active")
            challenge = cred.get("code_challenge")
            if challenge:
                verifier = self.request.form.get("code_verifier")
                if not verifier:
                    raise InvalidGrantError("PKCE code verifier not specified")
                if not hmac.compare_digest(create_s256_code_challenge(verifier), challenge):
                    raise InvalidGrantError("PKCE verification failed")

        def create_token_response(self):
            result = super().create_token_response()
            cred = self.request.credential
            with store.lock:  # a device code is good for one token response
                store.devices.pop(cred["device_code"], None)
                store.device_grants.pop(cred["user_code"], None)
            return result

    class DeviceAuthorization(DeviceAuthorizationEndpoint):
        CLIENT_AUTH_METHODS = PUBLIC_OR_SECRET

        def get_verification_uri(self):
            return f"{provider.issuer}/device"

        def create_endpoint_response(self, req):
            client = self.authenticate_client(req)
            if not client.check_grant_type(DEVICE_CODE_GRANT_TYPE):
                raise UnauthorizedClientError("Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. The flow is disabled for the client.")
            data = req.payload.data
            require_client_pkce(client, data)
            method = data.get("code_challenge_method")
            if method and method != "S256":
                raise InvalidRequestError("Invalid parameter: code_challenge_method")
            self.EXPIRES_IN = realm.device_code_lifespan
            self.INTERVAL = realm.device_poll_interval
            status, body, headers = super().create_endpoint_response(req)
            with store.lock:
                cred = store.devices[body["device_code"]]
                cred["code_challenge"] = data.get("code_challenge")
            return status, body, headers

        def save_device_credential(self, client_id, scope, data):
            client = realm.clients[client_id]
            cred = DeviceCredentialDict(
                client_id=client_id,
                scope=client.get_allowed_scope(scope),
                device_code=data["device_code"],
                user_code=data["user_code"],
                expires_at=time.time() + data["expires_in"],
                interval=data["interval"],
                last_poll=None,
            )
            with store.lock:
                store.devices[data["device_code"]] = cred

    server.register_grant(DeviceGrant, [KeycloakOpenIDToken(provider)])
    server.register_endpoint(DeviceAuthorization)

    @app.post(f"{P}/auth/device")
    def device_authorization():
        return server.create_endpoint_response("device_authorization")

    @app.route(f"{R}/device", methods=["GET", "POST"])
    def device_verification():
        user_code = (request.values.get("user_code") or request.values.get("device_user_code") or "")
        user_code = user_code.strip().upper()
        if user_code and "-" not in user_code and len(user_code) == 8:
            user_code = f"{user_code[:4]}-{user_code[4:]}"
        principal, cookie, error = browser_sign_in(provider)

        cred = None
        if user_code:
            with store.lock:
                cred = next((c for c in store.devices.values() if c["user_code"] == user_code), None)
                decided = user_code in store.device_grants
            if cred is None or cred.is_expired() or decided:
                cred = None
        if cred is None:
            err = "<p id='input-error' class='error'>Invalid code, please try again.</p>" if user_code else ""
            return with_cookie(realm, page(
                "Device Login",
                f"{err}<form id='kc-user-verify-device-user-code-form' method='post' action='{R}/device'>"
                "<label for='device-user-code'>Enter the code provided by your device</label>"
                "<input id='device-user-code' name='device_user_code' type='text' autocomplete='off'>"
                "<input type='submit' id='kc-login' name='submit' value='Submit'></form>",
            ), cookie)
        if principal is None:
            return login_page(realm, f"{R}/device", error, hidden("user_code", user_code))
        if request.method == "POST" and cookie is None and ("accept" in request.form or "cancel" in request.form):
            approved = "accept" in request.form
            with store.lock:
                store.device_grants[user_code] = (principal if approved else None, approved)
            if approved:
                return page("Device Login Successful", "<p id='kc-device-success'>Device Login Successful. You may close this page and go back to your device.</p>")
            return page("Device Login Failed", "<p id='kc-device-denied'>Access was denied. You may close this page.</p>")
        client_id = cred.get_client_id()
        return with_cookie(realm, page(
            f"Grant access to {client_id}",
            f"<p>Signed in as <b>{html.escape(principal.user.username)}</b>. "
            f"Do you grant <b>{html.escape(client_id)}</b> access (scope: {html.escape(cred.get_scope() or '')})?</p>"
            f"<form id='kc-oauth-device-consent' method='post' action='{R}/device'>{hidden('user_code', user_code)}"
            "<input type='submit' id='kc-login' name='accept' value='Yes'>"
            "<input type='submit' id='kc-cancel' name='cancel' value='No'></form>",
        ), cookie)


# -- token revocation ---------------------------------------------------------------

def register_revocation_routes(app: Flask, provider: Provider, server: AuthorizationServer):
    store = provider.store
    P = oidc_path(provider.realm)

    class Revocation(RevocationEndpoint):
        CLIENT_AUTH_METHODS = PUBLIC_OR_SECRET

        def query_token(self, token_string, token_type_hint):
            return provider.find_token(token_string)

        def revoke_token(self, token, req):
            # As Keycloak: revoking an access token blocks it; revoking a
            # refresh token ends this client's part of the session, and the
            # session itself when no other client uses it.
            session = token.principal.session
            with store.lock:
                token.revoked = True
                if token.kind == "refresh_token":
                    for rec in store.tokens.values():
                        if rec.principal.session is session and rec.client.client_id == token.client.client_id:
                            rec.revoked = True
                    last_client = not (session.clients - {token.client.client_id})
                    if not last_client:
                        session.clients.discard(token.client.client_id)
                else:
                    last_client = False
            if last_client:
                provider.end_session(session.sid, "revocation of the last client's refresh token")

    server.register_endpoint(Revocation)

    @app.post(f"{P}/revoke")
    def revoke():
        return server.create_endpoint_response("revocation")


# -- userinfo -------------------------------------------------------------------------

def register_userinfo_routes(app: Flask, provider: Provider, server: AuthorizationServer):
    P = oidc_path(provider.realm)

    class AccessTokenValidator(BearerTokenValidator):
        def authenticate_token(self, token_string):
            return provider.find_token(token_string, "access_token")

    protector = ResourceProtector()
    protector.register_token_validator(AccessTokenValidator())

    class UserInfoKeycloak(UserInfoEndpoint):
        def get_issuer(self):
            return provider.issuer

        def resolve_private_key(self):
            return provider.keys.private_keyset()

        def generate_user_info(self, user, scope):
            info = {"sub": user.user.id}
            info.update(provider.profile_claims(user.user))
            return UserInfo(info)

    server.register_endpoint(UserInfoKeycloak(resource_protector=protector))

    @app.route(f"{P}/userinfo", methods=["GET", "POST"])
    def userinfo():
        return server.create_endpoint_response("userinfo")


# -- logout: RP-initiated, and Keycloak's logout with a refresh token ------------------
# (ending a session sends the back-channel logouts: Provider.end_session)

def register_logout_routes(app: Flask, provider: Provider, server: AuthorizationServer):
    R, P = realm_path(provider.realm), oidc_path(provider.realm)

    class EndSession(EndSessionEndpoint):
        def get_server_jwks(self):
            return KeySet.import_key_set(provider.keys.public_jwks())

        def get_algorithms(self):
            return ["RS256"]

        def _is_valid_post_logout_redirect_uri(self, client, post_logout_redirect_uri):
            # Keycloak matches post-logout redirect URIs like redirect URIs
            # (wildcards, loopback ports ignored).
            return client.check_post_logout_redirect_uri(post_logout_redirect_uri)

        def is_post_logout_redirect_uri_legitimate(self, req, uri, client, logout_hint):
            # Without id_token_hint the user confirmed on our page first.
            return req.payload.data.get("confirm") == "yes"

        def end_session(self, end_session_request):
            claims = end_session_request.id_token_claims or {}
            sid = claims.get("sid")
            if not sid:
                principal = provider.browser_principal()
                sid = principal.session.sid if principal else None
            if sid:
                provider.end_session(sid, "RP-initiated logout")

    server.register_endpoint(EndSession)

    @app.route(f"{P}/logout", methods=["GET", "POST"])
    def logout():
        if request.method == "POST" and "refresh_token" in request.form and "id_token_hint" not in request.form:
            return logout_with_refresh_token()
        try:
            req = server.validate_endpoint_request("end_session")
        except OAuth2Error as exc:
            return page("Logout failed", f"<p id='error'>{html.escape(exc.description or exc.error)}</p>", 400)
        if req.needs_confirmation and request.values.get("confirm") != "yes":
            fields = "".join(
                hidden(k, request.values.get(k))
                for k in ("client_id", "post_logout_redirect_uri", "state", "ui_locales")
                if request.values.get(k)
            )
            return page(
                "Logging out",
                "<p>Do you want to log out?</p>"
                f"<form id='kc-logout-confirm' method='post' action='{P}/logout'>{fields}"
                "<input type='hidden' name='confirm' value='yes'>"
                "<input type='submit' id='kc-logout' name='logout' value='Logout'></form>",
            )
        resp = server.create_endpoint_response("end_session", req)
        if resp is None:
            resp = page("You are logged out", "<p id='kc-logged-out'>You are logged out.</p>")
        resp.delete_cookie(SESSION_COOKIE, path=f"{R}/")
        return resp

    def logout_with_refresh_token():
        # Keycloak's logout without a browser: POST client_id (+ secret for a
        # confidential client) and refresh_token; 204 and the SSO session is over.
        oreq = server.create_oauth2_request(None)
        try:
            client = server.authenticate_client(oreq, PUBLIC_OR_SECRET, "end_session")
        except OAuth2Error as exc:
            return server.handle_error_response(oreq, exc)
        rec = provider.find_token(request.form.get("refresh_token", ""), "refresh_token")
        if rec is None or not rec.check_client(client) or rec.is_revoked() or rec.is_expired() \
                or not provider.session_alive(rec.principal.session):
            return jsonify({"error": "invalid_grant", "error_description": "Invalid refresh token"}), 400
        provider.end_session(rec.principal.session.sid, "logout with refresh token")
        return Response(status=204)


# -- test control: NOT part of the provider -------------------------------------

def register_test_routes(app: Flask, provider: Provider):
    realm, store = provider.realm, provider.store

    @app.get("/_test/state")
    def test_state():
        with store.lock:
            sessions = [
                {"sid": s.sid, "username": s.user.username, "clients": sorted(s.clients),
                 "alive": provider.session_alive(s)}
                for s in store.sessions.values()
            ]
            backchannel = list(store.backchannel_log)
        return jsonify({"issuer": provider.issuer, "kid": provider.keys.kid,
                        "sessions": sessions, "backchannel_logout": backchannel})

    @app.post("/_test/rotate-keys")
    def test_rotate_keys():
        old, new = provider.keys.rotate()
        return jsonify({"previous_kid": old, "kid": new})

    @app.post("/_test/backchannel-url")
    def test_backchannel_url():
        """Point back-channel logouts somewhere else at run time (JSON: ``url``,
        optional ``client_id``; default: every client that has a URL in the file)."""
        body = request.get_json(silent=True) or {}
        url = body.get("url") or None
        changed = []
        for client in realm.clients.values():
            if body.get("client_id") in (None, client.client_id) and (
                    client.configured_backchannel_url or body.get("client_id")):
                client.backchannel_url = url
                changed.append(client.client_id)
        return jsonify({"clients": changed, "url": url})

    @app.post("/_test/end-session")
    def test_end_session():
        """Admin-initiated sign-out of a session (by sid) or of every session of a user."""
        body = request.get_json(silent=True) or {}
        with store.lock:
            sids = [s.sid for s in store.sessions.values() if not s.ended and (
                s.sid == body.get("sid") or s.user.username == (body.get("username") or "").lower())]
        ended = [sid for sid in sids if provider.end_session(sid, "admin sign-out")]
        return jsonify({"ended": ended})

    @app.post("/_test/issue-token")
    def test_issue_token():
        """Sign arbitrary claims for negative tests.

        JSON body: ``username`` (base claims of that user, default librarian1),
        ``client_id`` (default booktui), ``expires_in`` (seconds, may be
        negative), ``claims`` (merged last; a null value removes a claim),
        ``header`` (extra header fields), ``alg``: ``RS256`` (default, the
        active key), ``none`` (unsigned) or ``HS256-public-key`` (HMAC keyed
        with the PEM of the active public key, the classic confusion attack),
        ``key``: ``active`` (default) or ``foreign`` (a key not in the JWKS, kid kept).
        """
        body = request.get_json(silent=True) or {}
        client = realm.clients.get(body.get("client_id") or "booktui")
        user = realm.find_user(body.get("username") or "librarian1")
        if client is None or user is None:
            return jsonify({"error": "unknown client_id or username"}), 400
        session = Session(sid=body.get("sid") or str(uuid.uuid4()), user=user,
                          auth_time=now(), last_active=now())
        principal = Principal(user, session)
        t = now()
        auds = provider.audiences(client, principal)
        claims = {
            "iss": provider.issuer,
            "sub": user.id,
            "aud": auds[0] if len(auds) == 1 else auds,
            "exp": t + int(body.get("expires_in", realm.access_token_lifespan)),
            "iat": t,
            "jti": str(uuid.uuid4()),
            "client_id": client.client_id,
            "scope": client.get_allowed_scope("openid"),
            "auth_time": t,
        }
        claims.update(provider.access_token_claims(client, principal))
        for key, value in (body.get("claims") or {}).items():
            if value is None:
                claims.pop(key, None)
            else:
                claims[key] = value
        alg = body.get("alg") or "RS256"
        header = {"typ": "JWT", "alg": alg, "kid": provider.keys.kid}
        header.update(body.get("header") or {})
        if alg == "none":
            header.pop("kid", None)
            token = _b64(json.dumps(header)) + "." + _b64(json.dumps(claims)) + "."
        elif alg == "HS256-public-key":
            header["alg"] = "HS256"
            signing_input = _b64(json.dumps(header)) + "." + _b64(json.dumps(claims))
            mac = hmac.new(provider.keys.public_pem(), signing_input.encode(), hashlib.sha256).digest()
            token = signing_input + "." + _b64(mac)
        elif alg == "RS256":
            if body.get("key") == "foreign":
                foreign = RSAKey.generate_key(2048, parameters={"kid": header["kid"], "alg": "RS256"})
                token = jose_jwt.encode(header, claims, foreign)
            else:
                token = jose_jwt.encode(header, claims, provider.keys.private_keyset())
        else:
            return jsonify({"error": f"unsupported alg {alg}"}), 400
        return jsonify({"token": token, "claims": claims, "header": header})


# -- errors ---------------------------------------------------------------------------

def register_error_handlers(app: Flask):
    @app.errorhandler(404)
    def not_found(_exc):
        return jsonify({"error": "Realm or resource does not exist"}), 404


def _b64(data) -> str:
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_realm(path: str) -> Realm:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return Realm(substitute_env(data))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--realm-file", required=True, help="Keycloak realm export (JSON)")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    ap.add_argument("--port", type=int, default=0, help="port (0: any free port; see the READY line)")
    ap.add_argument("--public-url", help="public base URL (issuer = URL/realms/<realm>); "
                                         "'{port}' in it becomes the bound port; "
                                         "default http://HOST:PORT")
    ap.add_argument("--backchannel-url",
                    help="back-channel logout URL for every client that has one in the realm file")
    ap.add_argument("--backchannel-dynamic", action="store_true",
                    help="server-to-server endpoints in discovery follow the request's address "
                         "(Keycloak's hostname-backchannel-dynamic)")
    ap.add_argument("--access-token-lifespan", type=int, help="override accessTokenLifespan (s)")
    ap.add_argument("--device-code-lifespan", type=int, help="override oauth2DeviceCodeLifespan (s)")
    ap.add_argument("--device-poll-interval", type=int, help="override oauth2DevicePollingInterval (s)")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="exit when the process that started this one goes away")
    ap.add_argument("--verbose", action="store_true", help="log every request")
    args = ap.parse_args(argv)

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="oidc-provider: %(message)s", stream=sys.stderr)
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if not _is_loopback(args.host):
        ap.error("--host must be a loopback address")

    realm = load_realm(args.realm_file)
    if args.access_token_lifespan is not None:
        realm.access_token_lifespan = args.access_token_lifespan
    if args.device_code_lifespan is not None:
        realm.device_code_lifespan = args.device_code_lifespan
    if args.device_poll_interval is not None:
        realm.device_poll_interval = args.device_poll_interval

    provider = Provider(realm, backchannel_url=args.backchannel_url,
                        backchannel_dynamic=args.backchannel_dynamic)
    app = build_app(provider)
    httpd = make_server(args.host, args.port, app, threaded=True)
    port = httpd.server_port
    host = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{host}:{port}"
    provider.public_base = (args.public_url or base).replace("{port}", str(port)).rstrip("/")
    print("READY " + json.dumps({"issuer": provider.issuer, "base_url": base, "port": port,
                                 "realm": realm.name}), flush=True)
    if args.exit_with_parent:
        parent = os.getppid()

        def watch_parent():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)

        threading.Thread(target=watch_parent, daemon=True).start()
    try:
        httpd.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
