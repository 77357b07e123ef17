"""Readers for the deployment files, shared by the tests in this folder: the Compose file and its
variable interpolation, the Dockerfile's instructions, the Makefile's release flags, the variables the
server reads, and the swift toolchain's version. No Docker engine is needed for any of them."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE = ROOT / "compose.yaml"
COMPOSE_MYSQL = ROOT / "compose.mysql.yaml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
SWIFT_VERSION_FILE = ROOT / ".swift-version"
REALM_EXPORT = ROOT / "deploy/keycloak/realm-export.json"
NGINX_CONF = ROOT / "deploy/nginx/nginx.conf"
DEPLOY_DOC = ROOT / "docs/deploy.md"
SCALING_DOC = ROOT / "docs/scaling.md"
APP_CONFIG = ROOT / "Sources/BookServer/Core/AppConfig.swift"
SERVER_SOURCES = ROOT / "Sources/BookServer"

# Read by Vapor itself (LoggingSystem.bootstrap(from:)), not by our code.
VAPOR_VARIABLES = {"LOG_LEVEL"}


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def load_realm() -> dict:
    return json.loads(REALM_EXPORT.read_text())


# --------------------------------------------------------------------------- compose interpolation

_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariable(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


def interpolate(value, env: dict[str, str]):
    """Compose's variable substitution (`${X}`, `${X:-d}`, `${X-d}`, `${X:?m}`, `${X?m}`, `$$`), applied
    to every string in a loaded Compose document."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def replace(m: re.Match) -> str:
        if m["escaped"]:
            return "$"
        name = m["name"] or m["bare"]
        op, arg = m["op"], m["arg"] or ""
        present = name in env
        val = env.get(name, "")
        if op == ":-":
            return val if val else arg
        if op == "-":
            return val if present else arg
        if op == ":?" and not val or op == "?" and not present:
            raise MissingVariable(name, arg)
        return val

    return _INTERPOLATION.sub(replace, value)


def referenced_variables(text: str) -> dict[str, str | None]:
    """Every `${NAME...}` in a Compose file, with its operator (`:-`, `-`, `:?`, `?` or None)."""
    found: dict[str, str | None] = {}
    for m in _INTERPOLATION.finditer(text):
        if m["escaped"]:
            continue
        found.setdefault(m["name"] or m["bare"], m["op"])
    return found


def compose_with(env: dict[str, str]) -> dict:
    return interpolate(load_compose(), env)


def env_example() -> dict[str, tuple[str, bool]]:
    """NAME -> (value, commented out) for every `NAME=value` or `#NAME=value` line of .env.example."""
    out: dict[str, tuple[str, bool]] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$", line)
        if m:
            out[m[2]] = (m[3], m[1] == "#")
    return out


def filled_env() -> dict[str, str]:
    """.env.example's active values, with a stand-in for every secret it leaves empty."""
    env = {name: value for name, (value, commented) in env_example().items() if not commented}
    for name, value in env.items():
        if value == "":
            env[name] = f"stand-in-{name.lower()}-0123456789abcdef0123456789"
    return env


# --------------------------------------------------------------------------- the server's variables


def server_variables() -> set[str]:
    """Every environment variable the server reads: the names AppConfig.swift spells as string
    literals, the ones read with ProcessInfo / Environment.get anywhere in the server, and Vapor's own."""
    names = set(re.findall(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"', APP_CONFIG.read_text()))
    for path in SERVER_SOURCES.rglob("*.swift"):
        text = path.read_text()
        names |= set(re.findall(r'environment\["([A-Z][A-Z0-9_]*)"\]', text))
        names |= set(re.findall(r'Environment\.get\("([A-Z][A-Z0-9_]*)"\)', text))
    return names | VAPOR_VARIABLES


def app_config_default(name: str) -> str | None:
    """The literal default AppConfig gives a string variable (`string("NAME") ?? "default"`)."""
    m = re.search(rf'"{name}"\)\s*\?\?\s*"([^"]*)"', APP_CONFIG.read_text())
    return m[1] if m else None


# --------------------------------------------------------------------------- Dockerfile


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comment lines dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        keyword, _, rest = full.partition(" ")
        instructions.append((keyword.upper(), " ".join(rest.split())))
    return instructions


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The instructions of each stage, the global ARGs before the first FROM as stage 0."""
    stages: list[list[tuple[str, str]]] = [[]]
    for ins in dockerfile_instructions():
        if ins[0] == "FROM":
            stages.append([])
        stages[-1].append(ins)
    return stages


def dockerfile_arg_defaults() -> dict[str, str]:
    out = {}
    for keyword, rest in dockerfile_stages()[0]:
        if keyword == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            out[name.strip()] = value.strip().strip('"')
    return out


def resolve_args(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], m[0]), text)


# --------------------------------------------------------------------------- toolchain and Makefile


def swift_executable() -> str | None:
    for candidate in (shutil.which("swift"), "/opt/swift/usr/bin/swift"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def toolchain_version() -> str:
    swift = swift_executable()
    assert swift, "no swift toolchain on PATH or at /opt/swift"
    out = subprocess.run([swift, "--version"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Swift version (\d+\.\d+(?:\.\d+)?)", out)
    assert m, f"cannot read the version from: {out!r}"
    return m[1]


def package_tools_version() -> str:
    first = (ROOT / "Package.swift").read_text().splitlines()[0]
    m = re.match(r"//\s*swift-tools-version:\s*(\d+\.\d+(?:\.\d+)?)", first)
    assert m, f"Package.swift's first line names no tools version: {first!r}"
    return m[1]


def version_tuple(v: str) -> tuple[int, ...]:
    parts = [int(p) for p in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def makefile_variable(name: str) -> str:
    m = re.search(rf"^{name}\s*[:?]?=\s*(.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert m, f"Makefile defines no {name}"
    return m[1].strip()


def docker_compose_cli() -> list[str] | None:
    """A Compose implementation that works without an engine: `docker compose` (v2) if the plugin is
    there, else Debian's `docker-compose` (v1.29, which speaks the Compose specification)."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def clean_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A process environment with none of the caller's configuration leaking into interpolation."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL") if k in os.environ}
    env.update(extra or {})
    return env
