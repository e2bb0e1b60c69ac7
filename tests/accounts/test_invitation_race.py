import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from accounts.errors import InvitationUsed
from accounts.models import Invitation
from accounts.services import user_register
from filmstudio.models import SiteConfig

User = get_user_model()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_registrations_cannot_share_one_invitation():
    SiteConfig.objects.update_or_create(
        id=1, defaults={"registration_mode": SiteConfig.RegistrationMode.INVITATION_ONLY}
    )
    invitation = Invitation.objects.create(expires_at=timezone.now() + timedelta(days=1))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(email: str) -> None:
        try:
            barrier.wait()
            user_register(
                email=email,
                password="a-long-unguessable-pass-42",
                invitation_token=invitation.token,
            )
            outcomes.append("ok")
        except InvitationUsed:
            outcomes.append("used")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"racer{i}@example.com",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Both may pass the early check; the conditional update lets exactly one claim it, and the
    # loser's user row is rolled back with it.
    assert sorted(outcomes) == ["ok", "used"]
    assert User.objects.filter(email__startswith="racer").count() == 1
    invitation.refresh_from_db()
    assert invitation.used_by.email.startswith("racer")
