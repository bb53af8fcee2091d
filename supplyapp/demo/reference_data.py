"""Load the real places and the item catalogue, and the demo's warehouses, suppliers, users."""

from pathlib import Path

import pandas as pd
from sqlalchemy import func, insert, select

from supplyapp import audit
from supplyapp.extensions import db
from supplyapp.models import County, Item, Organisation, Supplier, User, Warehouse
from supplyapp.models.intensive_care import IcuUnit, UnitKind
from supplyapp.services import accounts, passwords
from supplyapp.services.transaction import use_case

DATA = Path(__file__).resolve().parent.parent / "data"
DEMO = DATA / "demo"

DEMO_PASSWORD = passwords.DEMO_PASSWORD  # published in the README: the demo only
# username, full name, role, organisation code
DEMO_USERS = [
    ("admin", "Alva Admin", "admin", None),
    ("officer.anna", "Anna Andersson", "officer", None),
    ("officer.bengt", "Bengt Berg", "officer", None),
    ("logistik.lisa", "Lisa Lind", "logistics", None),
    ("viewer.vera", "Vera Viklund (Regeringskansliet)", "viewer", None),
    ("region.stockholm", "Rasmus Rydberg (Region Stockholm)", "requester", "01"),
    ("kommun.uppsala", "Karin Karlsson (Uppsala kommun)", "requester", "0380"),
    ("vg.capio", "Cecilia Ceder (Capio S:t Görans sjukhus)", "requester", "VG-0180-SG"),
    ("lst.uppsala", "Lars Lundqvist (Länsstyrelsen i Uppsala län)", "county", "LST-03"),
    # ICU reporters are bound to a unit: their organisation code is the unit's code.
    ("iva.danderyd", "Ida Dahlberg (Danderyd IVA)", "icu_reporter", "DANDERYD-IVA"),
    ("iva.stgoran", "Sami Stenberg (S:t Görans IVA, Capio)", "icu_reporter", "STGORAN-IVA"),
    ("iva.uppsala", "Ulla Uhlin (Uppsala CIVA)", "icu_reporter", "UPPSALA-CIVA"),
    ("iva.linkoping", "Linnea Lund (Linköping IVA)", "icu_reporter", "LINKOPING-IVA"),
    ("samordnare.sara", "Sara Sandberg (nationell IVA-samordnare)", "icu_coordinator", None),
]


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@use_case
def load_places() -> int:
    """Counties, regions, municipalities and county boards from the real data; idempotent."""
    if db.session.scalar(select(func.count()).select_from(County)):
        return 0
    regions = _csv(DATA / "regions.csv")
    municipalities = _csv(DATA / "municipalities.csv")
    db.session.execute(
        insert(County),
        [
            {
                "code": r.code,
                "name": r["name"],
                "name_short": r.name_short,
                "capital": r.capital,
                "lat": float(r.capital_lat),
                "lon": float(r.capital_lon),
                "reloading_point": f"Omlastningspunkt {r.capital}",
            }
            for _, r in regions.iterrows()
        ],
    )
    rows = []
    for _, r in regions.iterrows():
        point = {"lat": float(r.capital_lat), "lon": float(r.capital_lon)}
        rows.append(
            {
                "code": r.code,
                "kind": "region",
                "name": r.region_authority,
                "county_code": r.code,
                "population": int(r.population),
                **point,
            }
        )
        rows.append(
            {
                "code": f"LST-{r.code}",
                "kind": "county_board",
                "name": f"Länsstyrelsen i {r['name']}",
                "county_code": r.code,
                "population": None,
                **point,
            }
        )
    for _, m in municipalities.iterrows():
        rows.append(
            {
                "code": m.code,
                "kind": "municipality",
                "name": m["name"],
                "county_code": m.region_code,
                "population": int(m.population),
                "lat": float(m.lat),
                "lon": float(m.lon),
            }
        )
    _insert_organisations(rows)
    audit.record(
        db.session,
        "import",
        "organisations",
        "places",
        after={"counties": len(regions), "organisations": len(rows)},
        reason="Real places from SCB data (supplyapp/data/SOURCES.md)",
    )
    return len(rows)


def _insert_organisations(rows: list[dict]) -> None:
    for row in rows:
        row.setdefault("is_private", False)
        row.setdefault("active", True)
    db.session.execute(insert(Organisation), rows)


