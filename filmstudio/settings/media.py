"""Media library settings: ffmpeg limits and resumable uploads."""

from pathlib import Path

from .env import VAR_DIR, env

FFMPEG_BINARY = env("FFMPEG_BINARY", default="ffmpeg")
FFPROBE_BINARY = env("FFPROBE_BINARY", default="ffprobe")
# A probe reads headers only; 30 s is generous even for a slow disk or a huge MKV index.
MEDIA_FFPROBE_TIMEOUT = env.int("MEDIA_FFPROBE_TIMEOUT", default=30)
# One ffmpeg run (all renditions) is killed after this. 50 min stays under the media task's
# hard time limit (55 min) which stays under the broker visibility timeout (1 h).
MEDIA_FFMPEG_TIMEOUT = env.int("MEDIA_FFMPEG_TIMEOUT", default=50 * 60)
MEDIA_TASK_SOFT_TIME_LIMIT = env.int("MEDIA_TASK_SOFT_TIME_LIMIT", default=54 * 60)
MEDIA_TASK_TIME_LIMIT = env.int("MEDIA_TASK_TIME_LIMIT", default=55 * 60)
# "medium" is x264's default quality/speed balance; a busy box may trade size for speed.
# A video whose processing claim outlives the task time limit (worker killed, OOM) is
# re-queued by the hourly maintenance; after this many claims it is failed instead: three
# hour-long tries is enough to tell a crashed worker from a file that always crashes it.
MEDIA_MAX_PROCESSING_ATTEMPTS = env.int("MEDIA_MAX_PROCESSING_ATTEMPTS", default=3)
MEDIA_X264_PRESET = env("MEDIA_X264_PRESET", default="medium")
MEDIA_X264_CRF = env.int("MEDIA_X264_CRF", default=23)
MEDIA_AUDIO_BITRATE = env("MEDIA_AUDIO_BITRATE", default="128k")
# Threads ffmpeg may use; 0 lets it use every core of the media worker.
MEDIA_FFMPEG_THREADS = env.int("MEDIA_FFMPEG_THREADS", default=0)

# Resumable uploads: the partial files live here until complete (same disk as uploads).
MEDIA_RESUMABLE_DIR = env("MEDIA_RESUMABLE_DIR", default=str(VAR_DIR / "tmp" / "resumable"))
Path(MEDIA_RESUMABLE_DIR).mkdir(parents=True, exist_ok=True)
# A resumable upload untouched this long is abandoned: its bytes and reservation are freed.
MEDIA_UPLOAD_SESSION_TTL_HOURS = env.int("MEDIA_UPLOAD_SESSION_TTL_HOURS", default=24)
# A PATCH body is read and written in pieces this big: memory per upload stays flat.
MEDIA_UPLOAD_CHUNK_SIZE = env.int("MEDIA_UPLOAD_CHUNK_SIZE", default=1024 * 1024)
# A pending video whose processing message the broker does not hold (it was down, or lost it
# in a restart) is sent again after this many seconds: a minute lets a message in flight land.
MEDIA_RESEND_AFTER = env.int("MEDIA_RESEND_AFTER", default=60)
