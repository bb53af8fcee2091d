"""Read-only queries for county coordination (§ 3 a): the county, its board and members, the
board's sharings and combined requests."""

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import County, Organisation, OrganisationKind
from supplyapp.models.demand import CountyRequest, CountySharing
from supplyapp.permissions import REQUESTING_KINDS


def county_and_board(code: str) -> tuple[County, Organisation] | None:
    """The county and its county administrative board; None if either is missing."""
    county = db.session.get(County, code)
    if county is None:
        return None
    board = db.session.scalar(
        select(Organisation).where(
            Organisation.county_code == code, Organisation.kind == OrganisationKind.COUNTY_BOARD
        )
    )
    return (county, board) if board is not None else None


def members(code: str) -> list[Organisation]:
    """The county's active regions, municipalities and care providers, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.county_code == code,
                Organisation.kind.in_(REQUESTING_KINDS),
                Organisation.active.is_(True),
            )
            .order_by(Organisation.name)
        )
    )


def sharings(board_id: int, limit: int = 50) -> list[CountySharing]:
    return list(
        db.session.scalars(
            select(CountySharing)
            .where(CountySharing.county_board_id == board_id)
            .order_by(CountySharing.id.desc())
            .limit(limit)
        )
    )


def combined_requests(board_id: int, limit: int = 20) -> list[CountyRequest]:
    return list(
        db.session.scalars(
            select(CountyRequest)
            .where(CountyRequest.county_board_id == board_id)
            .order_by(CountyRequest.id.desc())
            .limit(limit)
        )
    )