@use_case
def load_items() -> int:
    if db.session.scalar(select(func.count()).select_from(Item)):
        return 0
    items = _csv(DATA / "items.csv").merge(_csv(DEMO / "item_details.csv"), on="code")
    db.session.execute(
        insert(Item),
        [
            {
                "code": r.code,
                "name_sv": r.name_sv,
                "name_en": r.name_en,
                "unit": r.unit,
                "standard": r.standard or None,
                "pack_size": int(r.pack_size),
                "shelf_life_months": int(r.shelf_life_months) if r.shelf_life_months else None,
                "active": True,
            }
            for _, r in items.iterrows()
        ],
    )
    audit.record(db.session, "import", "items", "catalogue", after={"items": len(items)})
    return len(items)


@use_case
def load_demo_places() -> None:
    """Care providers, warehouses and suppliers of the demo (see data/SOURCES.md)."""
    points = {o.code: o for o in db.session.scalars(select(Organisation))}
    if db.session.scalar(select(func.count()).select_from(Warehouse)) == 0:
        db.session.execute(
            insert(Warehouse),
            [
                {
                    "code": w.code,
                    "name": w["name"],
                    "municipality_code": w.municipality_code,
                    "address": w.address,
                    "lat": points[w.municipality_code].lat,
                    "lon": points[w.municipality_code].lon,
                    "active": True,
                }
                for _, w in _csv(DEMO / "warehouses.csv").iterrows()
            ],
        )
    if db.session.scalar(select(func.count()).select_from(Supplier)) == 0:
        db.session.execute(
            insert(Supplier),
            [
                {
                    "code": s.code,
                    "name": s["name"],
                    "kind": s.kind,
                    "org_number": s.org_number or None,
                    "country": s.country,
                    "contact_email": s.contact_email or None,
                    "active": True,
                }
                for _, s in _csv(DEMO / "suppliers.csv").iterrows()
            ],
        )
    if not db.session.scalar(select(Organisation.id).where(Organisation.kind == "care_provider")):
        _insert_organisations(
            [
                {
                    "code": p.code,
                    "kind": "care_provider",
                    "name": p["name"],
                    "county_code": p.county_code,
                    "population": None,
                    "lat": points[p.municipality_code].lat,
                    "lon": points[p.municipality_code].lon,
                    "is_private": p.is_private == "true",
                }
                for _, p in _csv(DEMO / "care_providers.csv").iterrows()
            ]
        )


def load_demo_users(password: str = DEMO_PASSWORD) -> list[str]:
    created = []
    for username, full_name, role, org in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            accounts.create_user(username, full_name, role, password, org)
            created.append(username)
    return created


@use_case
def load_icu_units() -> int:
    """The 82 intensive care units of SIR's lists (data/icu_units.csv), bound to their region
    and, when privately run, to the care provider of their hospital; idempotent.

    Where SIR gives no staffed-place figure the unit gets none here: the demo adds its own,
    marked as a demo figure."""
    if db.session.scalar(select(func.count()).select_from(IcuUnit)):
        return 0
    regions = dict(
        db.session.execute(
            select(Organisation.code, Organisation.id).where(Organisation.kind == "region")
        )
        .tuples()
        .all()
    )
    providers = dict(
        db.session.execute(
            select(Organisation.name, Organisation.id).where(Organisation.kind == "care_provider")
        )
        .tuples()
        .all()
    )
    rows = [
        {
            "code": r.unit_code,
            "name": r["name"],
            "hospital": r.hospital,
            "town": r.town,
            "region_id": regions[r.region_code],
            "provider_id": providers.get(r.hospital) if r.owner == "private" else None,
            "is_private": r.owner == "private",
            "category": r.category or None,
            "kind": UnitKind(r.kind),
            "has_ecmo": r.ecmo == "1",
            "lat": float(r.lat) if r.lat else None,
            "lon": float(r.lon) if r.lon else None,
            "reference_places": int(r.staffed_beds_2020) if r.staffed_beds_2020 else None,
        }
        for _, r in _csv(DATA / "icu_units.csv").iterrows()
    ]
    db.session.execute(insert(IcuUnit), rows)
    return len(rows)
