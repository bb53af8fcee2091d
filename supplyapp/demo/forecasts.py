"""Demo forecasts: items per intensive-care patient-day, the EU's FFP2 call-offs still to come,
the base scenario with a run, and a scenario where the EU call-offs fail.

Items per covid intensive-care patient-day: Johns Hopkins' planning assumptions give about 20
gowns and 10 surgical masks, and a single-use rule of thumb of 35-40 respirators (FFP2 here);
the rest are the demo's own round figures (one apron and about two pairs of gloves per gown
change, a visor or goggles reused over a shift, FFP3 for aerosol-generating procedures only).
"""

from datetime import timedelta

from supplyapp import clock
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.queries import supply as supply_queries
from supplyapp.services import forecasts, forecasts_scenarios, procurement, reference

PER_ICU_PATIENT_DAY = {
    "ffp2": 35,
    "ffp3": 5,
    "mask_iir": 10,
    "gown": 20,
    "surgical_gown": 0,
    "apron": 20,
    "visor": 4,
    "goggles": 2,
    "exam_gloves": 40,
    "micro_gloves": 20,
    "hand_rub": 0.5,
}
# FFP2 call-offs due in the coming weeks (days from today, units): what the EU brings.
EU_FFP2_CALL_OFFS = ((10, 600_000), (17, 400_000), (24, 400_000))
EU_FAILS = "EU:s avrop uteblir"


def load_demo_forecasts() -> int:
    """The demo's scenarios and runs; does nothing when a scenario exists. Returns runs."""
    if forecast_queries.scenarios():
        return 0
    for code, per_day in PER_ICU_PATIENT_DAY.items():
        reference.save_record("items", {"per_icu_patient_day": per_day}, code)
    _eu_call_offs()
    forecasts.refresh_base()
    eu_fails = forecasts_scenarios.define_scenario(EU_FAILS, {"failed_channels": ["called_off"]})
    forecasts.run_scenario(eu_fails.id)
    return 2


def _eu_call_offs() -> None:
    today = clock.today()
    for contract in supply_queries.framework_contracts():
        share = next((s for s in contract.shares if s.item.code == "ffp2"), None)
        if share is None:
            continue
        for days, quantity in EU_FFP2_CALL_OFFS:
            if share.quantity - share.called_off_quantity >= quantity:
                procurement.call_off(share.id, quantity, today + timedelta(days=days))
        return
