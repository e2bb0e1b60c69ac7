"""The film engine's settings: providers, limits, rendering.

`jobs.film_config.film_config()` turns them into the engine's `film.config.FilmConfig`; the
engine itself reads no settings. Every default here equals the engine's own library default
(a test holds them together).
"""

from .env import VAR_DIR, env

# --- Script intake -------------------------------------------------------------------------
# 200 kB is ~120 pages of Fountain, a feature-length screenplay; anything bigger is not a script
# we can render in one job and is refused before parsing so the API stays cheap.
FILM_SCRIPT_MAX_BYTES = env.int("FILM_SCRIPT_MAX_BYTES", default=200_000)
# Every line costs a TTS call and screen time; 600 lines is ~40 minutes of film, the most one
# job on one worker is allowed to render.
FILM_SCRIPT_MAX_LINES = env.int("FILM_SCRIPT_MAX_LINES", default=600)
# The longest film one job renders, estimated from the words before anything renders (a
# render takes about half the film's length on 2 cores), and the most shots (each is at
# least one clip to encode): beyond them the API and make_film answer "too_long".
FILM_MAX_FILM_MINUTES = env.float("FILM_MAX_FILM_MINUTES", default=30.0)
FILM_MAX_SHOTS = env.int("FILM_MAX_SHOTS", default=400)

# --- Providers (engine names of film/providers/registry.py) ----------------------------------
FILM_IMAGE_PROVIDER = env(
    "FILM_IMAGE_PROVIDER", default="scenery"
)  # scenery (drawn, offline; "storyboard" is its old name)|openai|diffusers
FILM_VOICE_PROVIDER = env("FILM_VOICE_PROVIDER", default="piper")  # piper|espeak|openai
# What "piper" becomes when its voice cannot load (onnxruntime or the voice wheel missing):
# "espeak" keeps films rendering with a robotic but intelligible voice; "none" fails instead.
FILM_VOICE_FALLBACK = env("FILM_VOICE_FALLBACK", default="espeak")  # espeak|none
FILM_MODERATION_PROVIDER = env("FILM_MODERATION_PROVIDER", default="local")  # local|openai
# Local model directory for the "diffusers" image provider (GPU hosts only; never downloaded).
FILM_DIFFUSERS_MODEL = env("FILM_DIFFUSERS_MODEL", default="")

# --- OpenAI-compatible API (only used when a key is set; never contacted otherwise) -------
# With no key every "openai" provider resolves to its local counterpart (storyboard, piper,
# local moderation) and script enrichment is skipped: no client is even constructed.
OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
FILM_OPENAI_BASE_URL = env("FILM_OPENAI_BASE_URL", default="https://api.openai.com/v1")
FILM_OPENAI_CHAT_MODEL = env("FILM_OPENAI_CHAT_MODEL", default="gpt-4o-mini")
FILM_OPENAI_IMAGE_MODEL = env("FILM_OPENAI_IMAGE_MODEL", default="gpt-image-1")
FILM_OPENAI_TTS_MODEL = env("FILM_OPENAI_TTS_MODEL", default="gpt-4o-mini-tts")
FILM_OPENAI_MODERATION_MODEL = env("FILM_OPENAI_MODERATION_MODEL", default="omni-moderation-latest")
# Remote calls are slow and billed; a stuck provider must not hold a worker for long.
FILM_OPENAI_TIMEOUT_SECONDS = env.float("FILM_OPENAI_TIMEOUT_SECONDS", default=60.0)
# One quick retry in the client (it honours Retry-After) absorbs a blip; anything longer is the
# job engine's business, whose stage retries back off over minutes.
FILM_OPENAI_MAX_RETRIES = env.int("FILM_OPENAI_MAX_RETRIES", default=1)
# Script enrichment (film/enrichment.py): "auto" asks the chat model for shot
# descriptions and image prompts when OPENAI_API_KEY is set; "off" never does.
FILM_ENRICHMENT = env("FILM_ENRICHMENT", default="auto")  # auto|off

