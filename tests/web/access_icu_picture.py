"""The intensive-care picture's rows of the access matrix (tests/web/test_access.py's format).

Every signed-in role sees the national and regional picture; a unit's page and history follow
permissions.can_see_unit: national roles all, the county board its county's (Uppsala), the
region's users its units (a private unit too: Region Stockholm's users report for S:t Göran),
the ICU reporter its own (Danderyd). The rows name units by code, so they need no records.
"""

from tests.conftest import USERS

NATIONAL = {"admin", "officer", "officer2", "logistics", "viewer"}
SEES_UNITS = NATIONAL | {"coordinator"}  # the national ICU coordinator sees every unit
EVERYONE = set(USERS)

ICU_PICTURE_ROUTES = [
    ("GET", "/icu/picture/", "intensive_care.picture", EVERYONE),
    ("GET", "/icu/picture/export.xlsx", "intensive_care.picture_export", EVERYONE),
    ("GET", "/icu/picture/export.csv", "intensive_care.picture_export", EVERYONE),
    ("GET", "/icu/picture/regions/01", "intensive_care.picture_region", EVERYONE),
    ("GET", "/icu/picture/regions/03", "intensive_care.picture_region", EVERYONE),
    (
        "GET",
        "/icu/picture/units/DANDERYD-IVA",
        "intensive_care.picture_unit",
        SEES_UNITS | {"region", "icu"},
    ),
    (
        "GET",
        "/icu/picture/units/STGORAN-IVA",
        "intensive_care.picture_unit",
        SEES_UNITS | {"region"},
    ),
    (
        "GET",
        "/icu/picture/units/UPPSALA-CIVA",
        "intensive_care.picture_unit",
        SEES_UNITS | {"county"},
    ),
    (
        "GET",
        "/icu/picture/units/DANDERYD-IVA/history.csv",
        "intensive_care.picture_unit_export",
        SEES_UNITS | {"region", "icu"},
    ),
]

ICU_PICTURE_API_ROUTES = [
    ("GET", "/api/v1/icu/picture", "api.get_icu_picture", EVERYONE),
    ("GET", "/api/v1/icu/regions/01", "api.get_icu_region", EVERYONE),
    (
        "GET",
        "/api/v1/icu/units/DANDERYD-IVA/reports",
        "api.get_icu_unit_reports",
        SEES_UNITS | {"region", "icu"},
    ),
    (
        "GET",
        "/api/v1/icu/units/UPPSALA-CIVA/reports",
        "api.get_icu_unit_reports",
        SEES_UNITS | {"county"},
    ),
]
