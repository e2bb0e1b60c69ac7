"""The access-control matrix, generated from the OpenAPI schema (issue 9): every operation is
called as anonymous (401 unless the schema lets anyone call it), as a creator on another
creator's objects (404) and as a non-staff user on staff operations (403). An operation added
later is in the matrix without anyone writing a test for it; an object kind the matrix does
not know yet fails loudly until OWNED says which of the first creator's objects to use.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.models import Invitation
from jobs.models import Job, JobBatch
from media_library.models import Category, UploadSession, Video
from tests.factories import ProjectFactory, UserFactory
from youtube_integration.models import ChannelConnection, Upload

from .operations import operations

pytestmark = pytest.mark.django_db

# Operations whose callers prove themselves by other means than a login: a signed link, a
# Stripe signature, Google's OAuth redirect. (Their own tests cover those proofs.)
NOT_BY_LOGIN = {
    ("/api/v1/files/{token}", "get"),
    ("/api/v1/subscriptions/webhook", "post"),
    ("/api/v1/youtube/callback", "get"),
    # Cookie-authenticated (allauth's session); its own tests cover it.
    ("/api/v1/auth/social/token", "post"),
}
OPERATIONS = [op for op in operations() if (op.path, op.method) not in NOT_BY_LOGIN]


def _owned(owner) -> dict[str, object]:
    """The first creator's objects, by the path segments that name them. Each is private to
    them (a public video would rightly be readable by anyone)."""
    project = ProjectFactory(owner=owner)
    batch = JobBatch.objects.create(owner=owner)
    job = Job.objects.create(owner=owner, project=project, type="script_analysis", batch=batch)
    video = Video.objects.create(title="private", uploaded_by=owner, status=Video.Status.PENDING)
    session = UploadSession.objects.create(
        user=owner, length=10, quota_week=timezone.now().date(), metadata={"title": "t"}
    )
    channel = ChannelConnection.objects.create(owner=owner, channel_id="UC-first")
    upload = Upload.objects.create(owner=owner, connection=channel, channel_id="UC-first")
    invitation = Invitation.objects.create(expires_at=timezone.now() + dt.timedelta(days=1))
    return {
        # Staff operations' objects (a creator is refused before any lookup).
        "admin/users": owner.pk,
        "admin/jobs": job.pk,
        "admin/moderation": "project",  # {kind}
        "admin/moderation/{kind}": project.pk,  # {id}
        "users": owner.pk,  # a public list (their public videos): not an object to hide
        "invitations": invitation.pk,
        "categories": Category.objects.create(name="Drama", slug="drama").pk,
        "invitations/validate": invitation.token,  # public: the token is the secret
        # The first creator's own.
        "projects": project.pk,
        "jobs": job.pk,
        "jobs/batch": batch.pk,  # before "jobs": a batch's id is its own (a UUID)
        "videos": video.pk,
        "uploads": session.pk,
        "youtube/channels": channel.pk,
        "youtube/uploads": upload.pk,
        "youtube/playlists": "PL-first",
        "upload_id": upload.pk,  # the second parameter of a playlist's video
    }


# The first creator's private objects, by the key `_param_key` finds for a path parameter.
# (A playlist id is YouTube's: YouTube checks it against the caller's own channel.)
PRIVATE = {
    "projects",
    "jobs",
    "jobs/batch",
    "videos",
    "uploads",
    "youtube/channels",
    "youtube/uploads",
    "upload_id",
}


def _param_key(path: str, match: re.Match, owned: dict) -> str:
    """Which of `owned` a parameter names: by the path before it, its own name, or the
    path's first segment."""
    before = path[: match.start()].rstrip("/").removeprefix("/api/v1/")
    name = match.group(1)
    for key in (before, name, before.split("/")[0]):
        if key in owned:
            return key
    raise AssertionError(
        f"{path}: which of the first creator's objects is {{{name}}}? Add it to _owned()."
    )


def _on_private_object(path: str, owned: dict) -> bool:
    keys = [_param_key(path, match, owned) for match in re.finditer(r"\{([^}]+)\}", path)]
    return any(key in PRIVATE for key in keys)


def _url(path: str, owned: dict) -> str:
    """`path` with every parameter replaced by the first creator's object of that kind."""
    return re.sub(r"\{([^}]+)\}", lambda m: str(owned[_param_key(path, m, owned)]), path)


def _call(client, method: str, url: str):
    return getattr(client, method)(url, {}, format="json", HTTP_TUS_RESUMABLE="1.0.0")


def _mismatches(client, operations, expected: int, owned: dict) -> list[str]:
    wrong = []
    for op in operations:
        path, method = op.path, op.method
        response = _call(client, method, _url(path, owned))
        if response.status_code != expected:
            wrong.append(
                f"{method.upper()} {path}: {response.status_code} {response.content[:120]}"
            )
        elif method != "head":
            assert set(response.json()) >= {"detail", "code"}, (path, method)
    return wrong


@pytest.fixture
def first_creator():
    return UserFactory()


@pytest.fixture
def owned(first_creator):
    return _owned(first_creator)


def test_the_matrix_walks_every_operation_of_the_schema():
    # A guard against a generator that silently finds nothing.
    assert len(OPERATIONS) > 60
    assert any(op.path == "/api/v1/jobs/{id}" and op.method == "delete" for op in OPERATIONS)


def test_anonymous_callers_get_401_from_every_operation_that_needs_a_login(api_client, owned):
    needs_login = [op for op in OPERATIONS if not op.anyone_may_call]
    assert _mismatches(api_client, needs_login, 401, owned) == []


def test_a_creator_gets_404_for_every_operation_on_another_creators_objects(make_client, owned):
    on_objects = [
        op for op in OPERATIONS if _on_private_object(op.path, owned) and not op.staff_only
    ]
    assert len(on_objects) > 20
    assert _mismatches(make_client(UserFactory()), on_objects, 404, owned) == []


def test_a_creator_gets_403_from_every_staff_operation(make_client, owned):
    staff = [op for op in OPERATIONS if op.staff_only]
    assert len(staff) >= 8
    assert _mismatches(make_client(UserFactory()), staff, 403, owned) == []


def test_the_first_creator_reaches_their_own_objects(make_client, first_creator, owned):
    # The other side of the 404s: the same URLs are not simply broken.
    client = make_client(first_creator)
    paths = ["/api/v1/projects/{id}", "/api/v1/jobs/{id}", "/api/v1/videos/{id}"]
    for path in [*paths, "/api/v1/jobs/batch/{batch_id}"]:
        assert client.get(_url(path, owned)).status_code == 200, path
