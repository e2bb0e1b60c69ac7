from django.utils.dateparse import parse_datetime

from filmstudio.commands import AuditedCommand
from jobs import selectors, services


class Command(AuditedCommand):
    help = (
        "Retry failed jobs chosen by error code, type and failure time, on their owners' "
        "behalf (each is charged again, once). At most --limit jobs per run (default and "
        "maximum 100). Each retry is recorded in the audit log as this command."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", help="only jobs that failed with this error code")
        parser.add_argument("--type", help="only jobs of this type")
        parser.add_argument("--stage", help="only jobs that failed in this stage")
        parser.add_argument("--since", help="only jobs that failed at or after (ISO 8601)")
        parser.add_argument("--limit", type=int, default=services.RETRY_BATCH_MAX)
        parser.add_argument("--reason", default="", help="why (kept in the audit log)")

    def handle(self, *args, dry_run: bool, limit: int, reason: str, **options):
        filters = {name: options[name] for name in ("code", "type", "stage") if options[name]}
        if options["since"]:
            filters["since"] = parse_datetime(options["since"])
        limit = max(1, min(limit, services.RETRY_BATCH_MAX))
        ids = list(selectors.failed_jobs(filters=filters).values_list("id", flat=True)[:limit])
        result = self.run(
            lambda: services.jobs_retry_failed(job_ids=ids, by=None, reason=reason),
            dry_run=dry_run,
        )
        self.stdout.write(f"Retried {len(result['retried'])} job(s): {result['retried']}")
        for refusal in result["refused"]:
            self.stdout.write(
                f"  job {refusal['id']} refused: {refusal['code']} {refusal['detail']}"
            )
