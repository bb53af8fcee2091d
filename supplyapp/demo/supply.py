"""Demo supply: orders in every state, an EU framework contract with call-offs, a rescEU
donation, a domestic contract with shortfalls, offers, and a national stock of every item across
the five demo warehouses with lots in quarantine, approved and rejected.

Everything goes through the services, so the demo's ledger is a real one (`flask stock check`).
"""

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.models.procurement import PurchaseOrder
from supplyapp.queries.stock import week_start as week_start_monday
from supplyapp.services import procurement, stock

WAREHOUSES = {"NL-ARN": 0.35, "NL-GBG": 0.25, "NL-JKP": 0.2, "NL-SDL": 0.12, "NL-LLA": 0.08}
# A believable national stock per item (units), spring 2020 scale.
STOCK = {
    "ffp2": 1_800_000,
    "ffp3": 420_000,
    "mask_iir": 4_500_000,
    "visor": 260_000,
    "goggles": 90_000,
    "gown": 750_000,
    "surgical_gown": 180_000,
    "apron": 2_200_000,
    "exam_gloves": 9_000_000,
    "micro_gloves": 2_600_000,
    "hand_rub": 95_000,
}
PRICES = {
    "ffp2": "4.90",
    "ffp3": "8.50",
    "mask_iir": "0.85",
    "visor": "12.00",
    "goggles": "18.00",
    "gown": "14.00",
    "surgical_gown": "32.00",
    "apron": "0.60",
    "exam_gloves": "0.45",
    "micro_gloves": "0.70",
    "hand_rub": "45.00",
}


def _receive(kind, source_id, warehouse, quantity, lot, days_ago, expiry_days=None, reason=None):
    today = clock.today()
    return stock.receive(
        stock.Receipt(
            source_kind=kind,
            source_id=source_id,
            warehouse=warehouse,
            quantity=quantity,
            lot_number=lot,
            received_on=today - timedelta(days=days_ago),
            expiry_date=None if expiry_days is None else today + timedelta(days=expiry_days),
            idempotency_key=f"demo:{uuid.uuid4().hex}",
            over_delivery_reason=reason,
        )
    )


def _placed(supplier, lines, promised_days, status="placed"):
    today = clock.today()
    order = procurement.create_order(
        supplier,
        "SEK",
        documents="Avtal dnr 2026/0412",
        lines=[
            {
                "item": item,
                "quantity": quantity,
                "unit_price": PRICES[item],
                "promised_date": today + timedelta(days=promised_days),
            }
            for item, quantity in lines
        ],
    )
    if status != "draft":
        procurement.set_order_status(order.code, "placed")
    if status == "confirmed":
        procurement.set_order_status(order.code, "confirmed")
    return order


def _national_stock() -> int:
    """Per item one delivered order, received at every warehouse in two lots, approved."""
    lots = 0
    for number, (item, total) in enumerate(STOCK.items()):
        order = _placed("LEV-001", [(item, total)], -40)
        line = order.lines[0]
        shelf = 1000 if item != "hand_rub" else 500
        for index, (warehouse, share) in enumerate(WAREHOUSES.items()):
            quantity = int(total * share)
            if index == len(WAREHOUSES) - 1:
                quantity = total - int(
                    sum(int(total * s) for s in WAREHOUSES.values() if s != share)
                )
            first = quantity * 2 // 3
            for part, amount, expiry in ((1, first, shelf), (2, quantity - first, 25 + number)):
                delivery = _receive(
                    "order_line",
                    line.id,
                    warehouse,
                    amount,
                    f"{item.upper()}-{warehouse[-3:]}-{part}",
                    45 - part,
                    expiry,
                )
                stock.inspect_lot(delivery.lot.id, amount, 0, "ce_marking", f"CE 2797 / {item}")
                lots += 1
    return lots


