"""compose.yaml: the services, their health checks and start order, volumes, the shared environment,
secrets only from .env, the Brevo mail settings and the public/internal Keycloak address split.
Checked by parsing (PyYAML) and, where a Compose implementation is installed, by Compose itself."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from deployfiles import (
    COMPOSE,
    COMPOSE_MYSQL,
    ENV_EXAMPLE,
    NGINX_CONF,
    ROOT,
    MissingVariable,
    clean_environment,
    compose_with,
    docker_compose_cli,
    dockerfile_instructions,
    filled_env,
    load_compose,
    load_realm,
    referenced_variables,
)

SERVICES = {"book-server", "migrate", "proxy", "postgres", "keycloak"}
SECRETS = {"SECRET_KEY", "POSTGRES_PASSWORD", "SMTP_PASSWORD", "KEYCLOAK_ADMIN_PASSWORD", "SMTP_USERNAME"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return compose_with(filled_env())


def test_the_file_parses_and_has_the_services():
    raw = load_compose()
    assert set(raw["services"]) == SERVICES
    assert "postgres-data" in raw["volumes"]


def test_book_server_runs_two_replicas_of_the_built_image_without_migrating(compose):
    server = compose["services"]["book-server"]
    assert server["deploy"]["replicas"] >= 2
    assert server.get("build") in (".", {"context": "."})
    assert server["environment"]["AUTO_MIGRATE"] == "false"
    # Replicas cannot share a container name or a host port: only the proxy publishes one.
    assert "container_name" not in server and "ports" not in server


def test_migrate_is_a_one_off_of_the_same_image_with_the_same_environment(compose):
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["image"] == services["book-server"]["image"]
    assert migrate["command"][:2] == ["migrate", "--yes"]
    assert migrate.get("restart") in ("no", None)
    assert migrate["environment"] == services["book-server"]["environment"]


def test_shared_environment_is_one_anchor():
    text = COMPOSE.read_text()
    anchors = re.findall(r":\s*&([\w-]+)\s*$", text, re.M)
    assert len(anchors) == 1, f"one anchor for the shared environment, found {anchors}"
    merges = re.findall(rf"^\s+<<: \*{anchors[0]}\s*$", text, re.M)
    assert len(merges) == 2  # book-server and migrate


def test_health_checks(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/health/ready" in " ".join(services["keycloak"]["healthcheck"]["test"])
    assert "/readyz" in " ".join(services["proxy"]["healthcheck"]["test"])
    # book-server's comes from its image: the Dockerfile's HEALTHCHECK, on /readyz.
    assert "healthcheck" not in services["book-server"]
    healthchecks = [rest for keyword, rest in dockerfile_instructions() if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and "/readyz" in healthchecks[0]
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_services_start_in_dependency_order_on_health(compose):
    services = compose["services"]
    want = {
        "book-server": {"postgres": "service_healthy", "keycloak": "service_healthy",
                        "migrate": "service_completed_successfully"},
        "migrate": {"postgres": "service_healthy"},
        "keycloak": {"postgres": "service_healthy"},
        "proxy": {"book-server": "service_healthy"},
    }
    for name, deps in want.items():
        got = {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}
        assert got == deps, name
    # Every service waited on for health has a health check (book-server's is in its image).
    for service in services.values():
        for dep, spec in (service.get("depends_on") or {}).items():
            if spec["condition"] == "service_healthy":
                assert dep == "book-server" or "test" in services[dep]["healthcheck"], dep


def test_volumes_and_mounted_files_exist(compose):
    services = compose["services"]
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which is missing"
    keycloak_mounts = {v.split(":")[0]: v.split(":")[1] for v in services["keycloak"]["volumes"]}
    assert keycloak_mounts["./deploy/keycloak"] == "/opt/keycloak/data/import"
    # Keycloak's database is created on the same server by the init script.
    init = (ROOT / "deploy/postgres/initdb").glob("*.sql")
    assert any("CREATE DATABASE keycloak" in p.read_text() for p in init)
    assert services["keycloak"]["environment"]["KC_DB_URL"].endswith("/keycloak")


def test_keycloak_is_the_official_image_importing_the_realm(compose):
    keycloak = compose["services"]["keycloak"]
    assert keycloak["image"].startswith("quay.io/keycloak/keycloak:")
    assert keycloak["command"][0] in ("start-dev", "start") and "--import-realm" in keycloak["command"]
    assert keycloak["environment"]["KC_HEALTH_ENABLED"] == "true"


def test_public_and_internal_keycloak_addresses(compose):
    env = compose["services"]["book-server"]["environment"]
    keycloak = compose["services"]["keycloak"]
    realm = load_realm()["realm"]
    public = keycloak["environment"]["KC_HOSTNAME"]
    # Tokens say KC_HOSTNAME + /realms/<realm>; the server checks exactly that and tells clients so.
    assert env["OIDC_ISSUER"] == f"{public}/realms/{realm}"
    assert env["OIDC_ISSUER"] == "http://localhost:8081/realms/books"
    # Browsers reach Keycloak on the published port the public address names.
    published = {str(p).split(":")[0]: str(p).split(":")[1] for p in keycloak["ports"]}
    assert published == {"8081": "8080"}
    # The server reaches it on the service name and container port, and gets internal endpoints.
    assert env["OIDC_INTERNAL_URL"] == f"http://keycloak:8080/realms/{realm}"
    assert keycloak["environment"]["KC_HOSTNAME_BACKCHANNEL_DYNAMIC"] == "true"
    # Keycloak's back-channel logout goes to book-server through the proxy, on the internal network.
    assert keycloak["environment"]["BOOK_SERVER_URL"] == "http://proxy:80"


def test_public_address_changes_in_one_place():
    compose = compose_with(dict(filled_env(), KEYCLOAK_PUBLIC_URL="https://sso.example.org"))
    assert compose["services"]["keycloak"]["environment"]["KC_HOSTNAME"] == "https://sso.example.org"
    assert compose["services"]["book-server"]["environment"]["OIDC_ISSUER"] == "https://sso.example.org/realms/books"


def test_mail_goes_through_brevo_by_default(compose):
    env = compose["services"]["book-server"]["environment"]
    assert (env["SMTP_HOST"], env["SMTP_PORT"], env["SMTP_SECURITY"]) == ("smtp-relay.brevo.com", "587", "starttls")
    # An empty SMTP_HOST in .env switches to the local mailbox rather than falling back to Brevo.
    local = compose_with(dict(filled_env(), SMTP_HOST=""))
    assert local["services"]["book-server"]["environment"]["SMTP_HOST"] == ""


def test_secrets_only_from_env_and_required():
    used = referenced_variables(COMPOSE.read_text())
    for name in SECRETS:
        assert used.get(name) == ":?", f"{name} must be required with ${{{name}:?message}}"
    # Nothing that looks like a password is written into the file.
    for line in COMPOSE.read_text().splitlines():
        m = re.match(r"\s*([A-Z_]*(?:PASSWORD|SECRET_KEY)):\s*(.*)$", line)
        if m:
            assert m[2].startswith("${") and ":?" in m[2], line
    assert "postgres://${POSTGRES_USER:-books}:${POSTGRES_PASSWORD:?" in COMPOSE.read_text()


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_a_missing_secret_stops_compose_naming_it(missing):
    env = filled_env()
    del env[missing]
    with pytest.raises(MissingVariable) as caught:
        compose_with(env)
    assert caught.value.name in SECRETS and "set " in caught.value.message


def test_proxy_forwards_to_the_replicas_with_forwarded_headers(compose):
    proxy = compose["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert any(v.startswith("./deploy/nginx/nginx.conf:") for v in proxy["volumes"])
    assert [str(p) for p in proxy["ports"]] == ["8000:80"]
    conf = NGINX_CONF.read_text()
    assert re.search(r"^\s*listen 80;", conf, re.M)
    # The upstream is the service name on the port the image serves (the Dockerfile's CMD).
    assert re.search(r"server book-server:8080\b", conf)
    cmd = next(rest for keyword, rest in dockerfile_instructions() if keyword == "CMD")
    assert '"--port", "8080"' in cmd
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header}" in conf


# --------------------------------------------------------------------------- Compose itself


@pytest.fixture(scope="module")
def compose_cli():
    cli = docker_compose_cli()
    # A missing tool is a failure, not a skip: scripts/test-setup.sh installs Debian's docker-compose.
    assert cli is not None, "no Compose implementation: run scripts/test-setup.sh (installs docker-compose)"
    return cli


def _compose_config(cli, env_file: Path):
    return subprocess.run(
        [*cli, "--project-directory", str(ROOT), "-f", str(COMPOSE), "--env-file", str(env_file), "config"],
        capture_output=True, text=True, cwd=ROOT, env=clean_environment(), timeout=120,
    )


def test_compose_accepts_the_file_with_a_filled_in_env(compose_cli, tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in filled_env().items()))
    result = _compose_config(compose_cli, env_file)
    assert result.returncode == 0, result.stderr
    import yaml

    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == SERVICES
    env = config["services"]["book-server"]["environment"]
    assert env["OIDC_ISSUER"] == "http://localhost:8081/realms/books"
    assert env["SECRET_KEY"] == filled_env()["SECRET_KEY"]


def test_compose_refuses_env_example_as_is_naming_a_secret(compose_cli):
    result = _compose_config(compose_cli, ENV_EXAMPLE)
    assert result.returncode != 0
    assert re.search(r"set (" + "|".join(SECRETS) + r") in \.env", result.stderr), result.stderr


def test_nginx_config_parses_with_known_directives():
    # crossplane (nginx's own config parser, in Python) with nginx's directive table: unknown
    # directives, wrong contexts and wrong argument counts are errors. The entries of a `map` block
    # are values, not directives, and strict mode cannot tell; they are left out.
    import crossplane

    loose = crossplane.parse(str(NGINX_CONF), single=True)
    assert loose["status"] == "ok", loose["errors"]

    def map_entries(block):
        for d in block:
            if d["directive"] == "map":
                yield from (e["directive"] for e in d.get("block", []))
            yield from map_entries(d.get("block", []))

    entries = set(map_entries(loose["config"][0]["parsed"]))
    strict = crossplane.parse(str(NGINX_CONF), single=True, strict=True, check_ctx=True, check_args=True)
    errors = [e["error"] for e in strict["errors"]
              if not any(e["error"].startswith(f'unknown directive "{x}"') for x in entries)]
    assert not errors


def test_nginx_sends_hsts_only_over_tls():
    # The stack's nginx sits behind the TLS proxy: HSTS goes out when the request came as https
    # (X-Forwarded-Proto or our own scheme), for at least half a year, on every answer (`always`).
    import crossplane

    parsed = crossplane.parse(str(NGINX_CONF), single=True)["config"][0]["parsed"]

    def walk(block):
        for d in block:
            yield d
            yield from walk(d.get("block", []))

    directives = list(walk(parsed))
    maps = {d["args"][1]: d for d in directives if d["directive"] == "map"}
    assert maps["$hsts"]["args"][0] == "$forwarded_proto"
    values = {e["directive"]: (e["args"] or [""])[0] for e in maps["$hsts"]["block"]}
    assert values["default"] == ""
    max_age = int(re.search(r"max-age=(\d+)", values["https"]).group(1))
    assert max_age >= 180 * 86400
    servers = [d for d in directives if d["directive"] == "server" and "block" in d]
    headers = [d["args"] for s in servers for d in s["block"] if d["directive"] == "add_header"]
    assert ["Strict-Transport-Security", "$hsts", "always"] in headers


def test_compose_mysql_puts_the_books_on_mysql_8(compose_cli, tmp_path):
    env_file = tmp_path / "env"
    env = {**filled_env(), "MYSQL_PASSWORD": "standinmysql0123", "MYSQL_ROOT_PASSWORD": "standinroot0123"}
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    result = subprocess.run(
        [*compose_cli, "--project-directory", str(ROOT), "-f", str(COMPOSE), "-f", str(COMPOSE_MYSQL),
         "--env-file", str(env_file), "config"],
        capture_output=True, text=True, cwd=ROOT, env=clean_environment(), timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import yaml

    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == SERVICES | {"mysql"}
    assert services["mysql"]["image"] == "mysql:8.0"
    assert "--log-bin-trust-function-creators=1" in services["mysql"]["command"]
    for name in ("book-server", "migrate"):
        assert services[name]["environment"]["DATABASE_URL"] == "mysql://books:standinmysql0123@mysql:3306/books"
        assert "mysql" in services[name]["depends_on"]
    # Without the passwords Compose refuses, naming the one that is missing.
    env_file.write_text("".join(f"{k}={v}\n" for k, v in filled_env().items()))
    missing = subprocess.run(
        [*compose_cli, "--project-directory", str(ROOT), "-f", str(COMPOSE), "-f", str(COMPOSE_MYSQL),
         "--env-file", str(env_file), "config"],
        capture_output=True, text=True, cwd=ROOT, env=clean_environment(), timeout=120,
    )
    assert missing.returncode != 0 and "MYSQL_" in missing.stderr
