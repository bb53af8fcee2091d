"""The intensive-care picture at US scale: 6,000 units over the 21 regions, a year of daily
reports from each (about 2.2 million reports), 5 % of the units not yet reported today: how
long the picture page and its API take.

Uses DATABASE_URL if set (PostgreSQL via scripts/with-postgres.sh), else a temp SQLite file.
The reports go in by bulk inserts (COPY on PostgreSQL); the load time is printed separately.
The page is rendered through the Flask test client, signed in as an officer; the API is
called with a viewer's token; median of runs.

    python benchmarks/bench_db_icu_picture.py
"""

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text  # noqa: E402

from benchmarks.common import bench_app  # noqa: E402
from supplyapp import clock  # noqa: E402
from supplyapp.demo import reference_data as seed  # noqa: E402
from supplyapp.extensions import db  # noqa: E402
from supplyapp.models import Organisation  # noqa: E402
from supplyapp.models.intensive_care import FIGURES, IcuUnit, UnitKind  # noqa: E402
from supplyapp.services import accounts, icu_totals, tokens  # noqa: E402

UNITS = 6000
DAYS = 365
RUNS = 9
CHUNK = 50_000
NOT_YET_TODAY = 0.05

COLUMNS = (
    "id",
    "unit_id",
    "report_date",
    "as_of",
    "version",
    "is_current",
    *FIGURES,
    "assessment",
    "limits",
    "confirmed_warnings",
    "channel",
    "reported_by",
    "created_at",
)


def _units() -> list[int]:
    regions = db.session.scalars(
        select(Organisation.id).where(Organisation.kind == "region").order_by(Organisation.code)
    ).all()
    db.session.execute(
        insert(IcuUnit),
        [
            {
                "code": f"BENCH-{n:05d}",
                "name": f"Bench IVA {n}",
                "hospital": f"Bench hospital {n // 3}",
                "town": "Bench",
                "region_id": regions[n % len(regions)],
                "kind": UnitKind.GENERAL,
                "has_ecmo": n % 20 == 0,
            }
            for n in range(UNITS)
        ],
    )
    return list(db.session.scalars(select(IcuUnit.id).order_by(IcuUnit.id)))


def _rows(units: list[int], today):
    """One day's reports of every unit at a time, oldest day first, with explicit ids."""
    rng = random.Random(7)
    staffed = {unit: rng.randint(4, 40) for unit in units}
    report_id = 0
    for back in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        as_of = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=6)
        rows = []
        for unit in units:
            if back == 0 and rng.random() < NOT_YET_TODAY:
                continue
            report_id += 1
            places = staffed[unit]
            occupied = rng.randint(0, places)
            covid = rng.randint(0, occupied)
            assessment = rng.choices(["AVAILABLE", "LIMITED", "FULL"], [90, 7, 3])[0]
            figures = [places, places, occupied, covid, occupied // 2, occupied // 4]
            figures += [None] * 6  # no children's places
            ecmo = [4, rng.randint(0, 4)] if unit % 20 == 0 else [None, None]
            figures += ecmo + [rng.randint(0, 5), rng.randint(0, 10)]
            limits = '["staff"]' if assessment != "AVAILABLE" else "[]"
            rows.append(
                (report_id, unit, day, as_of, 1, True, *figures, assessment, limits, "[]")
                + ("API", "bench", as_of)
            )
        yield rows


def _load_postgres(batches) -> int:
    raw = db.session.connection().connection.driver_connection
    count = 0
    with raw.cursor() as cursor:
        for rows in batches:
            with cursor.copy(f"COPY icu_reports ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            count += len(rows)
    db.session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('icu_reports', 'id'), "
            "(SELECT max(id) FROM icu_reports))"
        )
    )
    return count


def _load_sqlite(batches) -> int:
    connection = db.session.connection()
    sql = (
        f"INSERT INTO icu_reports ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    )
    buffer, count = [], 0
    for rows in batches:
        buffer += [
            (*row[:2], row[2].isoformat(), row[3].strftime("%Y-%m-%d %H:%M:%S.%f"), *row[4:-1])
            + (row[-1].strftime("%Y-%m-%d %H:%M:%S.%f"),)
            for row in rows
        ]
        if len(buffer) >= CHUNK:
            connection.exec_driver_sql(sql, buffer)
            count += len(buffer)
            buffer = []
    connection.exec_driver_sql(sql, buffer)
    return count + len(buffer)


def load(today) -> int:
    seed.load_places()
    units = _units()
    batches = _rows(units, today)
    postgres = db.engine.dialect.name == "postgresql"
    count = _load_postgres(batches) if postgres else _load_sqlite(batches)
    db.session.commit()
    return count


def _median_ms(client, url: str, **kwargs) -> float:
    timings = []
    for run in range(RUNS + 1):
        started = time.perf_counter()
        response = client.get(url, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if run:  # the first run warms caches (templates, the map's shapes)
            timings.append(elapsed)
    return statistics.median(timings)


def main() -> None:
    app = bench_app("icu-picture")
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        reports = load(clock.today())
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        icu_totals.rebuild()  # the day totals the report service keeps, for the bulk load
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        rebuild_seconds = time.perf_counter() - started
        accounts.create_user("bench.officer", "Bench Officer", "officer", "bench-password-1")
        accounts.create_user("bench.viewer", "Bench Viewer", "viewer", "bench-password-1")
        token = tokens.issue_user_token("bench.viewer", "bench", "bench")[1]
        print(f"BENCH icu_picture_reports {reports} reports")
        print(f"BENCH icu_picture_load_s {load_seconds:.1f} s")
        print(f"BENCH icu_picture_totals_rebuild_s {rebuild_seconds:.1f} s")
    client = app.test_client()
    client.post("/login", data={"username": "bench.officer", "password": "bench-password-1"})
    page = _median_ms(client, "/icu/picture/")
    print(f"BENCH icu_picture_page_median_ms {page:.0f} ms")
    api = _median_ms(client, "/api/v1/icu/picture", headers={"Authorization": f"Bearer {token}"})
    print(f"BENCH icu_picture_api_median_ms {api:.0f} ms")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
