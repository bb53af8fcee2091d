"""The data-quality rules of an intensive-care report, as DIVI mandates them for hospital
systems (see shared/docs/intensive-care.md): what cannot be is refused with the field named;
a jump against the unit's previous report is a warning to confirm, not a refusal.

Pure: figures in, messages out. The service applies them; forms, uploads and the API get the
same answers.
"""

from supplyapp.i18n import _
from supplyapp.models.intensive_care import AGE_GROUPS, FIGURES, Assessment

MOST = 300  # no unit has more places than this; a larger figure is a typing error


def refusals(
    figures: dict[str, int | None],
    has_ecmo: bool,
    assessment: Assessment | None = None,
    limits: tuple[str, ...] = (),
) -> dict[str, str]:
    """field -> why the figure cannot be; empty when the report may be stored."""
    errors: dict[str, str] = {}
    for name in FIGURES:
        value = figures.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MOST
        ):
            errors[name] = _("A whole number from 0 to %(most)s, or empty if not known.", most=MOST)
    if errors:
        return errors
    for group in AGE_GROUPS:
        _group_refusals(figures, group, errors)
    _ecmo_refusals(figures, has_ecmo, errors)
    if assessment in (Assessment.LIMITED, Assessment.FULL) and not limits:
        errors["limits"] = _("Say what limits the unit.")
    return errors


def _group_refusals(figures: dict, group: str, errors: dict[str, str]) -> None:
    def get(name: str) -> int | None:
        return figures.get(f"{group}_{name}")

    staffed, occupied = get("staffed"), get("occupied")
    if staffed is not None and occupied is not None and occupied > staffed * 1.5:
        errors[f"{group}_occupied"] = _(
            "More than one and a half times the staffed places (%(staffed)s): check the figure.",
            staffed=staffed,
        )
    if staffed is not None and (get("staffed_ventilator") or 0) > staffed:
        errors[f"{group}_staffed_ventilator"] = _("More than the staffed places.")
    if occupied is None:
        return
    for name in ("covid", "invasive", "noninvasive"):
        if (get(name) or 0) > occupied:
            errors[f"{group}_{name}"] = _("More than the occupied places (%(n)s).", n=occupied)
    if (get("invasive") or 0) + (get("noninvasive") or 0) > occupied:
        errors.setdefault(
            f"{group}_noninvasive",
            _("Ventilated (invasive and non-invasive) add up to more than the occupied places."),
        )


def _ecmo_refusals(figures: dict, has_ecmo: bool, errors: dict[str, str]) -> None:
    places, occupied = figures.get("ecmo_places"), figures.get("ecmo_occupied")
    if not has_ecmo:
        for name in ("ecmo_places", "ecmo_occupied"):
            if figures.get(name) is not None:
                errors[name] = _("This unit gives no ECMO: leave the ECMO figures empty.")
        return
    if places is not None and occupied is not None and occupied > places:
        errors["ecmo_occupied"] = _("More than the ECMO places (%(n)s).", n=places)
    patients = sum(figures.get(f"{g}_occupied") or 0 for g in AGE_GROUPS)
    if occupied is not None and occupied > patients:
        errors["ecmo_occupied"] = _("More ECMO patients than patients in the unit.")


def jumps(figures: dict[str, int | None], previous: dict[str, int | None]) -> dict[str, str]:
    """field -> a warning where the figure jumps against the previous report."""
    warnings = {}
    for name in FIGURES:
        new, old = figures.get(name), previous.get(name)
        if new is not None and old is not None and is_jump(old, new):
            warnings[name] = _(
                "%(old)s in the previous report, %(new)s now: confirm that this is right.",
                old=old,
                new=new,
            )
    return warnings


def is_jump(old: int, new: int) -> bool:
    """DIVI's thresholds: 0-9 a change of more than 7; 10-19 a doubling or a fall to a quarter;
    20 and more a doubling or a halving."""
    if old < 10:
        return abs(new - old) > 7
    if old < 20:
        return new >= 2 * old or new <= old / 4
    return new >= 2 * old or new <= old / 2
