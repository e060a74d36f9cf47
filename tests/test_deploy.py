"""Deployment files agree with the settings; production settings pass `check --deploy`.

No Docker engine runs here, so docker-compose.yml is parsed and compared, not started.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
IMAGE_SERVICES = {"web", "worker", "beat"}
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"}


def settings_env_names():
    source = (ROOT / "zi_portal" / "settings.py").read_text()
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", source))


def env_example_names():
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        m = re.match(r"^([A-Z0-9_]+)=", line)
        if m:
            names.add(m.group(1))
    return names


def test_settings_read_the_documented_variables():
    names = settings_env_names()
    assert {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "EMAIL_URL"} <= names
    assert {"AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID"} <= names
    documented = env_example_names()
    assert names - documented == set(), "not documented in .env.example"
    assert documented - names - COMPOSE_ONLY == set(), ".env.example names unknown settings"


def test_compose_environment_matches_the_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert IMAGE_SERVICES | {"db", "redis", "minio"} <= set(services)
    names = settings_env_names()
    for name in IMAGE_SERVICES:
        service = services[name]
        assert service["build"] == "."
        env = set(service["environment"])
        assert env <= names, f"{name}: {sorted(env - names)} are not read by settings.py"
        assert {"DATABASE_URL", "CELERY_BROKER_URL", "AWS_STORAGE_BUCKET_NAME"} <= env
        assert service["environment"]["DEBUG"] == "false"
    # Processes: gunicorn web, a Celery worker and beat on the same app.
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:4] == ["celery", "-A", "zi_portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "zi_portal", "beat"]
    # Every ${VAR} the compose file interpolates is documented for the operator.
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert used <= env_example_names()
    # The database URL points at the compose database service.
    assert "@db:5432/portal" in services["web"]["environment"]["DATABASE_URL"]


def _manage(*args, env_extra, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "AWS_"))
    }
    env.update({"DATA_DIR": str(tmp_path), **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    r = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        env_extra={
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "zi.contoh.go.id",
        },
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    r = _manage("check", tmp_path=tmp_path, env_extra={"DEBUG": "false", "SECRET_KEY": ""})
    assert r.returncode != 0
    assert "SECRET_KEY wajib diisi" in r.stderr
