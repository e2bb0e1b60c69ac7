from filmstudio.commands import AuditedCommand
from filmstudio.services import audit_log
from jobs import services


class Command(AuditedCommand):
    help = (
        "Run the sweeper now (beat runs it every few minutes): stages whose worker died or "
        "whose message never reached the broker are sent again; jobs stuck past their last "
        "requeue fail and are refunded. Recorded in the audit log as this command."
    )

    def handle(self, *args, dry_run: bool, **options):
        def sweep() -> dict:
            counts = services.jobs_sweep_stuck()
            audit_log(actor=None, action="jobs.requeue_stuck", changes={"swept": counts})
            return counts

        counts = self.run(sweep, dry_run=dry_run)
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
