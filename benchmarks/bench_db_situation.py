"""The national situation picture with one year of daily reports from all 311 regions and
municipalities for 20 items (about 2.3 million report lines): how long the page takes.

Uses DATABASE_URL if set (PostgreSQL via scripts/with-postgres.sh), else a temp SQLite file.
The data goes in by bulk inserts (COPY on PostgreSQL); the load time is printed separately.
The page is rendered through the Flask test client, signed in as an officer; median of runs.

    python benchmarks/bench_db_situation.py
"""

import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text  # noqa: E402

from benchmarks.common import bench_app  # noqa: E402
from supplyapp import clock  # noqa: E402
from supplyapp.demo import reference_data as seed  # noqa: E402
from supplyapp.extensions import db  # noqa: E402
from supplyapp.models import Item, Organisation  # noqa: E402
from supplyapp.models.demand import (  # noqa: E402
    LatestReportLine,
    ShortageRequest,
    SituationReport,
)
from supplyapp.services import accounts  # noqa: E402

DAYS = 365
ITEMS = 20
RUNS = 9
CHUNK = 50_000


def _more_items() -> None:
    """The catalogue has 11 items; add made-up ones up to 20 for the benchmark's scale."""
    have = db.session.scalar(select(db.func.count()).select_from(Item))
    db.session.execute(
        insert(Item),
        [
            {
                "code": f"bench_{n}",
                "name_sv": f"Testartikel {n}",
                "name_en": f"Test item {n}",
                "unit": "st",
                "pack_size": 1,
                "active": True,
            }
            for n in range(ITEMS - have)
        ],
    )
    db.session.commit()


def _rows(organisations, items, today):
    """(report header, its lines) per organisation and day, with explicit ids."""
    rng = random.Random(7)
    line_id = report_id = 0
    start = today - timedelta(days=DAYS - 1)
    use = {(o, i): rng.randint(5, 500) for o in organisations for i in items}
    for day_number in range(DAYS):
        day = start + timedelta(days=day_number)
        created = datetime.combine(day, datetime.min.time(), UTC)
        headers, lines = [], []
        for org in organisations:
            report_id += 1
            headers.append((report_id, org, day, "API", "bench", created))  # enums stored by name
            for item in items:
                line_id += 1
                daily = use[org, item]
                lines.append(
                    (line_id, report_id, org, day, item, daily * rng.randint(2, 60), daily)
                )
        yield headers, lines


HEADER_COLUMNS = ("id", "organisation_id", "as_of", "source", "reported_by", "created_at")
LINE_COLUMNS = (
    "id",
    "report_id",
    "organisation_id",
    "as_of",
    "item_id",
    "stock_on_hand",
    "daily_use",
)


def _load_postgres(batches) -> dict:
    raw = db.session.connection().connection.driver_connection
    latest = {}
    with raw.cursor() as cursor:
        for headers, lines in batches:
            with cursor.copy(
                f"COPY situation_reports ({', '.join(HEADER_COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in headers:
                    copy.write_row(row)
            with cursor.copy(f"COPY report_lines ({', '.join(LINE_COLUMNS)}) FROM STDIN") as copy:
                for row in lines:
                    copy.write_row(row)
            for row in lines:
                latest[row[2], row[4]] = row
    return latest


def _load_sqlite(batches) -> dict:
    connection = db.session.connection()
    latest, buffer = {}, []
    for headers, lines in batches:
        connection.execute(
            insert(SituationReport), [dict(zip(HEADER_COLUMNS, h, strict=True)) for h in headers]
        )
        buffer += lines
        if len(buffer) >= CHUNK:
            _insert_lines(connection, buffer)
            buffer = []
        for row in lines:
            latest[row[2], row[4]] = row
    _insert_lines(connection, buffer)
    return latest


def _insert_lines(connection, rows) -> None:
    if rows:
        connection.exec_driver_sql(
            f"INSERT INTO report_lines ({', '.join(LINE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def load(today: date) -> int:
    """One year of daily reports from every region and municipality; returns the line count."""
    seed.load_places()
    seed.load_items()
    _more_items()
    organisations = db.session.scalars(
        select(Organisation.id).where(Organisation.kind.in_(("region", "municipality")))
    ).all()
    items = db.session.scalars(select(Item.id).order_by(Item.id)).all()
    batches = _rows(organisations, items, today)
    postgres = db.engine.dialect.name == "postgresql"
    latest = _load_postgres(batches) if postgres else _load_sqlite(batches)
    db.session.execute(
        insert(LatestReportLine),
        [
            {
                "organisation_id": org,
                "item_id": item,
                "report_line_id": line_id,
                "as_of": day,
                "stock_on_hand": stock,
                "daily_use": use,
                "source": "api",
                "reported_by": "bench",
            }
            for (line_id, _report, org, day, item, stock, use) in latest.values()
        ],
    )
    _requests(organisations, items, today)
    if postgres:
        for table in ("situation_reports", "report_lines"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return len(organisations) * len(items) * DAYS


def _requests(organisations, items, today) -> None:
    rng = random.Random(11)
    db.session.execute(
        insert(ShortageRequest),
        [
            {
                "organisation_id": rng.choice(organisations),
                "item_id": rng.choice(items),
                "quantity": rng.randint(100, 10_000),
                "needed_by": today + timedelta(days=5),
                "priority": rng.choice(["critical", "high", "normal"]),
                "justification": "bench",
                "stock_at_request": 10,
                "daily_use_at_request": 5,
                "status": rng.choice(["submitted", "under_review", "met"]),
                "met_quantity": 0,
                "source": "api",
                "created_by": "bench",
                "created_at": clock.utcnow(),
            }
            for _ in range(600)
        ],
    )


def main() -> None:
    app = bench_app("situation")
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        lines = load(clock.today())
        load_seconds = time.perf_counter() - started
        accounts.create_user("bench.officer", "Bench Officer", "officer", "bench-password-1")
        print(f"BENCH situation_report_lines {lines} lines")
        print(f"BENCH situation_load_s {load_seconds:.1f} s")
    client = app.test_client()
    client.post("/login", data={"username": "bench.officer", "password": "bench-password-1"})
    timings = []
    for run in range(RUNS + 1):
        started = time.perf_counter()
        response = client.get("/situation/?item=ffp2")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if run:  # the first run warms caches (templates, the map's shapes)
            timings.append(elapsed)
    print(f"BENCH situation_page_median_ms {statistics.median(timings):.0f} ms")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