# --- Other hosted engines (used only with a key; never contacted otherwise) ---------------
# A stock-photo API speaking Pexels' protocol: FILM_IMAGE_PROVIDER=stock.
FILM_STOCK_API_KEY = env("FILM_STOCK_API_KEY", default="")
FILM_STOCK_BASE_URL = env("FILM_STOCK_BASE_URL", default="https://api.pexels.com/v1")
FILM_STOCK_TIMEOUT_SECONDS = env.float("FILM_STOCK_TIMEOUT_SECONDS", default=30.0)
# ElevenLabs voices per cast voice: FILM_VOICE_PROVIDER=elevenlabs.
ELEVENLABS_API_KEY = env("ELEVENLABS_API_KEY", default="")
FILM_ELEVENLABS_BASE_URL = env("FILM_ELEVENLABS_BASE_URL", default="https://api.elevenlabs.io/v1")
FILM_ELEVENLABS_MODEL = env("FILM_ELEVENLABS_MODEL", default="eleven_multilingual_v2")
FILM_ELEVENLABS_TIMEOUT_SECONDS = env.float("FILM_ELEVENLABS_TIMEOUT_SECONDS", default=60.0)
# cast voice -> ElevenLabs voice id ("narrator=abc,woman=def"); empty: their premade voices.
FILM_ELEVENLABS_VOICES = env.dict("FILM_ELEVENLABS_VOICES", default={})

# --- Moderation ----------------------------------------------------------------------------
# Extra words that flag a script whatever the classifier says (comma separated in the env).
FILM_MODERATION_BLOCKLIST = env.list("FILM_MODERATION_BLOCKLIST", default=[])
# alt-profanity-check probability above which a line counts as profane; 0.8 keeps mild
# screenplay language ("damn") from blocking a job while catching slurs and obscenities.
FILM_PROFANITY_THRESHOLD = env.float("FILM_PROFANITY_THRESHOLD", default=0.8)

# --- Rendering -----------------------------------------------------------------------------
FILM_FPS = env.int("FILM_FPS", default=24)
FILM_DEFAULT_ASPECT = env("FILM_DEFAULT_ASPECT", default="16:9")
# Silence before the first and after the last line of a shot, so cuts never clip speech.
FILM_SHOT_PAUSE_SECONDS = env.float("FILM_SHOT_PAUSE_SECONDS", default=0.4)
# Breath between two lines inside one shot.
FILM_LINE_GAP_SECONDS = env.float("FILM_LINE_GAP_SECONDS", default=0.25)
# ultrafast analysis with CABAC, deblocking and 8x8 transforms put back (film/camera.py): ~30%
# less CPU than superfast on drawn scenery, far under YouTube's 8 Mb/s. The clip cache key
# includes it, so changing it re-encodes every clip.
FILM_X264_PRESET = env("FILM_X264_PRESET", default="ultrafast")
FILM_X264_CRF = env.int("FILM_X264_CRF", default=20)
# Which lines the captions show: "all" (narration and dialogue) or "dialogue".
FILM_CAPTIONS = env("FILM_CAPTIONS", default="all")
FILM_MUSIC_ENABLED = env.bool("FILM_MUSIC_ENABLED", default=True)
# The title card (under the score's intro) and the end card (under its outro), seconds.
FILM_INTRO_SECONDS = env.float("FILM_INTRO_SECONDS", default=3.0)
FILM_OUTRO_SECONDS = env.float("FILM_OUTRO_SECONDS", default=3.5)
# Delivery loudness: -14 LUFS / -1 dBTP is what YouTube and the streaming platforms normalise
# to; we aim 0.5 dB under the peak ceiling because AAC encoding adds a little overshoot.
FILM_LOUDNESS_TARGET_LUFS = env.float("FILM_LOUDNESS_TARGET_LUFS", default=-14.0)
FILM_TRUE_PEAK_DBTP = env.float("FILM_TRUE_PEAK_DBTP", default=-1.5)

# --- Storage -------------------------------------------------------------------------------
# Content-addressed cache of per-shot work (stills, line audio, clips); safe to delete.
FILM_CACHE_DIR = env("FILM_CACHE_DIR", default=str(VAR_DIR / "film-cache"))
# Frames of this size ("WxH") instead of the aspect ratio's (1920x1080 for 16:9): previews,
# and tests and benchmarks that need films, not pixels. Empty: the aspect's size.
FILM_FRAME_SIZE = env("FILM_FRAME_SIZE", default="")
# FILM_CACHE_DIR is one host's tier in front of the render cache in storage (jobs/film_storage.py):
# after every stage the least recently used entries go until it holds at most this much. 20 GB
# holds the stills, voices and clips of a few dozen 10-minute films at 1080p, so the films a
# host is working on rarely come back from storage.
FILM_LOCAL_CACHE_MAX_BYTES = env.int("FILM_LOCAL_CACHE_MAX_BYTES", default=20 * 1000**3)
# ... except entries used this recently, which a stage running beside it may still read: the
# longest a stage may run (JOB_STAGE_TIME_LIMIT's default).
FILM_LOCAL_CACHE_KEEP_SECONDS = env.int("FILM_LOCAL_CACHE_KEEP_SECONDS", default=30 * 60)
