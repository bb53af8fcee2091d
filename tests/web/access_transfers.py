"""The transfer area's rows of the access matrix (spliced into test_access.py's ROUTES and
API_ROUTES). Records from transfer_route_records: a request of Danderyd IVA (Region Stockholm)
whose six patients were proposed; {placement} is sent to Uppsala CIVA and waits for its answer;
{booking} is an ambulance aircraft booked for an accepted placement to Linköping; {nordic} a
Nordic request. No patient is open, so running the model finds nothing to propose. The rows post
empty forms: each is refused or changes nothing that another row depends on."""

from tests.web.test_access import FORM_AGAIN, INVALID, NATIONAL, to

COORDINATORS = {"officer", "officer2", "coordinator"}
DANDERYD = {"admin", "region", "icu"}
READERS = {"admin", "officer", "officer2", "viewer", "coordinator", "requester", "region", "icu"}
MEASURES = {"admin", "officer", "officer2", "viewer", "coordinator"}
TRANSPORT = to("/transfers/transport")
NORDIC = to("/transfers/nordic")

TRANSFER_ROUTES = [
    ("GET", "/transfers/", "transfers.index", READERS),
    ("GET", "/transfers/units/DANDERYD-IVA/new", "transfers.request_new", DANDERYD),
    # No level chosen in the rows: the form again.
    ("POST", "/transfers/units/DANDERYD-IVA/new", "transfers.request_new", DANDERYD, FORM_AGAIN),
    ("GET", "/transfers/units/UPPSALA-CIVA/new", "transfers.request_new", {"admin"}),
    (
        "GET",
        "/transfers/requests/{transfer_request}",
        "transfers.request_detail",
        (NATIONAL - {"logistics"}) | {"coordinator", "region", "icu"},
    ),
    # No status chosen: refused, back on the request.
    (
        "POST",
        "/transfers/patients/{transfer_patient}/stop",
        "transfers.patient_stop",
        DANDERYD,
        to("/transfers/requests/{transfer_request}"),
    ),
    ("GET", "/transfers/units/DANDERYD-IVA/incoming", "transfers.incoming", DANDERYD),
    ("GET", "/transfers/units/UPPSALA-CIVA/incoming", "transfers.incoming", {"admin"}),
    # Neither accept nor decline: back on the receiving unit's page, nothing answered.
    (
        "POST",
        "/transfers/placements/{placement}/answer",
        "transfers.placement_answer",
        {"admin"},
        to("/transfers/units/UPPSALA-CIVA/incoming"),
    ),
    ("GET", "/transfers/measures", "transfers.measures", MEASURES),
    ("GET", "/transfers/coordination", "transfers.coordination", COORDINATORS),
    # No patient is open: nothing to propose, back on the coordination page.
    (
        "POST",
        "/transfers/proposals",
        "transfers.proposal_run",
        COORDINATORS,
        to("/transfers/coordination"),
    ),
    ("GET", "/transfers/proposals/{proposal_run}", "transfers.proposal_detail", COORDINATORS),
    # No reason given: the proposal again with the refusal beside the line.
    (
        "POST",
        "/transfers/proposals/{proposal_run}/patients/{transfer_patient}",
        "transfers.proposal_change",
        COORDINATORS,
        INVALID,
    ),
    # The placement was sent already: it cannot be taken out.
    (
        "POST",
        "/transfers/placements/{placement}/remove",
        "transfers.placement_remove",
        COORDINATORS,
        INVALID,
    ),
    # Everything was sent already.
    (
        "POST",
        "/transfers/proposals/{proposal_run}/send",
        "transfers.proposal_send",
        COORDINATORS,
        to("/transfers/proposals/{proposal_run}"),
    ),
    ("GET", "/transfers/transport", "transfers.transport_list", COORDINATORS),
    # No resource chosen: refused, back on the transport page.
    (
        "POST",
        "/transfers/placements/{placement}/book",
        "transfers.placement_book",
        COORDINATORS,
        TRANSPORT,
    ),
    # No reason: the transport stays booked.
    (
        "POST",
        "/transfers/bookings/{booking}/cancel",
        "transfers.booking_cancel",
        COORDINATORS,
        TRANSPORT,
    ),
    # The first records the departure, the next are told it has left already.
    (
        "POST",
        "/transfers/bookings/{booking}/depart",
        "transfers.booking_step",
        COORDINATORS,
        TRANSPORT,
    ),
    (
        "POST",
        "/transfers/transport/IVA-AMB-STH-2/state",
        "transfers.resource_state",
        COORDINATORS,
        TRANSPORT,
    ),
    ("GET", "/transfers/transport/new", "transfers.resource_new", COORDINATORS),
    ("POST", "/transfers/transport/new", "transfers.resource_new", COORDINATORS, FORM_AGAIN),
    ("GET", "/transfers/nordic", "transfers.nordic_list", COORDINATORS),
    # No candidate: nothing prepared.
    ("POST", "/transfers/nordic", "transfers.nordic_prepare", COORDINATORS, NORDIC),
    # No country, no patient: refused.
    ("POST", "/transfers/nordic/{nordic}/offers", "transfers.nordic_offer", COORDINATORS, NORDIC),
    ("POST", "/transfers/nordic/{nordic}/sent", "transfers.nordic_sent", COORDINATORS, NORDIC),
]

TRANSFER_API_ROUTES = [
    # An empty body names no unit and no patient: refused. A county board's token may not ask.
    (
        "POST",
        "/api/v1/transfer-requests",
        "api.post_transfer_request",
        {"admin", "requester", "region", "icu"},
        INVALID,
    ),
    (
        "GET",
        "/api/v1/transfer-requests/{transfer_request}",
        "api.get_transfer_request",
        NATIONAL | {"coordinator", "region", "icu"},
    ),
]
