"""Production settings, the OpenAPI schema and the compose file, checked without a Docker engine."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    env = {
        # The browser tests allow ORM calls beside Playwright's event loop in the test process;
        # a production process never has that.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-value-" + "y" * 20,
        "DJANGO_ALLOWED_HOSTS": "innovation.example.org",
        "DJANGO_IGNORE_DOTENV": "1",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_IGNORE_DOTENV": "1",
            "DJANGO_ALLOWED_HOSTS": "x",
        }
    )
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "openapi.yaml"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = _manage("spectacular", "--validate", "--fail-on-warn", "--file", str(out), env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    schema = yaml.safe_load(out.read_text())
    assert "/api/v1/auth/me/" in schema["paths"]
    assert "/api/v1/organisations/{id}/" in schema["paths"]


def test_compose_defines_the_production_stack_on_one_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert len(images) == 1
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:3] == ["celery", "-A", "config"]
    # Mail delivery, the solver and exports have workers of their own; together the workers consume every declared queue.
    from django.conf import settings

    consumed = {
        queue
        for name in services
        if name.startswith("worker")
        for queue in services[name]["command"][services[name]["command"].index("-Q") + 1].split(",")
    }
    assert consumed == {q.name for q in settings.CELERY_TASK_QUEUES}
    assert "beat" in services["beat"]["command"]
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))
    ] == ["make test"]
