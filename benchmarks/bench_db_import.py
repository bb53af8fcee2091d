"""Import 100,000 delivery rows from a CSV file: validation, ledger rows, balances, one commit.

python benchmarks/bench_db_import.py  (DATABASE_URL if set, else a temporary SQLite file)
Prints: BENCH import_deliveries_rows_per_s <v> rows/s and BENCH import_deliveries_100k_s <v> s,
then one BENCH import_deliveries_stage_<name>_s line per stage of the import (read, validate, ...).
"""

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
LINES = 200  # order lines the deliveries are received against


def main() -> None:
    from sqlalchemy import func, select

    from supplyapp import audit, clock, create_app
    from supplyapp.config import TestConfig
    from supplyapp.demo import reference_data as seed
    from supplyapp.extensions import db
    from supplyapp.models.stock import StockMovement
    from supplyapp.services import procurement, stock
    from supplyapp.services.stock_import import import_deliveries

    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=tmp)
        with app.app_context(), audit.acting_as("bench"):
            db.drop_all()
            db.create_all()
            seed.load_places()
            seed.load_items()
            seed.load_demo_places()
            items = ["ffp2", "ffp3", "mask_iir", "gown", "exam_gloves"]
            per_line = ROWS // LINES * 2000  # room for every row
            orders = []
            for index in range(LINES // 10):
                order = procurement.create_order(
                    "LEV-001",
                    lines=[
                        {
                            "item": items[(index + n) % len(items)],
                            "quantity": per_line,
                            "unit_price": "1",
                        }
                        for n in range(10)
                    ],
                )
                procurement.set_order_status(order.code, "placed")
                orders.append(order)
            targets = [(o.code, line.item.code) for o in orders for line in o.lines]
            data = _file(targets, clock.today())
            started = time.perf_counter()
            result = import_deliveries(data, "bench.csv")
            elapsed = time.perf_counter() - started
            movements = db.session.scalar(select(func.count()).select_from(StockMovement))
            assert result.rows == ROWS and movements == ROWS, (result.rows, movements)
            assert stock.check_ledger() == []
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    print(f"BENCH import_deliveries_rows_per_s {ROWS / elapsed:.0f} rows/s")
    print(f"BENCH import_deliveries_100k_s {elapsed * 100_000 / ROWS:.2f} s")
    for stage, seconds in result.stages.items():
        print(f"BENCH import_deliveries_stage_{stage}_s {seconds:.2f} s")


def _file(targets: list[tuple[str, str]], today: date) -> bytes:
    """A CSV of ROWS deliveries spread over the warehouses and the order lines."""
    warehouses = ["NL-ARN", "NL-GBG", "NL-JKP", "NL-SDL", "NL-LLA"]
    expiry = (today + timedelta(days=900)).isoformat()
    received = today.isoformat()
    lines = ["warehouse;source;item;quantity;lot_number;expiry_date;received_on"]
    for row in range(ROWS):
        order, item = targets[row % len(targets)]
        lines.append(
            f"{warehouses[row % 5]};{order};{item};{100 + row % 900};L{row:06d};{expiry};{received}"
        )
    return ("\n".join(lines) + "\n").encode()


if __name__ == "__main__":
    main()
