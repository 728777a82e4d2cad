"""Smoke test of the README's run command on its embedded path: SQLite and the filesystem broker,
with a real worker and beat. Bounded in time; the whole process group is stopped at the end."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return json.loads(response.read())
    except Exception:  # noqa: BLE001 - not up yet
        return None


@pytest.mark.slow
def test_run_command_starts_web_worker_and_beat_without_servers(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        {
            "PORT": str(port),
            "VAR_DIR": str(tmp_path / "var"),
            "DJANGO_IGNORE_DOTENV": "1",
            "VENV": str(Path(os.sys.executable).parent.parent),
        }
    )
    log = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            health = _get_json(f"http://127.0.0.1:{port}/healthz")
            if health and health.get("status") == "ok":
                break
            time.sleep(1)
        assert health and health["status"] == "ok", (tmp_path / "run.log").read_text()[-4000:]

        ping_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        ping = subprocess.run(
            [os.sys.executable, "manage.py", "ping_worker", "--timeout", "60"],
            cwd=ROOT,
            env=ping_env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert ping.returncode == 0, ping.stderr + (tmp_path / "run.log").read_text()[-4000:]
        assert "worker ok" in ping.stdout
        output = (tmp_path / "run.log").read_text()
        assert "beat: Starting" in output
        assert "Demo logins" in output
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail("Ctrl-C did not stop the run command within 45s")
    # Nothing of the process group survives Ctrl-C.
    time.sleep(1)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
