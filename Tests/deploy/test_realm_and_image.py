"""The realm export agrees with the server's defaults and compose.yaml; the Dockerfile builds the same
product with the same flags and Swift version as the Makefile and this machine's toolchain."""
from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deployfiles import (
    DOCKERIGNORE,
    ROOT,
    SERVER_SOURCES,
    SWIFT_VERSION_FILE,
    app_config_default,
    compose_with,
    dockerfile_arg_defaults,
    dockerfile_instructions,
    dockerfile_stages,
    filled_env,
    load_realm,
    makefile_variable,
    package_tools_version,
    resolve_args,
    toolchain_version,
    version_tuple,
)

# --------------------------------------------------------------------------- realm export


@pytest.fixture(scope="module")
def realm() -> dict:
    return load_realm()


@pytest.fixture(scope="module")
def server_env() -> dict:
    return compose_with(filled_env())["services"]["book-server"]["environment"]


def _client(realm, client_id):
    return next(c for c in realm["clients"] if c["clientId"] == client_id)


def test_realm_name_matches_the_issuer(realm, server_env):
    assert realm["realm"] == "books"
    assert server_env["OIDC_ISSUER"].endswith(f"/realms/{realm['realm']}")
    assert server_env["OIDC_INTERNAL_URL"].endswith(f"/realms/{realm['realm']}")


def test_client_ids_match_the_server_defaults(realm, server_env):
    client_id = app_config_default("OIDC_CLIENT_ID")
    audience = app_config_default("OIDC_AUDIENCE")
    assert (client_id, audience) == ("booktui", "book-server")
    assert (server_env["OIDC_CLIENT_ID"], server_env["OIDC_AUDIENCE"]) == (client_id, audience)
    assert server_env["OIDC_ROLE_CLIENT"] == audience
    booktui = _client(realm, client_id)
    assert booktui["publicClient"] is True
    assert booktui["attributes"]["pkce.code.challenge.method"] == "S256"
    assert booktui["attributes"]["oauth2.device.authorization.grant.enabled"] == "true"
    server = _client(realm, audience)
    assert server["bearerOnly"] is True and server["publicClient"] is False


def test_booktui_tokens_carry_the_server_audience(realm):
    audience = app_config_default("OIDC_AUDIENCE")
    mappers = _client(realm, "booktui")["protocolMappers"]
    audiences = [m["config"]["included.client.audience"] for m in mappers
                 if m["protocolMapper"] == "oidc-audience-mapper" and m["config"].get("access.token.claim") == "true"]
    assert audiences == [audience]


def test_the_librarian_role_is_the_one_the_server_checks(realm):
    role = app_config_default("DEFAULT_ROLES")
    # AppConfig's fallback for DEFAULT_ROLES is written `env["DEFAULT_ROLES"] ?? "librarian"`.
    role = role or re.search(r'"DEFAULT_ROLES"\]\s*\?\?\s*"([^"]+)"', (SERVER_SOURCES / "Core/AppConfig.swift").read_text())[1]
    assert role == "librarian"
    assert f'"{role}"' in (SERVER_SOURCES / "Auth/Policy.swift").read_text()
    assert role in [r["name"] for r in realm["roles"]["client"][app_config_default("OIDC_AUDIENCE")]]
    assert role in [r["name"] for r in realm["roles"]["realm"]]
    holders = [u["username"] for u in realm["users"] if role in u.get("clientRoles", {}).get("book-server", [])]
    assert holders, "no demo user holds the client role"


def test_back_channel_logout_reaches_the_server(realm):
    url = _client(realm, "booktui")["attributes"]["backchannel.logout.url"]
    assert url == "${BOOK_SERVER_URL}/api/oidc/backchannel-logout/"
    keycloak = compose_with(filled_env())["services"]["keycloak"]["environment"]
    assert keycloak["BOOK_SERVER_URL"].startswith("http://")


# --------------------------------------------------------------------------- Dockerfile


def test_one_swift_version_everywhere():
    pinned = SWIFT_VERSION_FILE.read_text().strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)
    assert toolchain_version() == pinned, "the toolchain here differs from .swift-version"
    assert dockerfile_arg_defaults()["SWIFT_VERSION"] == pinned
    assert version_tuple(package_tools_version()) <= version_tuple(pinned)


