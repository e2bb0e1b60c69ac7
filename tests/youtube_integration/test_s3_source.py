"""Publishing a film that lives on S3 (django-storages against a real S3 server, SeaweedFS,
started by the media library's fixture, which conftest.py imports): the bytes YouTube gets
are the film's, read a chunk at a time by ranged GETs (never the whole object), and a
crashed upload resumes reading at Google's offset. The thumbnail and captions come from the
bucket too."""

import pytest
from django.core.files.storage import default_storage

from tests.youtube_integration.conftest import CHUNK
from tests.youtube_integration.test_uploader import Crash, chunk_starts, send
from youtube_integration.models import Upload
from youtube_integration.services import channel_session
from youtube_integration.services.publishing import upload_insert_captions, upload_set_thumbnail

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def ranges_read(s3):
    """The Range of every GetObject call made through the storage's S3 client."""
    seen: list[str | None] = []

    def record(params, **kwargs):
        seen.append(params.get("Range"))

    events = default_storage.connection.meta.client.meta.events
    events.register("provide-client-params.s3.GetObject", record)
    yield seen
    events.unregister("provide-client-params.s3.GetObject", record)


def test_a_film_on_s3_reaches_youtube_byte_for_byte_one_chunk_per_read(
    google, connection, make_upload, s3, ranges_read
):
    client, bucket, keys = s3
    upload = make_upload(connection)
    assert upload.film.file.name in keys()
    film = client.get_object(Bucket=bucket, Key=upload.film.file.name)["Body"].read()

    with pytest.raises(Crash):
        send(upload, stop_after=2)
    read_before_the_crash = list(ranges_read)
    done = send(upload)

    assert google.video_bytes[done.youtube_video_id] == film
    assert len(google.sessions) == 1 and len(google.videos_of(connection.channel_id)) == 1
    assert chunk_starts(google) == [0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK, 5 * CHUNK]
    # every read is a ranged GET of at most one chunk; the resumed run starts at the offset
    assert None not in ranges_read
    spans = [tuple(int(n) for n in r.removeprefix("bytes=").split("-")) for r in ranges_read]
    assert all(last - first + 1 <= CHUNK for first, last in spans)
    resumed = spans[len(read_before_the_crash) :]
    assert resumed[0][0] == 2 * CHUNK
    assert sum(last - first + 1 for first, last in resumed) == len(film) - 2 * CHUNK


def test_the_thumbnail_and_captions_are_read_from_s3(google, connection, make_upload, s3):
    upload = send(make_upload(connection))
    session = channel_session(connection=connection)

    assert upload_set_thumbnail(upload=upload, session=session) is True
    caption_id = upload_insert_captions(upload=upload, session=session)

    assert google.thumbnails[upload.youtube_video_id] == b"\xff\xd8\xff\xe0fake-jpeg"
    assert google.captions[caption_id]["body"].startswith(b"1\n00:00:00,000 --> 00:00:01,000")
    assert Upload.objects.get(pk=upload.pk).caption_id == caption_id
