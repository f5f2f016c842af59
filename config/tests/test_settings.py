"""The settings module refuses unsafe production set-ups and passes Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    ours = ("SC_", "SECRET_KEY", "FIELD_ENCRYPTION", "DATABASE_URL", "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120, check=False)


def test_production_without_a_secret_key_refuses_to_start():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_encryption_keys_refuses_to_start():
    result = _manage("check", SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_production_configuration_passes_the_deployment_check(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="prod-" + Fernet.generate_key().decode() * 2,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="safechildhood.example.kz",
        SC_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_mode_starts_without_secrets_and_debug_stays_off(tmp_path):
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                     SC_DEMO="1", SC_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
