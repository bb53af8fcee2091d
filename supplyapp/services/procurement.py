"""Supply channels: purchase orders, EU framework contracts and call-offs, rescEU donations,
domestic production contracts, and offers from companies with their vetting.

Who may do what is the views' business (officers and admins); here are the rules of the domain.
Each public function is one use case and one transaction.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal, overload

from sqlalchemy import func, select

from supplyapp import audit, clock, validation
from supplyapp.clock import utcnow
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import Item, Supplier
from supplyapp.models.catalog import SupplierKind
from supplyapp.models.procurement import (
    CallOff,
    CallOffStatus,
    DomesticContract,
    Donation,
    DonationSource,
    DonationStatus,
    FrameworkContract,
    FrameworkShare,
    Offer,
    OfferKind,
    OfferStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
)
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.stock import begin_write, locked, locked_existing
from supplyapp.services.transaction import use_case

CURRENCY = re.compile(r"^[A-Z]{3}$")

# Which status may follow which, for a purchase order.
ORDER_TRANSITIONS = {
    OrderStatus.DRAFT: {OrderStatus.PLACED, OrderStatus.CANCELLED},
    OrderStatus.PLACED: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.CANCELLED},
    OrderStatus.PARTLY_DELIVERED: {OrderStatus.CANCELLED},
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
}


@overload
def _text(value, field: str, max_length: int, required: Literal[True]) -> str: ...
@overload
def _text(value, field: str, max_length: int, required: bool = False) -> str | None: ...
def _text(value, field: str, max_length: int, required: bool = False) -> str | None:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not value:
        if required:
            raise InvalidInput({field: _("A value is required.")})
        return None
    if len(value) > max_length:
        raise InvalidInput({field: _("At most %(n)s characters.", n=max_length)})
    return value


def _quantity(value, field: str = "quantity") -> int:
    return validation.whole_number(value, field, positive=True)


def _price(value, field: str = "unit_price", required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise InvalidInput({field: _("A value is required.")})
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation as error:
        raise InvalidInput({field: _("Give a price, such as 12.50.")}) from error
    if not price.is_finite() or price < 0 or price > validation.MAX_PRICE:
        raise InvalidInput({field: _("Give a price of zero or more.")})
    return price.quantize(Decimal("0.01"))


def _currency(value, field: str = "currency") -> str:
    value = (value or "").strip().upper()
    if not CURRENCY.match(value):
        raise InvalidInput({field: _("A three-letter currency code, such as SEK or EUR.")})
    return value


def item(code: str | None, field: str = "item") -> Item:
    found = db.session.scalar(select(Item).where(Item.code == (code or "").strip()))
    if found is None or not found.active:
        raise InvalidInput({field: _("Unknown item %(code)s.", code=code)})
    return found


def supplier(code: str, field: str = "supplier", kinds: tuple | None = None) -> Supplier:
    found = db.session.scalar(select(Supplier).where(Supplier.code == (code or "").strip()))
    if found is None or not found.active:
        raise InvalidInput({field: _("Unknown supplier %(code)s.", code=code)})
    if kinds and found.kind not in kinds:
        raise InvalidInput({field: _("%(code)s is not a supplier of this kind.", code=code)})
    return found


def next_code(model, prefix: str) -> str:
    """The next free code such as PO-2026-0007 (year and a running number)."""
    stem = f"{prefix}-{clock.today().year}-"
    last = db.session.scalar(select(func.max(model.code)).where(model.code.like(stem + "%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{stem}{number:04d}"


# ---------------------------------------------------------------------------------------------
# Purchase orders


def get_order(code: str) -> PurchaseOrder:
    order = db.session.scalar(select(PurchaseOrder).where(PurchaseOrder.code == code))
    if order is None:
        raise NotFound(_("No order %(code)s.", code=code))
    return order


@use_case
def create_order(
    supplier_code: str,
    currency: str = "SEK",
    documents: str | None = None,
    notes: str | None = None,
    lines: list[dict] | None = None,
) -> PurchaseOrder:
    """A draft order; lines are dicts of item, quantity, unit_price, promised_date."""
    order = PurchaseOrder(
        code=next_code(PurchaseOrder, "PO"),
        supplier=supplier(
            supplier_code, kinds=(SupplierKind.MARKET, SupplierKind.DOMESTIC_PRODUCER)
        ),
        currency=_currency(currency),
        documents=_text(documents, "documents", 2000),
        notes=_text(notes, "notes", 2000),
        status=OrderStatus.DRAFT,
        created_by=audit.current_actor_name(),
    )
    db.session.add(order)
    for values in lines or []:
        _add_line(
            order,
            values.get("item"),
            values.get("quantity"),
            values.get("unit_price"),
            values.get("promised_date"),
        )
    return order


def _add_line(
    order: PurchaseOrder,
    item_code: str | None,
    quantity: int | None,
    unit_price,
    promised_date: date | None = None,
) -> OrderLine:
    line = OrderLine(
        order=order,
        item=item(item_code),
        quantity=_quantity(quantity),
        unit_price=_price(unit_price),
        promised_date=promised_date,
        delivered_quantity=0,
    )
    db.session.add(line)
    return line


@use_case
def add_order_line(
    order_code: str, item_code: str, quantity: int, unit_price, promised_date: date | None = None
) -> OrderLine:
    """Add a line to a draft order."""
    order = get_order(order_code)
    if order.status != OrderStatus.DRAFT:
        raise InvalidInput({"item": _("Lines can only be added while the order is a draft.")})
    line = _add_line(order, item_code, quantity, unit_price, promised_date)
    return line


@use_case
def update_order(order_code: str, documents: str | None, notes: str | None) -> PurchaseOrder:
    """Documents' references and notes may change at any time."""
    order = get_order(order_code)
    order.documents = _text(documents, "documents", 2000)
    order.notes = _text(notes, "notes", 2000)
    return order


