"""Engine settings per database: SQLite gets foreign keys, WAL and a busy timeout."""

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from supplyapp.extensions import db


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def ping() -> None:
    """One round trip to the database; raises if it cannot be reached (the health check)."""
    db.session.execute(text("SELECT 1"))
