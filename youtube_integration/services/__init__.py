"""Every write of YouTube publishing, one module per concern:

- `connections`: consent (state + PKCE), code exchange, disconnect (revoke), key rotation
- `channel`: acting as a channel (refresh before expiry, quota ledger, error translation)
- `playlists`: list, create, add and remove a published video
- `uploader`: the resumable upload, resumable across processes
- `publishing`: the thumbnail, captions and playlist steps after the upload
- `videos`: processing status refreshed from videos.list
"""

from .channel import ChannelSession, channel_session, connection_mark_reconnect
from .connections import connection_disconnect, oauth_complete, oauth_start, tokens_rotate
from .playlists import (
    playlist_add_video,
    playlist_check_owned,
    playlist_create,
    playlist_remove_video,
    playlists_list,
)
from .uploads import upload_build, upload_publish
from .videos import videos_refresh_status

__all__ = [
    "ChannelSession",
    "channel_session",
    "connection_disconnect",
    "connection_mark_reconnect",
    "oauth_complete",
    "oauth_start",
    "playlist_add_video",
    "playlist_check_owned",
    "playlist_create",
    "playlist_remove_video",
    "playlists_list",
    "tokens_rotate",
    "upload_build",
    "upload_publish",
    "videos_refresh_status",
]