def test_the_build_stage_is_the_official_swift_image_of_that_version():
    stages = dockerfile_stages()
    assert len(stages) == 3, "global ARGs, a build stage and a runtime stage"
    args = dockerfile_arg_defaults()
    build_from = resolve_args(stages[1][0][1], args)
    runtime_from = resolve_args(stages[2][0][1], args)
    assert build_from == f"swift:{SWIFT_VERSION_FILE.read_text().strip()}-noble AS build"
    assert runtime_from == "ubuntu:noble"


def test_the_image_builds_what_the_makefile_releases():
    build = [rest for keyword, rest in dockerfile_stages()[1] if keyword == "RUN" and rest.startswith("swift build ")]
    assert len(build) == 1
    flags = build[0].split()
    assert flags[flags.index("--product") + 1] == "book-server"
    for flag in makefile_variable("RELEASE_FLAGS").split():
        assert flag in flags, f"the Makefile releases with {flag}, the Dockerfile does not"
    assert '.executable(name: "book-server", targets: ["book-server"])' in (ROOT / "Package.swift").read_text()


def test_dependencies_are_resolved_in_their_own_layer():
    steps = [(k, r) for k, r in dockerfile_stages()[1]]
    resolve = next(i for i, (k, r) in enumerate(steps) if k == "RUN" and "swift package resolve" in r)
    copy_manifest = next(i for i, (k, r) in enumerate(steps) if k == "COPY" and "Package." in r)
    copy_all = next(i for i, (k, r) in enumerate(steps) if k == "COPY" and r.startswith(". "))
    assert copy_manifest < resolve < copy_all


def test_runtime_stage_runs_unprivileged_with_a_health_check():
    runtime = dockerfile_stages()[2]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    health = next(rest for keyword, rest in runtime if keyword == "HEALTHCHECK")
    tool = re.search(r'CMD \["([^"]+)"', health)[1]
    installs = " ".join(rest for keyword, rest in runtime if keyword == "RUN" and "apt-get" in rest)
    assert re.search(rf"\binstall\b.*\b{tool}\b", installs), f"the health check's {tool} is not installed"
    assert "http://127.0.0.1:8080/readyz" in health
    assert ("ENTRYPOINT", '["./book-server"]') in runtime
    assert ("CMD", '["serve", "--env", "production", "--hostname", "0.0.0.0", "--port", "8080"]') in runtime
    assert ("EXPOSE", "8080") in runtime


def test_configuration_only_through_the_environment():
    for keyword, rest in dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            assert not re.search(r"SECRET|PASSWORD|DATABASE_URL|SMTP_|OIDC_", rest), rest
        if keyword in ("COPY", "ADD"):
            assert ".env" not in rest, rest


def test_dockerignore_keeps_what_the_build_needs():
    patterns = [p for p in DOCKERIGNORE.read_text().splitlines() if p and not p.startswith("#")]
    ignored = [p for p in patterns if not p.startswith("!")]

    def is_ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in ignored)

    for needed in ("Package.swift", "Sources/book-server/main.swift", "Sources/BookServer/configure.swift"):
        assert not is_ignored(needed), needed
    # SwiftPM wants every target's folder that Package.swift names, test targets included.
    for target in re.findall(r'\.testTarget\(name: "(\w+)"', (ROOT / "Package.swift").read_text()):
        assert not is_ignored(f"Tests/{target}/Some.swift"), target
    for unwanted in (".build", ".env", ".git", ".venv", "data", "Package.resolved"):
        assert is_ignored(unwanted), unwanted


def test_hadolint_finds_nothing_wrong():
    # hadolint parses the Dockerfile as Docker does and lints it; accepted on purpose: unpinned apt
    # versions (DL3008: security updates come with a rebuild) and the unquoted $(...) that adds
    # --force-resolved-versions only when a Package.resolved is present (SC2046).
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.exists(), "hadolint is missing: run scripts/test-setup.sh (Tests/requirements.txt)"
    result = subprocess.run(
        [str(hadolint), "--no-color", "--failure-threshold", "warning", "--ignore", "DL3008", "--ignore", "SC2046",
         str(ROOT / "Dockerfile")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
