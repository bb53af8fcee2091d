"""The schema comes only from migrations: upgrading an empty database gives the models' schema."""

import uuid
from contextlib import contextmanager

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from supplyapp import ROOT, create_app
from supplyapp.extensions import db
from tests.conftest import FastHashConfig, database_url_for_tests


@contextmanager
def empty_database(tmp_path_factory):
    """A new, empty database of the kind the suite runs on."""
    base = make_url(database_url_for_tests(tmp_path_factory))
    if base.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'empty.sqlite'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:10]}"
    admin_dsn = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def migrated_app(tmp_path_factory):
    with empty_database(tmp_path_factory) as url:
        app = create_app(
            FastHashConfig,
            SQLALCHEMY_DATABASE_URI=url,
            INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
        )
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()


def test_migrations_have_one_head():
    script = ScriptDirectory(str(ROOT / "migrations"))
    assert len(script.get_heads()) == 1


def test_upgrade_on_an_empty_database_gives_exactly_the_models_schema(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_model_table_exists_after_upgrade(migrated_app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_downgrade_to_base_removes_every_table(migrated_app):
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
