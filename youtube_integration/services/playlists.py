"""Playlists of a connected channel: list, create, and put a published video in or out."""

from filmstudio.errors import NotFound

from .. import google_api
from ..models import ChannelConnection, Upload
from .channel import ChannelSession, channel_session

PLAYLIST_PAGE = 50  # the API's largest page


def playlists_list(*, connection: ChannelConnection) -> list[dict]:
    """Every playlist of the channel (all pages), newest first as YouTube returns them."""
    session = channel_session(connection=connection)
    playlists, token = [], None
    while True:
        page = session.call(
            "playlists.list",
            session.api.playlists().list(
                part="snippet,status,contentDetails",
                mine=True,
                maxResults=PLAYLIST_PAGE,
                pageToken=token,
            ),
        )
        playlists.extend(page.get("items") or [])
        token = page.get("nextPageToken")
        if not token:
            return playlists


def playlist_create(
    *, connection: ChannelConnection, title: str, description: str = "", privacy: str
) -> dict:
    session = channel_session(connection=connection)
    session.require_scope(google_api.SCOPE_FORCE_SSL, "Creating a playlist")
    body = {
        "snippet": {"title": title, "description": description},
        "status": {"privacyStatus": privacy},
    }
    return session.call(
        "playlists.insert", session.api.playlists().insert(part="snippet,status", body=body)
    )


def playlist_check_owned(*, session: ChannelSession, playlist_id: str, upload_id=None) -> dict:
    """The playlist, if it is this channel's; NotFound otherwise (another channel's playlist
    does not exist for the caller)."""
    found = session.call(
        "playlists.list",
        session.api.playlists().list(part="snippet", id=playlist_id),
        upload_id=upload_id,
    )
    for item in found.get("items") or []:
        if (item.get("snippet") or {}).get("channelId") == session.connection.channel_id:
            return item
    raise NotFound("Playlist not found on this channel.")


def playlist_items_of(*, session: ChannelSession, playlist_id: str, upload: Upload) -> list[str]:
    found = session.call(
        "playlistItems.list",
        session.api.playlistItems().list(
            part="id", playlistId=playlist_id, videoId=upload.youtube_video_id
        ),
        upload_id=upload.pk,
    )
    return [item["id"] for item in found.get("items") or []]


def playlist_add_video(*, upload: Upload, playlist_id: str) -> str:
    """Put the upload's video into one of its channel's playlists (once: an item already
    there is reused). Returns the playlist item id."""
    session = channel_session(connection=upload.connection)
    session.require_scope(google_api.SCOPE_FORCE_SSL, "Adding to a playlist")
    playlist_check_owned(session=session, playlist_id=playlist_id, upload_id=upload.pk)
    existing = playlist_items_of(session=session, playlist_id=playlist_id, upload=upload)
    if existing:
        return existing[0]
    body = {
        "snippet": {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": upload.youtube_video_id},
        }
    }
    item = session.call(
        "playlistItems.insert",
        session.api.playlistItems().insert(part="snippet", body=body),
        upload_id=upload.pk,
    )
    return item["id"]


def playlist_remove_video(*, upload: Upload, playlist_id: str) -> int:
    """Take the upload's video out of the playlist; returns how many items went."""
    session = channel_session(connection=upload.connection)
    session.require_scope(google_api.SCOPE_FORCE_SSL, "Removing from a playlist")
    playlist_check_owned(session=session, playlist_id=playlist_id, upload_id=upload.pk)
    items = playlist_items_of(session=session, playlist_id=playlist_id, upload=upload)
    for item_id in items:
        session.call(
            "playlistItems.delete",
            session.api.playlistItems().delete(id=item_id),
            upload_id=upload.pk,
        )
    Upload.objects.filter(pk=upload.pk, playlist_item_id__in=items).update(playlist_item_id="")
    return len(items)
