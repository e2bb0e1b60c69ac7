"""Re-encrypt every stored YouTube token under the newest key of YOUTUBE_TOKEN_KEYS."""

from django.core.management.base import BaseCommand

from youtube_integration.services import tokens_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt stored YouTube tokens with the first YOUTUBE_TOKEN_KEYS key. Put the new "
        "key first, run this, then drop the old key."
    )

    def handle(self, *args, **options) -> None:
        rotated = tokens_rotate()
        self.stdout.write(f"Re-encrypted the tokens of {rotated} connection(s).")
