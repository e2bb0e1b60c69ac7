"""The moderation queue: projects moderation held and videos users reported, decided by
staff; the owner is emailed either way and every decision is audited."""

import pytest
from django.core import mail

from filmstudio.models import AuditEntry
from media_library.models import Video, VideoReport
from projects.models import Project
from projects.services import project_flag_for_review
from tests.factories import ProjectFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

FLAGS = {
    "flagged": True,
    "provider": "local",
    "categories": {"violence": 0.91},
    "offending": ["He raises the knife."],
}


@pytest.fixture
def staff_client(make_client):
    return make_client(StaffFactory())


@pytest.fixture
def held(db):
    project = ProjectFactory()
    project_flag_for_review(project=project, flags=FLAGS)
    return project


@pytest.fixture
def video(db):
    return Video.objects.create(
        title="Harbour", uploaded_by=UserFactory(), status=Video.Status.COMPLETED
    )


def test_a_user_reports_a_video_once_and_not_their_own(make_client, video):
    reporter = make_client(UserFactory())
    url = f"/api/v1/videos/{video.pk}/report"
    assert reporter.post(url, {"reason": "stolen"}, format="json").status_code == 201
    assert reporter.post(url, {"reason": "again"}, format="json").status_code == 200
    assert VideoReport.objects.filter(video=video).count() == 1
    own = make_client(video.uploaded_by).post(url, {"reason": "x"}, format="json")
    assert own.status_code == 400 and own.json()["code"] == "cannot_report_own_video"
    assert reporter.post("/api/v1/videos/999999/report", {"reason": "x"}).status_code == 404


def test_the_queue_holds_flagged_projects_and_reported_videos(staff_client, held, video):
    VideoReport.objects.create(video=video, reporter=UserFactory(), reason="stolen")

    response = staff_client.get("/api/v1/admin/moderation")

    assert response.status_code == 200
    items = {(item["kind"], item["id"]): item for item in response.json()["results"]}
    project_item = items[("project", held.pk)]
    assert project_item["categories"] == {"violence": 0.91}
    assert project_item["excerpts"] == ["He raises the knife."]
    assert [r["reason"] for r in items[("video", video.pk)]["reports"]] == ["stolen"]


def test_rejecting_a_project_needs_a_reason_emails_the_owner_and_is_audited(
    staff_client, held, django_capture_on_commit_callbacks
):
    url = f"/api/v1/admin/moderation/project/{held.pk}"
    assert staff_client.post(url, {"decision": "reject"}, format="json").status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"decision": "reject", "reason": "graphic violence"}, format="json"
        )

    assert response.status_code == 204
    held.refresh_from_db()
    assert held.moderation_status == Project.ModerationStatus.REJECTED
    assert [m.to for m in mail.outbox] == [[held.owner.email]]
    assert "graphic violence" in mail.outbox[0].body
    record = AuditEntry.objects.get(action="moderation.reject")
    assert record.changes["moderation_status"]["after"] == "rejected"
    assert staff_client.get("/api/v1/admin/moderation").json()["count"] == 0


def test_approving_a_project_lets_its_owner_retry(
    staff_client, held, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/api/v1/admin/moderation/project/{held.pk}", {"decision": "approve"}, format="json"
        )
    assert response.status_code == 204
    held.refresh_from_db()
    assert held.moderation_status == Project.ModerationStatus.APPROVED
    assert "retry" in mail.outbox[0].body


def test_upholding_a_report_unpublishes_the_video_for_everyone_but_its_uploader(
    staff_client, api_client, make_client, video, django_capture_on_commit_callbacks
):
    VideoReport.objects.create(video=video, reporter=UserFactory(), reason="stolen")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/api/v1/admin/moderation/video/{video.pk}",
            {"decision": "reject", "reason": "copyright"},
            format="json",
        )

    assert response.status_code == 204
    assert api_client.get(f"/api/v1/videos/{video.pk}").status_code == 404
    assert make_client(video.uploaded_by).get(f"/api/v1/videos/{video.pk}").status_code == 200
    assert VideoReport.objects.get().status == VideoReport.Status.UPHELD
    assert mail.outbox[0].to == [video.uploaded_by.email]
    assert (
        staff_client.post(
            "/api/v1/admin/moderation/video/999999", {"decision": "approve"}, format="json"
        ).status_code
        == 404
    )
    assert (
        staff_client.post(
            "/api/v1/admin/moderation/song/1", {"decision": "approve"}, format="json"
        ).status_code
        == 404
    )
