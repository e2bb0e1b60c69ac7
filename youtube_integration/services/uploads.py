"""What a publication request resolves to: whose film (or library video) goes to which of the
user's channels, with which thumbnail, captions and playlist. Every refusal happens here,
before a job exists: another user's channel, job, project or video is a 404; a film that is
not completed, a project held for moderation, a channel that needs a reconnect and a missing
permission are 409s."""

from django.db import transaction
from django.db.models import Q

from filmstudio.errors import Conflict, NotFound
from jobs.models import JobStatus, JobType
from jobs.selectors import job_get_for_user
from jobs.services import job_create
from jobs.stages import FILM_TYPES
from media_library.models import Video
from media_library.selectors import videos_visible_to
from projects.models import Asset, Project
from projects.selectors import film_asset, project_assets, project_get_for_user

from .. import google_api
from ..errors import ReconnectRequired, ScopeMissing
from ..models import ChannelConnection, Upload
from ..selectors import connection_get_for_user
from .channel import channel_session
from .playlists import playlist_check_owned

HELD = {Project.ModerationStatus.PENDING_REVIEW, Project.ModerationStatus.REJECTED}


class FilmNotCompleted(Conflict):
    code = "film_not_completed"
    default_detail = "Only a completed film can be published."


class ProjectHeld(Conflict):
    code = "project_held"
    default_detail = "The project is held for moderation; it can be published once approved."


class NothingToAttach(Conflict):
    code = "nothing_to_attach"


def _latest(project: Project, kind: str, *, suffix: str = "") -> Asset | None:
    assets = project_assets(project=project).filter(kind=kind)
    if suffix:
        assets = assets.filter(Q(file__iendswith=suffix))
    return assets.order_by("-created_at", "-id").first()


def _film_of_job(*, user, job_id) -> tuple[Project, dict]:
    job = job_get_for_user(user=user, job_id=job_id)
    assets = (job.result or {}).get("assets") or {}
    if job.type not in FILM_TYPES or job.status != JobStatus.COMPLETED or not assets.get("film"):
        raise FilmNotCompleted(f"Job {job.pk} did not finish a film (it is {job.status}).")
    return job.project, assets


def _film_of_project(*, user, project_id) -> tuple[Project, dict]:
    project = project_get_for_user(user=user, project_id=project_id)
    film = film_asset(project_id=project.pk)
    if project.status != Project.Status.COMPLETED or film is None:
        raise FilmNotCompleted(f"The project has no completed film (it is {project.status}).")
    return project, {"film": film.pk}


def _assets(project: Project, ids: dict) -> dict[str, Asset | None]:
    by_id = {a.pk: a for a in project_assets(project=project).filter(pk__in=ids.values())}
    return {
        "film": film_asset(project_id=project.pk, among=[ids["film"]]),
        "thumbnail": by_id.get(ids.get("thumbnail")) or _latest(project, Asset.Kind.THUMBNAIL),
        "captions": by_id.get(ids.get("subtitles_srt"))
        or _latest(project, Asset.Kind.SUBTITLES, suffix=".srt")
        or _latest(project, Asset.Kind.SUBTITLES, suffix=".vtt"),
    }


def _library_video(*, user, video_id) -> Video:
    video = videos_visible_to(user).filter(pk=video_id, uploaded_by=user).first()
    if video is None:
        raise NotFound("Video not found.")
    if video.status != Video.Status.COMPLETED:
        raise FilmNotCompleted(f"The video is not processed yet (it is {video.status}).")
    return video


def _usable_connection(*, user, channel_id) -> ChannelConnection:
    connection = connection_get_for_user(user=user, connection_id=channel_id)
    if connection.status != ChannelConnection.Status.ACTIVE:
        raise ReconnectRequired()
    return connection


def _wanted(choice: bool | None, available: bool, allowed: bool, what: str) -> bool:
    """None: attach when possible; True: required (409 when impossible); False: no."""
    if choice is False:
        return False
    if choice is True and not available:
        raise NothingToAttach(f"There is no {what} to attach.")
    if choice is True and not allowed:
        raise ScopeMissing(f"Attaching {what} needs the `youtube.force-ssl` permission.")
    return available and allowed


def upload_build(
    *,
    user,
    channel: int,
    job: int | None = None,
    project: int | None = None,
    video: int | None = None,
    captions: bool | None = None,
    thumbnail: bool | None = None,
    playlist: str = "",
    **metadata,
) -> Upload:
    """An unsaved Upload for the request, every check done (see the module docstring).
    A playlist is checked with Google (it must be the channel's)."""
    connection = _usable_connection(user=user, channel_id=channel)
    can_caption = google_api.SCOPE_FORCE_SSL in (connection.scopes or [])
    upload = Upload(
        owner=user,
        connection=connection,
        channel_id=connection.channel_id,
        channel_title=connection.channel_title,
        **metadata,
    )
    if video is not None:
        library = _library_video(user=user, video_id=video)
        upload.video = library
        upload.title = upload.title or library.title[:100]
        upload.attach_thumbnail = _wanted(thumbnail, bool(library.thumbnail), True, "thumbnail")
        _wanted(captions, False, can_caption, "captions")
    else:
        found, ids = (
            _film_of_job(user=user, job_id=job)
            if job is not None
            else _film_of_project(user=user, project_id=project)
        )
        if found.moderation_status in HELD:
            raise ProjectHeld()
        assets = _assets(found, ids)
        if assets["film"] is None:
            raise FilmNotCompleted("The film file is missing.")
        upload.project, upload.film = found, assets["film"]
        upload.title = upload.title or found.title[:100]
        upload.attach_thumbnail = _wanted(
            thumbnail, assets["thumbnail"] is not None, True, "thumbnail"
        )
        if upload.attach_thumbnail:
            upload.thumbnail = assets["thumbnail"]
        if _wanted(captions, assets["captions"] is not None, can_caption, "captions"):
            upload.captions = assets["captions"]
    if playlist:
        if not can_caption:
            raise ScopeMissing("Adding to a playlist needs the `youtube.force-ssl` permission.")
        playlist_check_owned(session=channel_session(connection=connection), playlist_id=playlist)
        upload.playlist_id = playlist
    upload.title = upload.title.replace("<", "").replace(">", "")
    return upload


def upload_publish(*, user, **request) -> Upload:
    """Check the request (upload_build), then create the Upload and its `youtube_upload` job
    in one transaction: the job's first stage is queued when both exist. Costs no credits."""
    upload = upload_build(user=user, **request)
    with transaction.atomic():
        job, _ = job_create(user=user, project=upload.project, job_type=JobType.YOUTUBE_UPLOAD)
        upload.job = job
        upload.save()
    return upload
