"""Configuration: SQLite by default with its pragmas, and a production config that refuses a
weak secret or no database."""

import pytest
from sqlalchemy import text

from supplyapp import create_app
from supplyapp.config import ConfigError, DevelopmentConfig, ProductionConfig
from supplyapp.extensions import db


def test_the_default_database_is_sqlite_in_the_instance_folder_with_wal_and_foreign_keys(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(DevelopmentConfig, "SQLALCHEMY_DATABASE_URI", None)
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", None)
    app = create_app(DevelopmentConfig, INSTANCE_PATH=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/supplyapp.sqlite"
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


def test_the_demo_secret_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", None)
    first = create_app(
        DevelopmentConfig, INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://"
    ).config["SECRET_KEY"]
    second = create_app(
        DevelopmentConfig, INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://"
    ).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("secret", [None, "", "too-short"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path, monkeypatch, secret):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(ProductionConfig, INSTANCE_PATH=str(tmp_path))


def test_production_refuses_to_start_without_a_database_url(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app(ProductionConfig, INSTANCE_PATH=str(tmp_path))


def test_production_cookies_are_secure_and_http_only(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    config = create_app(ProductionConfig, INSTANCE_PATH=str(tmp_path)).config
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax" and config["WTF_CSRF_ENABLED"]
