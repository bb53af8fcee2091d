"""Building blocks for the forecast tests: known stock, an EU call-off, reports, ICU reports."""

from datetime import timedelta

import pytest

from supplyapp import audit, clock
from supplyapp.models.intensive_care import FIGURES, ReportChannel
from supplyapp.services import intensive_care as icu
from supplyapp.services import procurement, reference
from tests.planning_factories import reported
from tests.supply_factories import approved_lot


def icu_report(unit, days_ago=0, staffed=10, occupied=8, covid=4):
    with audit.acting_as("reporter.rut"):
        return icu.submit_report(
            icu.ReportInput(
                unit,
                {"adult_staffed": staffed, "adult_occupied": occupied, "adult_covid": covid},
                as_of=clock.utcnow() - timedelta(days=days_ago),
                confirmed=FIGURES,
            ),
            ReportChannel.FORM,
        )


def eu_call_off(quantity=3000, days=10, item="ffp2"):
    today = clock.today()
    contract = procurement.create_framework_contract(
        "EU-TEST",
        "Test contract",
        today - timedelta(days=30),
        today + timedelta(days=300),
        [{"item": item, "quantity": 100_000}],
    )
    return procurement.call_off(contract.shares[0].id, quantity, today + timedelta(days=days))


@pytest.fixture
def known_data(users):
    """FFP2: 1,000 at NL-ARN and 500 at NL-GBG; 3,000 called off from the EU, due in 10 days;
    Uppsala kommun holds 100 and uses 20 a day; Uppsala's central ICU has 10 staffed places,
    8 patients, 4 with covid-19, Danderyd (Stockholm) 20, 15 and 6; FFP2 35 per ICU patient-day."""
    with audit.acting_as("tester"):
        approved_lot(1000, "ffp2", "NL-ARN", lot="A")
        approved_lot(500, "ffp2", "NL-GBG", lot="B")
        call_off = eu_call_off()
        reference.save_record("items", {"per_icu_patient_day": 35}, "ffp2")
    reported("0380", "ffp2", stock=100, use=20)
    icu_report("UPPSALA-CIVA", staffed=10, occupied=8, covid=4)
    icu_report("DANDERYD-IVA", staffed=20, occupied=15, covid=6)
    return {"call_off": call_off}
