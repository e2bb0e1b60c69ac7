"""The base of every operator command (manage.py) that changes something: a `--dry-run`
option, and the command line bound as the origin of whatever it does, so each audit record
it leads to says "command" and which one."""

import getpass
import shlex
import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from . import context


class _Rollback(Exception):
    def __init__(self, result):
        self.result = result


def command_line(name: str, argv: list[str] | None = None) -> str:
    argv = sys.argv[2:] if argv is None and len(sys.argv) > 1 and sys.argv[1] == name else argv
    try:
        operator = getpass.getuser()
    except Exception:  # no login name in some containers
        operator = "?"
    return f"{name} {shlex.join(argv or [])}".strip() + f" (os user {operator})"


class AuditedCommand(BaseCommand):
    """Subclasses implement `handle(*args, dry_run: bool, **options)` and do their work
    through `self.run(action, dry_run=...)`."""

    dry_run_help = "Say what would change, change nothing."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
        return parser

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        with context.bound(
            source="command", command=command_line(name), request_id=context.new_request_id()
        ):
            return super().execute(*args, **options)

    def run(self, action, *, dry_run: bool):
        """`action()` in one transaction. A dry run does everything, reports what it did and
        rolls it all back: nothing is queued, mailed or recorded, since every side effect of
        the services waits for the commit (`transaction.on_commit`)."""
        try:
            with transaction.atomic():
                result = action()
                if dry_run:
                    raise _Rollback(result)
        except _Rollback as rehearsal:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
            return rehearsal.result
        return result
