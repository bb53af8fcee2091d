"""Load: gunicorn (4 workers, the production config) on PostgreSQL, 10, 25 and 50 threads for
30 s each, a mix of signed-in page views and API reports (each with an Idempotency-Key, one in
ten sent twice as a client's retry). Prints requests/s and p50/p95/p99 per phase, and checks
that every acknowledged report is stored exactly once and no answer was a server error.

Needs PostgreSQL: without a postgresql DATABASE_URL it runs itself again through
scripts/with-postgres.sh (a throwaway cluster; note that the script runs PostgreSQL with
synchronous_commit=off and fsync=off, so these figures are no durability evidence).

    python benchmarks/bench_load.py          # BENCH_LOAD_SECONDS=10 for a shorter run
"""

import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
    os.execv(
        str(ROOT / "scripts" / "with-postgres.sh"),
        [str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, *sys.argv],
    )

import requests  # noqa: E402

BIN = Path(sys.executable).parent
THREADS = (10, 25, 50)
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
WORKERS = 4
PAGES = ("/", "/situation/", "/demand/requests/", "/stock/")
ORGANISATIONS = ("0380", "01", "0180", "1480", "12")
RETRY_SHARE = 0.1
TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SUPPLYAPP_CONFIG", "SECRET_KEY"}}
    env.update(
        SUPPLYAPP_CONFIG="production",
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_SECURE="false",  # plain http on loopback
        FLASK_APP="wsgi.py",
        PYTHONUNBUFFERED="1",
    )
    return env


def _prepare(env: dict[str, str], password: str) -> dict[str, str]:
    """Migrate, load the places and items, one officer, a token per organisation."""
    subprocess.run([BIN / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    from benchmarks.common import bench_app
    from supplyapp.audit import acting_as
    from supplyapp.demo import reference_data
    from supplyapp.extensions import db
    from supplyapp.services import accounts, tokens

    app = bench_app("load")
    with app.app_context(), acting_as("bench"):
        reference_data.load_places()
        reference_data.load_items()
        accounts.create_user("bench.officer", "Bench Officer", "officer", password)
        issued = {code: tokens.issue_organisation_token(code, "load")[1] for code in ORGANISATIONS}
        db.session.remove()
        db.engine.dispose()
    return issued


def _sign_in(base: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=TIMEOUT)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    answer = session.post(
        f"{base}/login",
        data={"csrf_token": token.group(1), "username": "bench.officer", "password": password},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


class Phase:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.acknowledged: dict[str, int] = {}  # "token:key" -> report id

    def note(self, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def _worker(base, session, issued, phase: Phase, stop_at: float, today: str) -> None:
    api = requests.Session()
    rng = random.Random()
    while time.perf_counter() < stop_at:
        if rng.random() < 0.5:
            path = rng.choice(PAGES)
            started = time.perf_counter()
            answer = session.get(base + path, timeout=TIMEOUT)
            bad = None if answer.status_code == 200 else f"GET {path}: {answer.status_code}"
            phase.note(time.perf_counter() - started, bad)
            continue
        code = rng.choice(ORGANISATIONS)
        key = str(uuid.uuid4())
        body = {
            "as_of": today,
            "lines": [
                {"item": "ffp2", "stock_on_hand": rng.randrange(10_000), "daily_use": 10},
                {"item": "visor", "stock_on_hand": rng.randrange(1_000), "daily_use": 3},
            ],
        }
        headers = {"Authorization": f"Bearer {issued[code]}", "Idempotency-Key": key}
        for _attempt in range(2 if rng.random() < RETRY_SHARE else 1):
            started = time.perf_counter()
            answer = api.post(f"{base}/api/v1/reports", json=body, headers=headers, timeout=TIMEOUT)
            if answer.status_code == 201:
                report_id = answer.json()["id"]
                with phase.lock:
                    first = phase.acknowledged.setdefault(f"{code}:{key}", report_id)
                bad = None if first == report_id else f"retry got report {report_id}, not {first}"
            else:
                bad = f"POST /reports: {answer.status_code} {answer.text[:200]}"
            phase.note(time.perf_counter() - started, bad)


def _stored(url: str) -> tuple[int, set[int]]:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection:
        rows = connection.execute(
            "SELECT id FROM situation_reports WHERE source = 'API'"
        ).fetchall()
    ids = [row[0] for row in rows]
    return len(ids), set(ids)


def _percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    env = _env()
    password = "Last-prov-" + secrets.token_hex(6)
    issued = _prepare(env, password)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-load-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [BIN / "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(60):
            try:
                if requests.get(f"{base}/health", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(1)
        else:
            raise SystemExit(f"gunicorn did not start: see {log.name}")
        today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Stockholm")).date().isoformat()
        # Signed in before the clock starts (argon2 at production cost is slow on purpose).
        sessions = [_sign_in(base, password) for _ in range(max(THREADS))]
        acknowledged: dict[str, int] = {}
        for threads in THREADS:
            phase = Phase()
            stop_at = time.perf_counter() + SECONDS
            started = time.perf_counter()
            workers = [
                threading.Thread(
                    target=_worker, args=(base, sessions[n], issued, phase, stop_at, today)
                )
                for n in range(threads)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            elapsed = time.perf_counter() - started
            latencies = phase.latencies
            print(
                f"BENCH load_{threads}_threads_requests_per_s {len(latencies) / elapsed:.1f} req/s"
            )
            for share in (0.5, 0.95, 0.99):
                value = _percentile(latencies, share) * 1000
                print(f"BENCH load_{threads}_threads_p{round(share * 100)} {value:.0f} ms")
            print(f"BENCH load_{threads}_threads_errors {len(phase.errors)} count")
            for error in phase.errors[:5]:
                print(f"  error: {error}")
            acknowledged.update(phase.acknowledged)
        count, ids = _stored(os.environ["DATABASE_URL"])
        exactly_once = count == len(acknowledged) == len(ids & set(acknowledged.values()))
        print(f"BENCH load_reports_acknowledged {len(acknowledged)} count")
        print(f"BENCH load_reports_stored {count} count")
        print(f"BENCH load_reports_stored_exactly_once {int(exactly_once)} bool")
        if not exactly_once:
            raise SystemExit("an acknowledged report was lost or stored twice")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


if __name__ == "__main__":
    main()
