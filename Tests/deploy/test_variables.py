"""Every variable the server reads is wired in compose.yaml or deliberately left out, and is documented
in .env.example (with a comment) and docs/deploy.md; nothing in .env.example is dead or secret."""
from __future__ import annotations

import math
import re
import subprocess
from collections import Counter

from deployfiles import (
    COMPOSE,
    COMPOSE_MYSQL,
    DEPLOY_DOC,
    ENV_EXAMPLE,
    ROOT,
    compose_with,
    env_example,
    filled_env,
    referenced_variables,
    server_variables,
)

# Read by the server, but not set in compose.yaml, and why (each is documented all the same).
NOT_WIRED = {
    "SMTP_CA_FILE": "a private relay's CA; Brevo's certificate chains to the system roots",
}
# Set in compose.yaml to a value built from other variables, so not in .env.example as active lines.
BUILT_IN_COMPOSE = {"DATABASE_URL", "OIDC_ISSUER", "OIDC_INTERNAL_URL", "AUTO_MIGRATE"}
# Variables of the stack itself (compose.yaml), not of the server.
STACK_VARIABLES = {
    "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "KEYCLOAK_ADMIN_USERNAME",
    "KEYCLOAK_ADMIN_PASSWORD", "KEYCLOAK_PUBLIC_URL", "KEYCLOAK_PORT", "HTTP_PORT",
    # compose.mysql.yaml's mysql service
    "MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD",
}


def test_the_server_variables_are_found():
    # A guard on the scan itself: these must be among what it finds.
    names = server_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "SMTP_HOST", "OIDC_ISSUER", "OIDC_INTERNAL_URL",
            "PASSWORD_HASH_COST", "SMTP_CA_FILE", "LOG_LEVEL", "AUTO_MIGRATE"} <= names
    assert len(names) >= 20


def test_every_server_variable_is_wired_in_compose():
    env = compose_with(filled_env())["services"]["book-server"]["environment"]
    missing = server_variables() - set(env) - set(NOT_WIRED)
    assert not missing, f"read by the server but not set in compose.yaml: {sorted(missing)}"


def test_compose_sets_nothing_the_server_does_not_read():
    env = compose_with(filled_env())["services"]["book-server"]["environment"]
    unknown = set(env) - server_variables()
    assert not unknown, f"set in compose.yaml, read by no one (a typo?): {sorted(unknown)}"


def test_every_server_variable_is_in_env_example_with_a_comment():
    lines = ENV_EXAMPLE.read_text().splitlines()
    defined = env_example()
    for name in sorted(server_variables()):
        assert name in defined, f"{name} is not in .env.example"
        index = next(i for i, line in enumerate(lines) if re.match(rf"^#?{name}=", line))
        # The block of lines above it (up to a blank line) holds at least one explaining comment.
        j = index - 1
        block = []
        while j >= 0 and lines[j].strip():
            block.append(lines[j])
            j -= 1
        prose = [b for b in block if b.startswith("#") and not re.match(r"^#[A-Z][A-Z0-9_]*=", b)]
        assert prose, f"{name} in .env.example has no comment above it"


def test_every_server_and_stack_variable_is_in_the_deploy_doc():
    doc = DEPLOY_DOC.read_text()
    for name in sorted(server_variables() | STACK_VARIABLES):
        assert f"`{name}`" in doc, f"docs/deploy.md does not mention `{name}`"


def test_env_example_has_no_dead_variables():
    compose_variables = set(referenced_variables(COMPOSE.read_text())) | set(referenced_variables(COMPOSE_MYSQL.read_text()))
    used = compose_variables | server_variables()
    dead = set(env_example()) - used
    assert not dead, f".env.example lists variables nothing reads: {sorted(dead)}"
    assert compose_variables <= set(env_example()), \
        "a variable compose.yaml or compose.mysql.yaml reads is missing from .env.example"
    for name in BUILT_IN_COMPOSE:
        value, commented = env_example()[name]
        assert commented, f"{name} is set by compose.yaml; in .env.example it is only an example"


def _entropy(s: str) -> float:
    counts = Counter(s)
    return -sum(c / len(s) * math.log2(c / len(s)) for c in counts.values())


def test_env_example_holds_no_secret():
    for name, (value, commented) in env_example().items():
        if re.search(r"PASSWORD$|SECRET|TOKEN$|_KEY$|^SMTP_USERNAME$", name) and not commented:
            assert value == "", f"{name} must be left empty in .env.example"
        # Nothing shaped like a key: long, random-looking runs of letters and digits.
        for run in re.findall(r"[A-Za-z0-9+/_=-]{20,}", value):
            assert _entropy(run) < 4.0 or not re.search(r"\d", run), f"{name} looks like a secret: {value}"
        assert not re.search(r"xsmtpsib-[0-9a-f]{8,}|xkeysib-", value), name
    text = ENV_EXAMPLE.read_text()
    assert "BEGIN" not in text and "PRIVATE KEY" not in text


def test_no_env_file_is_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ".env" not in tracked
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
