"""The database models, one module per part of the domain."""

from supplyapp.models.audit import AuditEvent
from supplyapp.models.catalog import Item, Supplier
from supplyapp.models.demand import ShortageRequest  # noqa: F401  (registers tables)
from supplyapp.models.forecasts import ForecastRun, Scenario
from supplyapp.models.icu_picture import IcuRegionDay  # noqa: F401  (registers tables)
from supplyapp.models.intensive_care import IcuReport, IcuUnit, RegionCrisisLevel
from supplyapp.models.places import County, Organisation, OrganisationKind, Warehouse
from supplyapp.models.planning import AllocationPlan  # noqa: F401  (registers tables)
from supplyapp.models.procurement import PurchaseOrder  # noqa: F401  (registers tables)
from supplyapp.models.stock import StockMovement  # noqa: F401  (registers tables)
from supplyapp.models.tokens import ApiToken
from supplyapp.models.transfers import TransferRequest  # noqa: F401  (registers tables)
from supplyapp.models.users import LoginFailure, Role, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "County",
    "ForecastRun",
    "IcuReport",
    "IcuUnit",
    "RegionCrisisLevel",
    "Item",
    "LoginFailure",
    "Organisation",
    "OrganisationKind",
    "Role",
    "Scenario",
    "Supplier",
    "User",
    "Warehouse",
]