@use_case
def set_order_status(order_code: str, status: str, reason: str | None = None) -> PurchaseOrder:
    """Place, confirm or cancel an order (delivery states follow from receipts)."""
    begin_write()
    order = get_order(order_code)
    order = locked_existing(PurchaseOrder, order.id)
    try:
        new = OrderStatus(status)
    except ValueError as error:
        raise InvalidInput({"status": _("Unknown status.")}) from error
    if new not in ORDER_TRANSITIONS[order.status]:
        raise InvalidInput(
            {
                "status": _(
                    "An order that is %(old)s cannot become %(new)s.",
                    old=order.status.value,
                    new=new.value,
                )
            }
        )
    if new == OrderStatus.PLACED and not order.lines:
        raise InvalidInput({"status": _("Add at least one line before placing the order.")})
    if new == OrderStatus.CANCELLED and not (reason or "").strip():
        raise InvalidInput({"reason": _("Say why the order is cancelled.")})
    order.status = new
    if new == OrderStatus.PLACED:
        order.placed_on = clock.today()
    audit.give_reason((reason or "").strip() or None)
    return order


# ---------------------------------------------------------------------------------------------
# EU joint procurement


@use_case
def create_framework_contract(
    code: str,
    name: str,
    valid_from: date,
    valid_to: date,
    shares: list[dict],
    supplier_code: str = "EU-JPA",
) -> FrameworkContract:
    """A framework contract with Sweden's share per item: dicts of item, quantity, price."""
    code = _text(code, "code", 30, required=True)
    if db.session.scalar(select(FrameworkContract.id).where(FrameworkContract.code == code)):
        raise InvalidInput({"code": _("The code %(code)s is already used.", code=code)})
    if valid_from is None or valid_to is None or valid_to < valid_from:
        raise InvalidInput({"valid_to": _("The end must not be before the start.")})
    contract = FrameworkContract(
        code=code,
        name=_text(name, "name", 200, required=True),
        valid_from=valid_from,
        valid_to=valid_to,
        supplier=supplier(supplier_code, kinds=(SupplierKind.EU,)),
    )
    db.session.add(contract)
    seen = set()
    for share in shares:
        found = item(share["item"])
        if found.id in seen:
            raise InvalidInput({"item": _("Each item once per contract.")})
        seen.add(found.id)
        db.session.add(
            FrameworkShare(
                contract=contract,
                item=found,
                quantity=_quantity(share["quantity"]),
                unit_price=_price(share.get("unit_price"), required=False),
                called_off_quantity=0,
            )
        )
    if not seen:
        raise InvalidInput({"item": _("Give Sweden's share of at least one item.")})
    return contract


