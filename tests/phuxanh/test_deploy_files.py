"""The production deployment files agree with each other and with the code.

There is no Docker engine on the build machines, so docker-compose.yml and the Dockerfile are
checked as data: the services and what each needs, that every secret comes from .env, and that
config/production.yaml loads and names the services compose defines. The two health checks are
run for real where they can be: the dashboard's /health route, and the scheduler's flock check
against phuxanh's own run lock.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from phuxanh.config import load_config
from phuxanh.schedule import run_lock

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("elasticsearch", "scheduler", "dashboard")
APP_SERVICES = ("scheduler", "dashboard")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|_KEY$|TOKEN")
# ${VAR}, ${VAR:-default}, ${VAR:?message}; $${VAR} is an escape left to the container's shell.
REFERENCE = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}")
INTERPOLATED_SECRET = re.compile(r"^\$\{[A-Z_][A-Z0-9_]*:\?[^}]+\}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    values = {}
    for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict), "environment as a mapping, so it can be checked"
    return {str(k): str(v) for k, v in env.items()}


def test_services_present_with_healthchecks_and_restart_policies(compose: dict[str, Any]
                                                                 ) -> None:
    services = compose["services"]
    assert set(SERVICES) <= set(services)
    for name in SERVICES:
        service = services[name]
        assert service["restart"] in ("unless-stopped", "always"), name
        check = service["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert {"interval", "timeout", "retries"} <= set(check), name
    assert services["es-setup"]["restart"] == "no"  # one-shot


def test_elasticsearch_single_node_secured_heap_and_volume(compose: dict[str, Any]) -> None:
    es = compose["services"]["elasticsearch"]
    assert re.search(r"elasticsearch:\$\{ES_VERSION:-8\.\d+\.\d+\}$", es["image"])
    env = environment(es)
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "true"
    assert INTERPOLATED_SECRET.match(env["ELASTIC_PASSWORD"])
    heap = env["ES_JAVA_OPTS"]
    assert re.fullmatch(r"-Xms(\S+) -Xmx(\S+)", heap)
    assert heap.split()[0][4:] == heap.split()[1][4:]  # min = max
    data_mounts = [v for v in es["volumes"] if v.endswith(":/usr/share/elasticsearch/data")]
    assert len(data_mounts) == 1
    assert data_mounts[0].split(":")[0] in compose["volumes"]  # a named volume
    assert any(v.endswith(":" + env["path.repo"]) for v in es["volumes"])
    assert all(p.startswith("127.0.0.1:") for p in es.get("ports", []))


def test_app_services_run_the_scheduler_and_the_dashboard(compose: dict[str, Any]) -> None:
    services = compose["services"]
    scheduler, dashboard = services["scheduler"], services["dashboard"]
    assert scheduler["command"][:2] == ["phuxanh", "run"]
    assert dashboard["command"] == ["phuxanh", "serve"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"]["context"] == "."
        assert (REPO / service["build"]["dockerfile"]).is_file()
        assert service["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
        assert service["depends_on"]["es-setup"]["condition"] == "service_completed_successfully"
        data = [v for v in service["volumes"] if v.endswith(":/var/lib/phuxanh")]
        assert data and data[0].split(":")[0] in compose["volumes"]
        env = environment(service)
        assert env["PHUXANH_DATA_DIR"] == "/var/lib/phuxanh"
        assert (REPO / env["PHUXANH_CONFIG"].replace("/app/", "", 1)).is_file()
        # The application gets its own Elasticsearch user, never the superuser's password.
        assert "ELASTIC_PASSWORD" not in env
        assert "env_file" not in service
    published = dashboard["ports"][0].rsplit(":", 1)[1]
    assert published == "8050"
    assert "/health" in " ".join(dashboard["healthcheck"]["test"])


def test_no_secret_is_written_in_the_compose_file(compose: dict[str, Any]) -> None:
    found = 0
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                found += 1
                assert INTERPOLATED_SECRET.match(value), f"{name}: {key} must be ${{{key}:?...}}"
    assert found >= 6
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    assert not re.search(r"(?i)(password|secret)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9]{8,}", text)


def test_every_variable_is_documented_in_env_example(compose: dict[str, Any],
                                                     env_example: dict[str, str]) -> None:
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(REFERENCE.findall(text))
    assert used == set(env_example), (used ^ set(env_example))
    for name in ("PHUXANH_SECRET_KEY", "PHUXANH_AUTHOR_HASH_KEY",
                 "PHUXANH_ELASTICSEARCH_PASSWORD", "ELASTIC_PASSWORD"):
        assert env_example[name] == "", f"{name} must be empty in .env.example"
    assert all(env_example[name] == "" for name in env_example if SECRET_NAME.search(name))


def test_production_config_loads_and_matches_compose(compose: dict[str, Any]) -> None:
    config = load_config(REPO / "config" / "production.yaml", env={})
    assert config.store.backend == "elasticsearch"
    url = urlparse(config.store.elasticsearch_url or "")
    assert url.hostname == "elasticsearch" and url.port == 9200
    assert url.hostname in compose["services"]
    assert config.dashboard.host == "0.0.0.0"
    assert config.dashboard.port == 8050
    assert str(config.data_dir) == "/var/lib/phuxanh"
    assert config.topics and config.sources
    # The es-setup role covers the deployment's index prefix, for the user the store uses.
    setup = compose["services"]["es-setup"]["command"][0]
    assert f'"names": ["{config.store.elasticsearch_index}*"]' in setup
    assert f"_security/user/{config.store.elasticsearch_username}" in setup
    assert config.retention.days["social"] == 365 and config.retention.days["news"] is None


def test_dockerfile_builds_a_non_root_image_with_the_ml_extra() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()
             and not line.lstrip().startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert "pip install --no-deps -e '.[ml]'" in text
    assert "optional-dependencies']['ml']" in text
    assert "PHUXANH_CONFIG=/app/config/production.yaml" in text
    # The e5 encoder is rebuilt at build time, as root, before the service user takes over; the
    # service reads it from PHUXANH_E5_DIR and never needs to write it.
    prepare = next(i for i, line in enumerate(lines) if "classify.models.e5_engine" in line)
    assert prepare < lines.index(f"USER {users[-1]}")
    assert "PHUXANH_E5_DIR=/opt/phuxanh-e5" in text
    # The default model ships in the repository (nothing downloaded at run time); the image
    # copies it with the code.
    assert (REPO / "classify" / "artifacts" / "default" / "config.json").is_file()
    assert (REPO / "classify" / "artifacts" / "default" / "e5_head.npz").is_file()
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".env", ".venv", "var", ".git"):
        assert entry in ignored
    assert "!.env.example" in ignored


def test_dashboard_health_route_answers_without_login(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.app import create_app
    from phuxanh.store.sqlite import SQLiteStore

    monkeypatch.setenv("PHUXANH_SECRET_KEY", "k" * 40)
    config = load_config(overrides={"data_dir": str(tmp_path)})
    store = SQLiteStore(config.sqlite_path)
    try:
        client = create_app(config, store).server.test_client()
        assert client.get("/health").status_code == 200
        assert client.get("/").status_code in (302, 303, 401)  # everything else needs a login
    finally:
        store.close()


@pytest.mark.skipif(shutil.which("flock") is None, reason="util-linux flock not installed")
def test_scheduler_healthcheck_follows_the_run_lock(compose: dict[str, Any],
                                                    tmp_path: Path) -> None:
    command = compose["services"]["scheduler"]["healthcheck"]["test"][1]
    local = command.replace("/var/lib/phuxanh", str(tmp_path))

    def healthy() -> bool:
        return subprocess.run(["sh", "-c", local], check=False).returncode == 0

    (tmp_path / "run.lock").touch()
    assert not healthy()
    with run_lock(tmp_path):
        assert healthy()
    assert not healthy()


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None,
                    reason="needs bash and curl, like the Elasticsearch image")
def test_es_setup_creates_the_role_and_user_with_valid_json(compose: dict[str, Any]) -> None:
    import base64
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    requests: list[tuple[str, str, str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            requests.append((self.path, self.headers.get("Authorization", ""),
                             self.headers.get("Content-Type", ""), json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"created": true}')

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    setup = compose["services"]["es-setup"]
    # What compose hands the container: $$ unescaped, the service name pointed at our server.
    script = setup["command"][0].replace("$$", "$").replace(
        "http://elasticsearch:9200", f"http://127.0.0.1:{server.server_port}")
    try:
        done = subprocess.run(
            [*setup["entrypoint"], script], capture_output=True, text=True, timeout=60,
            check=False, env={"PATH": "/usr/bin:/bin", "ELASTIC_PASSWORD": "super-pw_1",
                              "PHUXANH_ELASTICSEARCH_PASSWORD": "app-pw_2"},
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert "super-pw_1" not in done.stdout + done.stderr
    superuser = "Basic " + base64.b64encode(b"elastic:super-pw_1").decode()
    (role_path, role_auth, _, role), (user_path, user_auth, user_type, user) = requests
    assert role_path == "/_security/role/phuxanh_app" and role_auth == superuser
    assert role["indices"] == [{"names": ["phuxanh-items*"], "privileges": ["all"]}]
    assert user_path == "/_security/user/phuxanh" and user_auth == superuser
    assert user_type == "application/json"
    assert user["password"] == "app-pw_2" and user["roles"] == ["phuxanh_app"]
