"""Job engine settings: retry and time limits of the job stages. (What a stage costs and
where it runs is declared once, in the stage table: jobs/stages.py.)"""

from .env import VAR_DIR, env

# --- Stage execution. Every stage task's hard limit must stay below the broker visibility
# timeout (settings/celery.py) or Redis would hand a still-running stage to a second worker.
JOB_STAGE_SOFT_TIME_LIMIT = env.int("JOB_STAGE_SOFT_TIME_LIMIT", default=25 * 60)
JOB_STAGE_TIME_LIMIT = env.int("JOB_STAGE_TIME_LIMIT", default=30 * 60)
# Per-stage overrides: {"image_generation": {"max_retries": 5, "soft": 3000, "hard": 3300}}.
JOB_STAGE_OVERRIDES: dict[str, dict] = env.json("JOB_STAGE_OVERRIDES", default={})
# A stage that raises is tried again this many times (so 1 + 3 attempts) before the job fails.
JOB_STAGE_MAX_RETRIES = env.int("JOB_STAGE_MAX_RETRIES", default=3)
# Exponential backoff: base * 2**retry seconds, capped, plus up to `jitter` random seconds so
# a burst of failures does not come back as a burst of retries.
JOB_RETRY_BACKOFF_BASE = env.float("JOB_RETRY_BACKOFF_BASE", default=5.0)
JOB_RETRY_BACKOFF_MAX = env.float("JOB_RETRY_BACKOFF_MAX", default=300.0)
JOB_RETRY_JITTER = env.float("JOB_RETRY_JITTER", default=2.0)
# The sweeper gives a stage this long past its hard time limit before calling it stuck: a
# redelivered task (after the visibility timeout) must get its chance first.
JOB_SWEEPER_GRACE = env.int("JOB_SWEEPER_GRACE", default=5 * 60)
# A running try refreshes its job's heartbeat this often (seconds; one UPDATE each). The
# sweeper calls a worker gone when a heartbeat is older than the timeout: six missed beats,
# so a busy machine or a database blip is not taken for a death, and a SIGKILLed worker's
# stage runs again within timeout + one sweep (about 2.5 minutes by default).
JOB_HEARTBEAT_INTERVAL = env.float("JOB_HEARTBEAT_INTERVAL", default=15.0)
JOB_HEARTBEAT_TIMEOUT = env.int("JOB_HEARTBEAT_TIMEOUT", default=90)
# A queued job (or one between two stages) whose message the broker does not hold after this
# many seconds is sent again: the broker lost it (a restart without persistence). Long enough
# for a message in flight to land; the broker is read only when such jobs exist.
JOB_LOST_AFTER = env.int("JOB_LOST_AFTER", default=60)
# How many times the sweeper re-enqueues a stuck stage before failing the job.
JOB_SWEEPER_MAX_REQUEUES = env.int("JOB_SWEEPER_MAX_REQUEUES", default=2)
# Cancel kills the running stage process (prefork pool) instead of waiting for its next
# progress check; the check still runs, so the solo pool stops too.
JOB_CANCEL_TERMINATE = env.bool("JOB_CANCEL_TERMINATE", default=True)
# Server-Sent Events: how often the stream polls JobEvent rows (seconds) and how long one
# stream may stay open before the client must reconnect (proxies cut idle streams anyway).
JOB_EVENTS_POLL_INTERVAL = env.float("JOB_EVENTS_POLL_INTERVAL", default=1.0)
JOB_EVENTS_MAX_SECONDS = env.int("JOB_EVENTS_MAX_SECONDS", default=15 * 60)
# Under ASGI with Redis, streams are fed by pub/sub (jobs/event_bus.py) and read the database
# only when they open and then this often, in case a message was lost (a Redis restart):
# rarely enough that a thousand open streams cost the database a few queries a second.
JOB_EVENTS_RESYNC_SECONDS = env.float("JOB_EVENTS_RESYNC_SECONDS", default=30.0)
# Pub/sub channels are shared by every database of a Redis server: this names the site's
# (default: its database name).
JOB_EVENTS_CHANNEL_PREFIX = env("JOB_EVENTS_CHANNEL_PREFIX", default="")

# --- Fair share (jobs/services/admission.py). How many jobs of one creator run at once, by
# plan code: past it, jobs are accepted and wait (queued) until one of theirs ends, so one
# creator cannot fill every worker. A free creator gets one film at a time; paying plans a
# few in parallel (a full generation keeps one or two workers busy). 0: no limit.
JOB_RUNNING_LIMITS: dict = env.json(
    "JOB_RUNNING_LIMITS", default={"free": 1, "pro": 3, "enterprise": 10}
)
# A plan not named above (a new row in the catalogue).
JOB_RUNNING_LIMIT_DEFAULT = env.int("JOB_RUNNING_LIMIT_DEFAULT", default=1)

# POST /jobs/batch creates at most this many jobs: a hundred variants is what popular
# generators render per request, and one transaction reserving them stays short.
JOB_BATCH_MAX = env.int("JOB_BATCH_MAX", default=100)
# Open event streams per user: the studio opens one per job it watches; past this a 429
# `too_many_streams` (clients poll GET /jobs/{id}). Under ASGI a stream costs no web thread,
# but it holds a socket, a task and a queue on the pub/sub fan-out, so one user cannot open
# thousands.
JOB_EVENTS_MAX_STREAMS_PER_USER = env.int("JOB_EVENTS_MAX_STREAMS_PER_USER", default=4)

# --- Film stages. Each film job renders in its own folder here (manifest, clips, the
# composed film): local scratch, pulled from and pushed to storage around every stage
# (jobs/film_storage.py), so workers share no disk and may lose it at any time.
FILM_WORK_DIR = env("FILM_WORK_DIR", default=str(VAR_DIR / "film-work"))
# A failed job's work dir is kept this long for a retry, then the hourly clean-up removes it.
FILM_WORK_KEEP_FAILED_DAYS = env.int("FILM_WORK_KEEP_FAILED_DAYS", default=7)
# A stage whose message never reached the broker (it was down) is sent again by the sweeper
# after this many seconds: long enough for the broker to come back, short for the user.
JOB_RESEND_AFTER = env.int("JOB_RESEND_AFTER", default=30)
# Render-cache entries (stills, voices, clips, mixes) unused this long are pruned daily; a
# regenerate after that renders them again. A month covers the edit-and-rerender of a film.
FILM_CACHE_MAX_AGE_DAYS = env.int("FILM_CACHE_MAX_AGE_DAYS", default=30)
