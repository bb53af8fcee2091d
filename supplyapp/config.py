"""Configuration from the environment.

Pick a config with SUPPLYAPP_CONFIG (development, production, test); the database comes from
DATABASE_URL (SQLite in the instance folder when unset), the secret from SECRET_KEY, the zone of
the app's day and times from TIMEZONE (Europe/Stockholm when unset).
"""

import os
import secrets
from pathlib import Path

from flask import current_app

MIN_SECRET_LENGTH = 32
DEFAULT_TIMEZONE = "Europe/Stockholm"


class ConfigError(RuntimeError):
    """The configuration cannot be used: the app refuses to start."""


def _bool_env(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    NAME = "development"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool_env("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # one working day
    # Strict-Transport-Security's max-age in seconds; 0 sends none (production: a year).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0"))
    BABEL_DEFAULT_LOCALE = "sv"
    # The zone of "today" and of every time shown (supplyapp/clock.py); Babel follows it.
    TIMEZONE = os.environ.get("TIMEZONE") or DEFAULT_TIMEZONE
    LANGUAGES = ("sv", "en")
    # Sign-in throttling: this many failures within the window lock the name (or the address).
    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_WINDOW_MINUTES = 15
    # Addresses many people share (an office's NAT, comma separated addresses or networks):
    # failures from them lock only the account, never the address. A trusted proxy's own
    # address counts as shared.
    LOGIN_SHARED_ADDRESSES = os.environ.get("LOGIN_SHARED_ADDRESSES", "")
    # The TLS proxy in front of the app (addresses or networks): only requests from it may
    # name the client's address and scheme in X-Forwarded-For / X-Forwarded-Proto.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "")
    MIN_PASSWORD_LENGTH = 10
    ARGON2_TIME_COST = 3  # argon2-cffi's defaults
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # A situation report older than this many days is flagged as stale wherever it is shown.
    REPORT_STALE_DAYS = 7
    REPORT_UPLOAD_MAX_BYTES = 1024 * 1024
    # Allocation: the solver (highs, or cbc as the fallback) and the days from approval to
    # the expected arrival of a shipment.
    ALLOCATION_SOLVER = os.environ.get("ALLOCATION_SOLVER", "highs")
    SHIPMENT_LEAD_DAYS = 2

    @classmethod
    def finish(cls, app) -> None:
        """Fill in what depends on the instance folder: the SQLite path, the demo secret."""
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            db_path = Path(app.instance_path) / "supplyapp.sqlite"
            app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _persisted_demo_secret(Path(app.instance_path))


class DevelopmentConfig(Config):
    NAME = "development"


class TestConfig(Config):
    NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
    LOGIN_MAX_FAILURES = 5


class ProductionConfig(Config):
    NAME = "production"
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SESSION_COOKIE_SECURE = _bool_env("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    @classmethod
    def finish(cls, app) -> None:
        secret = os.environ.get("SECRET_KEY", "")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                "characters in production "
                "(python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if not os.environ.get("DATABASE_URL"):
            raise ConfigError("DATABASE_URL must name the production database")
        app.config["SECRET_KEY"] = secret
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]


CONFIGS = {c.NAME: c for c in (DevelopmentConfig, TestConfig, ProductionConfig)}


def config_from_environment() -> type[Config]:
    name = os.environ.get("SUPPLYAPP_CONFIG", "development")
    if name not in CONFIGS:
        raise ConfigError(f"SUPPLYAPP_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]


def _persisted_demo_secret(instance: Path) -> str:
    """A random secret made once and kept in the instance folder, for the demo only."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    secret = secrets.token_hex(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def setting(name: str):
    """A setting of the running app: the one way services and queries read configuration."""
    return current_app.config[name]
