"""The decision document of an approved plan: its facts, legal basis and exact inputs, on a
printable page and in an Excel workbook (sheets Beslut, Rader, Indata)."""

import io

import pandas as pd

from supplyapp.exports import neutralised
from supplyapp.formatting import date_time, number
from supplyapp.i18n import _
from supplyapp.i18n import lazy as _l
from supplyapp.models.planning import AllocationPlan
from supplyapp.queries import planning as planning_queries
from supplyapp.queries.planning import person
from supplyapp.web.planning import wording

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPRODUCE = "python -m allocation solve problem.json -o plan.json"

LEGAL_BASIS = [
    _l(
        "Redistribution (omfördelning) of material held by regions and municipalities: § 4 of "
        "förordningen (2020:126) om fördelning av sjukvårdsmaterial till följd av spridningen "
        "av sjukdomen covid-19."
    ),
    _l(
        "Distribution of the national stock: the agency's mandate under the same ordinance "
        "(SFS 2020:126) to distribute protective equipment and medical supplies to regions "
        "and municipalities."
    ),
]


def _yes(value) -> str:
    return _("Yes") if value else _("No")


def facts(plan: AllocationPlan) -> list[tuple[str, str]]:
    """The decision's header: what, by whom, when."""
    return [
        (_("Plan"), plan.code),
        (_("Status"), wording.label(wording.STATUS_LABELS, plan.status)),
        (_("Policy"), wording.label(wording.POLICY_LABELS, plan.policy_name)),
        (_("Proposed by"), f"{person(plan.proposed_by)}, {date_time(plan.proposed_at)}"),
        (_("Submitted by"), f"{person(plan.submitted_by)}, {date_time(plan.submitted_at)}"),
        (_("Approved by"), f"{person(plan.decided_by)}, {date_time(plan.decided_at)}"),
        (_("Decision comment"), plan.decision_comment or "–"),
    ]


def inputs(plan: AllocationPlan) -> list[tuple[str, str]]:
    """The exact inputs: enough to reproduce the model's plan."""
    s = plan.settings
    return [
        (_("Solver"), f"{plan.solver} {plan.solver_version}"),
        (_("Solve time (seconds)"), number(plan.solve_seconds, 3)),
        (_("Items chosen"), ", ".join(s.get("item_codes") or []) or _("all with open requests")),
        (_("Policy"), wording.label(wording.POLICY_LABELS, s.get("policy"))),
        (_("Donor floor (days)"), f"{s.get('donor_floor_days'):g}"),
        (_("Redistribution"), _yes(s.get("redistribute"))),
        (_("Whole packs"), _yes(s.get("whole_packs"))),
        (_("National reserve kept"), _yes(s.get("keep_reserve"))),
        (_("SHA-256 of the problem"), planning_queries.problem_sha256(plan)),
        (_("To reproduce"), REPRODUCE),
    ]


def _lines_frame(view: planning_queries.PlanView) -> pd.DataFrame:
    rows = [
        {
            _("Item"): r["item_code"],
            _("From"): r["origin_code"],
            _("From (name)"): r["origin"].name if r["origin"] else "",
            _("To"): r["recipient"].code,
            _("To (name)"): r["recipient"].name,
            _("County"): r["county"].name if r["county"] else "",
            _("Kind"): wording.label(wording.KIND_LABELS, r["kind"]),
            _("Requested"): r["requested"],
            _("Quantity"): r["quantity"],
            _("Model's proposal"): r["proposed"],
            _("Changed"): _yes(r["changed"]),
            _("Reason for the change"): r["change_reason"] or "",
            _("Changed by"): r["changed_by"] or "",
            _("Model's reason"): wording.reason_text(r["reason"]),
            _("Km"): r["km"],
        }
        for r in view.decision_lines()
    ]
    return pd.DataFrame(rows)


def workbook(plan: AllocationPlan, view: planning_queries.PlanView) -> bytes:
    head = [
        (_("Decision"), _("Decision on allocation")),
        *facts(plan),
        *[(_("Legal basis"), str(text)) for text in LEGAL_BASIS],
    ]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralised(pd.DataFrame(head, columns=[_("Fact"), _("Value")])).to_excel(
            writer, index=False, sheet_name="Beslut"
        )
        neutralised(_lines_frame(view)).to_excel(writer, index=False, sheet_name="Rader")
        neutralised(pd.DataFrame(inputs(plan), columns=[_("Input"), _("Value")])).to_excel(
            writer, index=False, sheet_name="Indata"
        )
    return buffer.getvalue()
