from django.core.management.base import BaseCommand, CommandError

from billing import services
from filmstudio.errors import DomainError


class Command(BaseCommand):
    help = (
        "Tie the plans and credit packs to their Stripe Prices (a price's or product's metadata: "
        "filmstudio=plan|pack, code=<code>, credits=<n>), taking price, currency and interval "
        "from Stripe; unlink rows whose price is no longer active. --create-missing creates a "
        "Stripe Product and Price for every paid plan and pack that has none."
    )

    def add_arguments(self, parser):
        parser.add_argument("--create-missing", action="store_true")

    def handle(self, *args, create_missing: bool, **options):
        try:
            report = services.catalogue_sync(create_missing=create_missing)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from error
        for title, lines in [
            ("Linked", report.linked),
            ("Created at Stripe", report.created),
            ("Unlinked (price no longer active)", report.unlinked),
            ("Skipped", report.skipped),
        ]:
            for line in lines:
                self.stdout.write(f"{title}: {line}")
        self.stdout.write(
            f"{len(report.linked)} linked, {len(report.created)} created, "
            f"{len(report.unlinked)} unlinked, {len(report.skipped)} skipped."
        )