def _orders_in_every_state() -> None:
    _placed("LEV-003", [("gown", 50_000)], 20, status="draft")
    _placed("LEV-002", [("ffp2", 400_000), ("mask_iir", 1_000_000)], 12)
    _placed("LEV-003", [("exam_gloves", 2_000_000)], 25, status="confirmed")
    late = _placed("LEV-002", [("ffp3", 200_000), ("visor", 40_000)], -10)
    # Partly delivered, late, and part of it failed quality control.
    delivery = _receive("order_line", late.lines[0].id, "NL-ARN", 80_000, "GP-FFP3-0412", 3, 900)
    stock.inspect_lot(
        delivery.lot.id,
        60_000,
        20_000,
        "temp_approval",
        "AV 2020/021337",
        rejection_reason="Filter penetration above EN 149 limits in 3 of 10 samples",
    )
    # Still in quarantine, waiting for quality control.
    _receive("order_line", late.lines[1].id, "NL-GBG", 15_000, "GP-VIS-0398", 1)
    done = _placed("LEV-001", [("hand_rub", 10_000)], -5)
    delivery = _receive("order_line", done.lines[0].id, "NL-JKP", 10_000, "NS-HR-2211", 6, 700)
    stock.inspect_lot(delivery.lot.id, 10_000, 0, "ce_marking", "CE 0344")
    cancelled = _placed("LEV-002", [("gown", 100_000)], 5)
    procurement.set_order_status(
        cancelled.code, "cancelled", "Supplier could not show a valid certificate"
    )
    rejected = _placed("LEV-002", [("ffp2", 30_000)], -2)
    delivery = _receive(
        "order_line", rejected.lines[0].id, "NL-SDL", 30_000, "GP-FFP2-FAKE", 2, 800
    )
    stock.inspect_lot(
        delivery.lot.id,
        0,
        30_000,
        "none",
        rejection_reason="Forged CE certificate: notified body 2163 never issued it",
    )


def _eu() -> None:
    today = clock.today()
    contract = procurement.create_framework_contract(
        "EU-JPA-PPE-2020",
        "Joint procurement of personal protective equipment, lot 1",
        today - timedelta(days=60),
        today + timedelta(days=300),
        [
            {"item": "ffp2", "quantity": 3_000_000, "unit_price": "0.95"},
            {"item": "gown", "quantity": 900_000, "unit_price": "3.10"},
            {"item": "goggles", "quantity": 150_000},
        ],
    )
    first = procurement.call_off(contract.shares[0].id, 1_000_000, today - timedelta(days=4))
    delivery = _receive("call_off", first.id, "NL-ARN", 600_000, "EU-FFP2-C1", 2, 1400)
    stock.inspect_lot(delivery.lot.id, 600_000, 0, "ce_marking", "CE 2834")
    procurement.call_off(contract.shares[1].id, 300_000, today + timedelta(days=16))
    procurement.call_off(contract.shares[0].id, 500_000, today + timedelta(days=30))
    procurement.create_donation("EU-RESCEU", "ffp3", 120_000, today + timedelta(days=9))


def _domestic() -> None:
    today = clock.today()
    start = week_start_monday(today) - timedelta(weeks=5)
    contract = procurement.create_domestic_contract(
        "PRD-001", "ffp2", 50_000, start, start + timedelta(weeks=16, days=6), "3.80"
    )
    for week, quantity in enumerate((50_000, 50_000, 31_000, 0, 44_000)):
        if quantity:
            delivery = _receive(
                "domestic",
                contract.id,
                "NL-JKP",
                quantity,
                f"SAP-FFP2-V{week + 1}",
                (5 - week) * 7 - 2,
                1800,
            )
            stock.inspect_lot(
                delivery.lot.id, quantity, 0, "temp_approval", f"AV 2020/0{week + 31}2"
            )
    procurement.create_domestic_contract(
        "PRD-002",
        "gown",
        20_000,
        week_start_monday(today) + timedelta(weeks=1),
        week_start_monday(today) + timedelta(weeks=12),
    )


def _offers() -> None:
    with audit.acting_as("officer.anna"):
        new = procurement.log_offer(
            "Skyddsfabriken i Borås AB (demo)",
            "sale",
            "visor",
            80_000,
            "9.50",
            description="Own production, CE pending",
        )
        approved = procurement.log_offer(
            "Nordisk Skydd AB (demo)",
            "sale",
            "ffp2",
            250_000,
            "5.20",
            supplier_code="LEV-001",
            description="EN 149 certificate from notified body 0194",
        )
        declined = procurement.log_offer(
            "Quick Masks Trading (demo)",
            "sale",
            "ffp2",
            1_000_000,
            "11.00",
            description="Certificate could not be verified",
        )
        gift = procurement.log_offer(
            "Lokalföretagen i samverkan (demo)", "donation", "hand_rub", 4_000
        )
    del new
    with audit.acting_as("officer.bengt"):
        procurement.approve_offer(approved.code, "Certificate checked with the notified body")
        procurement.decline_offer(
            declined.code,
            "Certificate not issued by the named notified body; price far above market",
        )
        procurement.approve_offer(gift.code)
        procurement.convert_offer(gift.code, "GAVA-001", clock.today() + timedelta(days=4))


def load_demo_supply() -> int:
    """The demo's supply and stock; does nothing when orders exist already. Returns lots."""
    if db.session.scalar(select(func.count()).select_from(PurchaseOrder)):
        return 0
    lots = _national_stock()
    _orders_in_every_state()
    _eu()
    _domestic()
    _offers()
    return lots
