"""Pages and downloads show Swedish time: the audit log, the stock ledger and its CSV."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import frozen_at, login
from tests.supply_factories import approved_lot

AFTER_MIDNIGHT = datetime(2026, 12, 1, 0, 0, 1, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_the_audit_log_shows_swedish_time_with_its_zone(client, users):
    with frozen_at(AFTER_MIDNIGHT):  # 23:00:01 UTC on 30 November
        login(client, "admin")
        html = client.get("/audit/?actor=admin").get_data(as_text=True)
    assert "2026-12-01 00:00:01 CET" in html
    assert "2026-11-30 23:00" not in html


def test_the_stock_ledger_and_its_csv_show_swedish_time(client, users):
    with frozen_at(AFTER_MIDNIGHT):
        approved_lot(10)
        login(client, "logistics")
        page = client.get("/stock/movements").get_data(as_text=True)
        csv = client.get("/stock/movements?format=csv").get_data(as_text=True)
    assert "2026-12-01 00:00" in page and "2026-11-30 23:00" not in page
    assert "2026-12-01 00:00:01" in csv and "+00:00" not in csv and "2026-11-30" not in csv