@use_case
def call_off(share_id: int, quantity: int, expected_date: date | None = None) -> CallOff:
    """Call off part of Sweden's share; never more than what is left of it."""
    quantity = _quantity(quantity)
    begin_write()
    share = locked(FrameworkShare, share_id)
    if share is None:
        raise NotFound(_("No such share."))
    left = share.quantity - share.called_off_quantity
    if quantity > left:
        raise InvalidInput({"quantity": _("Only %(left)s are left of Sweden's share.", left=left)})
    if clock.today() > share.contract.valid_to:
        raise InvalidInput({"quantity": _("The framework contract has ended.")})
    share.called_off_quantity += quantity
    record = CallOff(
        code=next_code(CallOff, "CO"),
        share=share,
        quantity=quantity,
        expected_date=expected_date,
        status=CallOffStatus.CALLED_OFF,
        delivered_quantity=0,
    )
    db.session.add(record)
    return record


@use_case
def create_donation(
    supplier_code: str,
    item_code: str,
    quantity: int,
    expected_date: date | None = None,
    source: str = DonationSource.RESCEU.value,
) -> Donation:
    """A donation expected, e.g. from the rescEU stockpile."""
    donation = Donation(
        code=next_code(Donation, "DON"),
        source=DonationSource(source),
        supplier=supplier(supplier_code),
        item=item(item_code),
        quantity=_quantity(quantity),
        expected_date=expected_date,
        status=DonationStatus.EXPECTED,
        delivered_quantity=0,
    )
    db.session.add(donation)
    return donation


# ---------------------------------------------------------------------------------------------
# Domestic production


@use_case
def create_domestic_contract(
    supplier_code: str,
    item_code: str,
    weekly_quantity: int,
    start_date: date,
    end_date: date,
    unit_price=None,
) -> DomesticContract:
    """A producer's weekly commitment over a period (whole ISO weeks from the start's Monday)."""
    if start_date is None or end_date is None or end_date < start_date:
        raise InvalidInput({"end_date": _("The end must not be before the start.")})
    contract = DomesticContract(
        code=next_code(DomesticContract, "DP"),
        supplier=supplier(supplier_code, kinds=(SupplierKind.DOMESTIC_PRODUCER,)),
        item=item(item_code),
        weekly_quantity=_quantity(weekly_quantity, "weekly_quantity"),
        start_date=start_date,
        end_date=end_date,
        unit_price=_price(unit_price, required=False),
        active=True,
        delivered_quantity=0,
    )
    db.session.add(contract)
    return contract


@use_case
def end_domestic_contract(code: str, reason: str) -> DomesticContract:
    contract = db.session.scalar(select(DomesticContract).where(DomesticContract.code == code))
    if contract is None:
        raise NotFound(_("No contract %(code)s.", code=code))
    reason = _text(reason, "reason", 1000, required=True)
    contract.active = False
    audit.give_reason(reason)
    return contract


# ---------------------------------------------------------------------------------------------
# Offers and donations from companies


@use_case
def log_offer(
    company: str,
    kind: str,
    item_code: str,
    quantity: int,
    unit_price=None,
    currency: str = "SEK",
    supplier_code: str | None = None,
    contact: str | None = None,
    available_from: date | None = None,
    description: str | None = None,
) -> Offer:
    """Log a company's offer to sell or to give; it waits for vetting."""
    try:
        kind = OfferKind(kind)
    except ValueError as error:
        raise InvalidInput({"kind": _("Sale or donation.")}) from error
    price = _price(unit_price, required=kind == OfferKind.SALE)
    offer = Offer(
        code=next_code(Offer, "OF"),
        company=_text(company, "company", 120, required=True),
        kind=kind,
        item=item(item_code),
        quantity=_quantity(quantity),
        unit_price=price if kind == OfferKind.SALE else None,
        currency=_currency(currency),
        supplier=supplier(supplier_code) if supplier_code else None,
        contact=_text(contact, "contact", 200),
        available_from=available_from,
        description=_text(description, "description", 4000),
        status=OfferStatus.NEW,
        logged_by=audit.current_actor_name(),
    )
    db.session.add(offer)
    return offer


