"""Start-up configuration, the way an operator meets it: a process started with a crafted
environment either starts, or stops with a non-zero exit and ONE line on stderr that names
the variable to fix (and never echoes a secret's value).

Each case runs ``python -c "import django; django.setup()"`` in a fresh process with an
environment built from scratch, so nothing leaks in from the test runner (DEBUG=1 in particular).
"""

import base64
import itertools
import os
import random
import subprocess
import sys

import pytest

from tests.ops.processes import ROOT


_distinct = itertools.count(1)


def b64(size=32):
    """A key-shaped value: distinct on every call, yet the same in every process, so that the
    test ids built from it agree between pytest-xdist workers."""
    return base64.b64encode(random.Random(next(_distinct)).randbytes(size)).decode()


def production_env(**overrides):
    """A complete, valid production environment; ``NAME=None`` removes a variable."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "casework.settings",
        "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(40)).decode(),
        "ALLOWED_HOSTS": "casework.example.org",
        "DATABASE_URL": "postgres://casework@127.0.0.1:5432/casework",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CASEWORK_ENCRYPTION_KEYS": f"k2:{b64()},k1:{b64()}",
        "CASEWORK_BLIND_INDEX_KEY": b64(),
        "AUDIT_SIGNING_KEY": b64(),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start(env, code="import django; django.setup()"):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def assert_refused(result, variable):
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, f"start-up should fail for {variable}; stderr: {result.stderr!r}"
    assert len(lines) == 1, f"expected one line naming {variable}, got:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    # The variable is named as a word of its own: "SECRET_KEY" must not match "SECRET_KEY_FILE".
    assert f" {variable}:" in f" {lines[0]}", f"{variable} not named in {lines[0]!r}"
    return lines[0]


def test_a_complete_production_environment_starts():
    # The control for every refusal below: the same environment, unmodified, starts cleanly.
    result = start(production_env())
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_production_settings_are_really_production():
    result = start(production_env(), "import django; django.setup(); from django.conf import settings as s; "
                   "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "django.db.backends.postgresql", "False"]


def test_debug_unset_means_production_so_a_missing_secret_key_is_refused():
    assert_refused(start(production_env(SECRET_KEY=None)), "SECRET_KEY")


@pytest.mark.parametrize("value", [
    "django-insecure-development-only-never-use-in-production",  # the development default
    "django-insecure-" + "x" * 40,                                 # what startproject generates
    "too-short",
])
def test_an_insecure_secret_key_is_refused_in_production(value):
    line = assert_refused(start(production_env(SECRET_KEY=value)), "SECRET_KEY")
    assert value not in line


@pytest.mark.parametrize("variable", ["CASEWORK_ENCRYPTION_KEYS", "CASEWORK_BLIND_INDEX_KEY", "AUDIT_SIGNING_KEY", "ALLOWED_HOSTS"])
def test_a_missing_required_variable_is_named(variable):
    assert_refused(start(production_env(**{variable: None})), variable)


@pytest.mark.parametrize("value", [
    "k1:not base64 at all!",              # not base64
    f"k1:{b64(16)}",                      # 16 bytes: AES-128, not AES-256
    f"bad id!:{b64()}",                   # id with forbidden characters
    b64(),                                # no id at all
    f"k1:{b64()},k1:{b64()}",             # the same id twice
    ",",                                  # no key
])
def test_a_malformed_encryption_key_is_refused(value):
    line = assert_refused(start(production_env(CASEWORK_ENCRYPTION_KEYS=value)), "CASEWORK_ENCRYPTION_KEYS")
    for part in value.replace(",", ":").split(":"):
        if len(part) > 8:
            assert part not in line, "the key material must not be echoed"


def test_a_blind_index_key_equal_to_an_encryption_key_is_refused():
    key = b64()
    assert_refused(start(production_env(CASEWORK_ENCRYPTION_KEYS=f"k1:{key}", CASEWORK_BLIND_INDEX_KEY=key)),
                   "CASEWORK_BLIND_INDEX_KEY")


@pytest.mark.parametrize("value", ["not base64!", b64(16)])
def test_a_malformed_audit_signing_key_is_refused(value):
    line = assert_refused(start(production_env(AUDIT_SIGNING_KEY=value)), "AUDIT_SIGNING_KEY")
    assert value not in line


@pytest.mark.parametrize("value", [
    "not-a-url",
    "mysql://casework@127.0.0.1/casework",
    "postgres://casework@127.0.0.1:notaport/casework",
    "postgres://casework@127.0.0.1:5432",
])
def test_a_malformed_database_url_is_named(value):
    assert_refused(start(production_env(DATABASE_URL=value)), "DATABASE_URL")


def test_a_malformed_redis_url_is_named():
    assert_refused(start(production_env(REDIS_URL="http://127.0.0.1:6379")), "REDIS_URL")


@pytest.mark.parametrize("variable,value", [
    ("DEBUG", "maybe"),
    ("SECURE_COOKIES", "perhaps"),
    ("AXES_FAILURE_LIMIT", "five"),
    ("INDICATOR_SUPPRESSION_K", "0"),
    ("DATABASE_CONN_MAX_AGE", "a minute"),
])
def test_a_value_that_is_not_a_boolean_or_number_is_named(variable, value):
    # DEBUG=maybe must not silently mean "false" (or "true"): the operator meant something.
    assert_refused(start(production_env(**{variable: value})), variable)


@pytest.mark.parametrize("variable", ["SECRET_KEY", "CASEWORK_ENCRYPTION_KEYS", "CASEWORK_BLIND_INDEX_KEY", "AUDIT_SIGNING_KEY"])
def test_a_file_variant_naming_a_missing_file_is_named(variable, tmp_path):
    env = production_env(**{variable: None, f"{variable}_FILE": str(tmp_path / "missing")})
    assert_refused(start(env), f"{variable}_FILE")


def test_secrets_can_come_from_files(tmp_path):
    env = production_env()
    for variable in ["SECRET_KEY", "CASEWORK_ENCRYPTION_KEYS", "CASEWORK_BLIND_INDEX_KEY", "AUDIT_SIGNING_KEY"]:
        path = tmp_path / variable.lower()
        path.write_text(env.pop(variable) + "\n")  # a trailing newline, as editors leave it
        env[f"{variable}_FILE"] = str(path)
    result = start(env)
    assert result.returncode == 0, result.stderr


def test_manage_py_check_refuses_the_same_way():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=production_env(SECRET_KEY=None),
                            capture_output=True, text=True, timeout=60)
    assert_refused(result, "SECRET_KEY")


def test_manage_py_check_passes_in_production():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=production_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_mode_needs_no_secrets(tmp_path):
    env = production_env(DEBUG="1", SECRET_KEY=None, CASEWORK_ENCRYPTION_KEYS=None, CASEWORK_BLIND_INDEX_KEY=None,
                         AUDIT_SIGNING_KEY=None, ALLOWED_HOSTS=None, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                         REDIS_URL=None)
    result = start(env, "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


# --- Deployment checks (issue 8, section 6) ------------------------------------------------

CHECK_DEPLOY = ("import sys, django; django.setup(); from django.core.management import call_command; "
                "call_command('check', '--deploy', '--fail-level', 'DEBUG')")


def test_check_deploy_reports_nothing_with_production_settings():
    result = start(production_env(), CHECK_DEPLOY)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_production_redirects_to_https_and_sends_hsts_by_default_and_the_max_age_is_configurable():
    show = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)")
    assert start(production_env(), show).stdout.split() == ["True", "31536000", "True"]
    assert start(production_env(SECURE_HSTS_SECONDS="600", SECURE_SSL_REDIRECT="0"), show).stdout.split() == ["False", "600", "True"]


def test_turning_the_https_redirect_off_is_an_explicit_choice_that_check_deploy_names():
    result = start(production_env(SECURE_SSL_REDIRECT="0"), CHECK_DEPLOY)
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize("variable, value", [
    ("SECURE_HSTS_SECONDS", "-1"), ("SECURE_HSTS_SECONDS", "a year"), ("SECURE_SSL_REDIRECT", "perhaps"),
    ("TRUSTED_PROXIES", "the proxy"), ("CASEWORK_IDLE_TIMEOUT_MINUTES", "0"), ("AUDIT_CHECKPOINT_MAX_AGE_MINUTES", "0"),
])
def test_a_malformed_integrity_setting_stops_start_up_naming_it(variable, value):
    assert_refused(start(production_env(**{variable: value})), variable)
