"""The demo's transport register and an open transfer request, so the coordinator can run the
proposal at once: Svenskt Ambulansflyg's six aircraft (Umeå, Stockholm, Göteborg), ambulance
helicopters, and intensive-care ambulances in the big regions; Region Stockholm, at 99 %, asks
for six patients to be moved from Karolinska Solna IVA. Safe to run again."""

from supplyapp import audit
from supplyapp.queries import transfers as queries
from supplyapp.services import transfers, transfers_transport

AIRCRAFT = 400, 2000, 2  # km/h, range, patients per trip
HELICOPTER = 250, 300, 1
ROAD = 70, 400, 1
RESOURCES = [
    # code, name, kind, operator, base, lat, lon, (speed, range, per trip)
    (
        "SA-UME-1",
        "Ambulansflyg Umeå 1",
        "aircraft",
        "Svenskt Ambulansflyg",
        "Umeå",
        63.79,
        20.28,
        AIRCRAFT,
    ),
    (
        "SA-UME-2",
        "Ambulansflyg Umeå 2",
        "aircraft",
        "Svenskt Ambulansflyg",
        "Umeå",
        63.79,
        20.28,
        AIRCRAFT,
    ),
    (
        "SA-ARN-1",
        "Ambulansflyg Stockholm 1",
        "aircraft",
        "Svenskt Ambulansflyg",
        "Stockholm Arlanda",
        59.65,
        17.92,
        AIRCRAFT,
    ),
    (
        "SA-ARN-2",
        "Ambulansflyg Stockholm 2",
        "aircraft",
        "Svenskt Ambulansflyg",
        "Stockholm Arlanda",
        59.65,
        17.92,
        AIRCRAFT,
    ),
    (
        "SA-GOT-1",
        "Ambulansflyg Göteborg 1",
        "aircraft",
        "Svenskt Ambulansflyg",
        "Göteborg Landvetter",
        57.67,
        12.29,
        AIRCRAFT,
    ),
    (
        "SA-GOT-2",
        "Ambulansflyg Göteborg 2",
        "aircraft",
        "Svenskt Ambulansflyg",
        "Göteborg Landvetter",
        57.67,
        12.29,
        AIRCRAFT,
    ),
    (
        "HKP-STH",
        "Ambulanshelikopter Stockholm",
        "helicopter",
        "Region Stockholm",
        "Norrtälje",
        59.76,
        18.70,
        HELICOPTER,
    ),
    (
        "HKP-GOT",
        "Ambulanshelikopter Göteborg",
        "helicopter",
        "Svensk Luftambulans",
        "Säve",
        57.78,
        11.87,
        HELICOPTER,
    ),
    (
        "HKP-SJO-1",
        "Sjöräddningshelikopter Ronneby",
        "helicopter",
        "Sjöfartsverket",
        "Ronneby",
        56.27,
        15.26,
        HELICOPTER,
    ),
    (
        "IVA-AMB-STH-1",
        "IVA-ambulans Stockholm 1",
        "road",
        "Region Stockholm",
        "Solna",
        59.35,
        18.03,
        ROAD,
    ),
    (
        "IVA-AMB-STH-2",
        "IVA-ambulans Stockholm 2",
        "road",
        "Region Stockholm",
        "Huddinge",
        59.22,
        17.94,
        ROAD,
    ),
    (
        "IVA-AMB-GOT-1",
        "IVA-ambulans Göteborg",
        "road",
        "Västra Götalandsregionen",
        "Göteborg",
        57.68,
        11.96,
        ROAD,
    ),
    ("IVA-AMB-SKA-1", "IVA-ambulans Skåne", "road", "Region Skåne", "Lund", 55.71, 13.20, ROAD),
]
CASES = [
    ("KS-2020-1201", "invasive"),
    ("KS-2020-1202", "invasive"),
    ("KS-2020-1203", "invasive"),
    ("KS-2020-1204", "niv"),
    ("KS-2020-1205", "invasive"),
    ("KS-2020-1206", "ecmo"),
]


def load_demo_transfers() -> int:
    """The transport register and one open request; returns the resources registered."""
    with audit.acting_as("system:demo"):
        for code, name, kind, operator, base, lat, lon, (speed, reach, per_trip) in RESOURCES:
            if queries.resource_by_code(code) is None:
                transfers_transport.save_resource(
                    {
                        "code": code,
                        "name": name,
                        "kind": kind,
                        "operator": operator,
                        "base": base,
                        "lat": lat,
                        "lon": lon,
                        "patients_per_trip": per_trip,
                        "speed_kmh": speed,
                        "range_km": reach,
                    }
                )
    if queries.patient_by_case(CASES[0][0]) is None:
        with audit.acting_as("region.stockholm"):
            transfers.file_request(
                "K-SOLNA-IVA",
                [
                    transfers.PatientInput(case, level, "adult", True, True, "today")
                    for case, level in CASES
                ],
                "Full IVA, sex patienter behöver flyttas i dag.",
            )
    return len(queries.resources())