def get_offer(code: str) -> Offer:
    offer = db.session.scalar(select(Offer).where(Offer.code == code))
    if offer is None:
        raise NotFound(_("No offer %(code)s.", code=code))
    return offer


def _vettable(code: str) -> Offer:
    begin_write()
    offer = locked_existing(Offer, get_offer(code).id)
    if offer.status != OfferStatus.NEW:
        raise InvalidInput({"status": _("The offer has been vetted already.")})
    # Four eyes: whoever logged an offer does not vet it.
    if offer.logged_by == audit.current_actor_name():
        raise InvalidInput(
            {"status": _("Someone other than the one who logged the offer must vet it.")}
        )
    return offer


@use_case
def approve_offer(code: str, notes: str | None = None) -> Offer:
    offer = _vettable(code)
    offer.status = OfferStatus.APPROVED
    offer.vetting_notes = _text(notes, "notes", 4000)
    offer.vetted_by, offer.vetted_at = audit.current_actor_name(), utcnow()
    return offer


@use_case
def decline_offer(code: str, reason: str) -> Offer:
    try:
        reason = _text(reason, "reason", 4000, required=True)
    except InvalidInput:
        raise InvalidInput({"reason": _("Say why the offer is declined.")}) from None
    offer = _vettable(code)
    offer.status = OfferStatus.DECLINED
    offer.decline_reason = reason
    offer.vetted_by, offer.vetted_at = audit.current_actor_name(), utcnow()
    audit.give_reason(reason)
    return offer


@use_case
def convert_offer(
    code: str, supplier_code: str | None = None, promised_date: date | None = None
) -> Offer:
    """An approved offer becomes a draft order (a sale) or an expected donation."""
    begin_write()
    offer = locked_existing(Offer, get_offer(code).id)
    if offer.status != OfferStatus.APPROVED:
        raise InvalidInput(
            {"status": _("Only an approved offer can become an order or a donation.")}
        )
    try:
        seller = supplier(supplier_code) if supplier_code else offer.supplier
        if seller is None:
            raise InvalidInput({"supplier": _("Choose the supplier the offer comes from.")})
        if offer.kind == OfferKind.SALE:
            offer.order = PurchaseOrder(
                code=next_code(PurchaseOrder, "PO"),
                supplier=seller,
                currency=offer.currency,
                status=OrderStatus.DRAFT,
                notes=_("From offer %(code)s", code=offer.code),
                created_by=audit.current_actor_name(),
            )
            db.session.add(
                OrderLine(
                    order=offer.order,
                    item_id=offer.item_id,
                    quantity=offer.quantity,
                    unit_price=offer.unit_price,
                    promised_date=promised_date or offer.available_from,
                    delivered_quantity=0,
                )
            )
        else:
            offer.donation = Donation(
                code=next_code(Donation, "DON"),
                source=DonationSource.OFFER,
                supplier=seller,
                item_id=offer.item_id,
                quantity=offer.quantity,
                expected_date=promised_date or offer.available_from,
                status=DonationStatus.EXPECTED,
                delivered_quantity=0,
            )
    except DomainError:
        raise
    offer.supplier = seller
    offer.status = OfferStatus.CONVERTED
    return offer


@use_case
def add_share(contract_code: str, item_code: str, quantity: int, unit_price=None) -> FrameworkShare:
    """Add Sweden's share of another item to a framework contract."""
    contract = db.session.scalar(
        select(FrameworkContract).where(FrameworkContract.code == contract_code)
    )
    if contract is None:
        raise NotFound(_("No contract %(code)s.", code=contract_code))
    found = item(item_code)
    if any(share.item_id == found.id for share in contract.shares):
        raise InvalidInput({"item": _("Each item once per contract.")})
    share = FrameworkShare(
        contract=contract,
        item=found,
        quantity=_quantity(quantity),
        unit_price=_price(unit_price, required=False),
        called_off_quantity=0,
    )
    db.session.add(share)
    return share
