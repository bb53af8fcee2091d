"""One use case, one transaction: the only place that commits or rolls back.

Every service function that changes data is decorated with `@use_case`. It commits when the
function returns and rolls back on any exception, so a refusal never leaves half-made objects
in the session. A use case called from inside another joins the outer transaction: only the
outermost one commits, so composing use cases stays all or nothing.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from sqlalchemy.exc import IntegrityError

from supplyapp import audit
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.services.errors import Conflict

_DEPTH = "use_case_depth"


@contextmanager
def one_transaction(reason: str | None = None) -> Iterator[None]:
    """Run the block as one transaction; the reason goes on every audit row it writes."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        # An inner use case without a reason of its own keeps the outer one's.
        with audit.audit_reason(reason if reason is not None else audit.current_reason()):
            yield
            session.flush()
        if depth == 0:
            session.commit()
    except IntegrityError as error:
        if depth == 0:
            session.rollback()
        raise Conflict(_("Someone else saved at the same moment: try again.")) from error
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def use_case[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Decorator: the function is one use case in one transaction (see the module's text)."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with one_transaction():
            return function(*args, **kwargs)

    return run


def run_use_case[R](work: Callable[[], R], reason: str | None = None) -> R:
    """Run work() as one use case whose audit rows carry a reason known only at run time."""
    with one_transaction(reason):
        return work()


def discard() -> None:
    """Throw away whatever a failed request left in the session (error pages, API errors)."""
    db.session.rollback()
