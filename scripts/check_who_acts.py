"""Who acts is said once, at the edge, in the audit context (`audit.set_actor`/`acting_as`);
services read it with `audit.current_actor_name()`. Fail if a function in supplyapp/services/
takes it again as a parameter (`by`, or a name ending in `_by`)."""

import ast
import sys
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "supplyapp" / "services"
# Names that end in _by but say when, not who: a shortage request's goods are needed by a date.
NOT_WHO = {"needed_by"}


def who_acts_parameters(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is None or arg.arg in NOT_WHO:
                    continue
                if arg.arg == "by" or arg.arg.endswith("_by"):
                    yield node.lineno, getattr(node, "name", "<lambda>"), arg.arg


def main() -> int:
    found = [
        f"{path.relative_to(SERVICES.parent.parent)}:{line}: {name}({param})"
        for path in sorted(SERVICES.rglob("*.py"))
        for line, name, param in who_acts_parameters(path)
    ]
    for row in found:
        print(row)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
