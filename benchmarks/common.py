"""The app the database benchmarks run against: DATABASE_URL if set (PostgreSQL via
scripts/with-postgres.sh), else a new SQLite file; cheap password hashing, no CSRF.

Not a benchmark itself: `make bench` runs the bench_*.py files."""

import os
import tempfile

from supplyapp import create_app
from supplyapp.config import TestConfig


class BenchConfig(TestConfig):
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    WTF_CSRF_ENABLED = False


def bench_app(name: str):
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tempfile.mkdtemp(prefix=f'bench-{name}-')}/bench.sqlite"
    return create_app(
        BenchConfig,
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_PATH=tempfile.mkdtemp(prefix="bench-instance-"),
    )
