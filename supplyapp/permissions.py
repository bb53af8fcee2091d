"""Who may do what: role guards for views and the organisation scope of bound users."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import false, or_

from supplyapp.models import Organisation, OrganisationKind, Role, User
from supplyapp.models.intensive_care import IcuUnit

NATIONAL_ROLES = (Role.ADMIN, Role.LOGISTICS, Role.OFFICER, Role.VIEWER)
ALL_ROLES = tuple(Role)


def roles_required(*roles: Role):
    """Signed in, and with one of these roles; 403 otherwise."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def can_see_organisation(user: User, organisation: Organisation) -> bool:
    """National roles see all; a requester its own; a county board its county's."""
    if user.role in NATIONAL_ROLES:
        return True
    if user.organisation is None:
        return False
    if user.role == Role.REQUESTER:
        return organisation.id == user.organisation_id
    if user.role == Role.COUNTY:
        return organisation.county_code == user.organisation.county_code
    return False


def can_see_county(user: User, county_code: str) -> bool:
    """National roles see every county; a county board only its own."""
    if user.role in NATIONAL_ROLES:
        return True
    if user.role == Role.COUNTY and user.organisation is not None:
        return user.organisation.county_code == county_code
    return False


def may_keep_tokens_of(user: User, organisation: Organisation) -> bool:
    """API tokens for an organisation's systems: its own users issue them (an admin any)."""
    return user.role == Role.ADMIN or user.organisation_id == organisation.id


def can_report_for_unit(user: User, unit: IcuUnit) -> bool:
    """An ICU reporter for its unit; a region's users for its units; a private provider's users
    for its own; admins for any."""
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.ICU_REPORTER:
        return user.icu_unit_id == unit.id
    if user.role == Role.REQUESTER and user.organisation_id is not None:
        return user.organisation_id in (unit.region_id, unit.provider_id)
    return False


def can_see_unit(user: User, unit: IcuUnit) -> bool:
    """National roles (and the national ICU coordinator) see every unit; a county board its
    county's; the others the units they report for."""
    if user.role in NATIONAL_ROLES or user.role == Role.ICU_COORDINATOR:
        return True
    if user.role == Role.COUNTY and user.organisation is not None:
        return unit.region.county_code == user.organisation.county_code
    return can_report_for_unit(user, unit)


def reported_units_filter(user: User):
    """A SQL condition: the units this ICU reporter, or this region's or provider's user, reports
    for (an admin may report for any, but is no unit's reporter)."""
    if user.role == Role.ICU_REPORTER:
        return IcuUnit.id == user.icu_unit_id
    if user.role == Role.REQUESTER and user.organisation_id is not None:
        return or_(
            IcuUnit.region_id == user.organisation_id, IcuUnit.provider_id == user.organisation_id
        )
    return false()


def visible_organisations_filter(user: User):
    """A SQL condition limiting organisations to those the user may see."""
    if user.role in NATIONAL_ROLES:
        return True
    if user.organisation is None:
        return False
    if user.role == Role.COUNTY:
        return Organisation.county_code == user.organisation.county_code
    return Organisation.id == user.organisation_id


def require_organisation_access(organisation: Organisation) -> None:
    if not can_see_organisation(current_user, organisation):
        abort(403)


def is_bound(role: Role) -> bool:
    return role in (Role.REQUESTER, Role.COUNTY, Role.ICU_REPORTER)


REQUESTING_KINDS = (
    OrganisationKind.REGION,
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.CARE_PROVIDER,
)


def can_report_for_region(user: User, region: Organisation) -> bool:
    """The region's own users (requesters) and admins report for all its units at once."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.REQUESTER and user.organisation_id == region.id


def can_set_crisis_level(user: User, region: Organisation) -> bool:
    """A region's crisis level is set by its own users (requesters) and by admins."""
    return can_report_for_region(user, region)
