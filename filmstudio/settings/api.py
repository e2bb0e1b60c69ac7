from .env import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "filmstudio.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "filmstudio.filtering.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON bodies only (what the schema documents; uploads declare multipart themselves),
    # with a 400 (not a 500) for undecodable ones and the one text rule (filmstudio/text.py).
    "DEFAULT_PARSER_CLASSES": ["filmstudio.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "filmstudio.schema.AutoSchema",
    "EXCEPTION_HANDLER": "filmstudio.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        # Brute-force guard on login: five tries a minute per client IP and per email.
        "login_ip": env("THROTTLE_LOGIN_IP", default="5/min"),
        "login_email": env("THROTTLE_LOGIN_EMAIL", default="5/min"),
        # Password-reset mails cost us reputation with mail providers.
        "password_reset": env("THROTTLE_PASSWORD_RESET", default="5/hour"),
        # Screenplay analysis and job estimates parse up to FILM_SCRIPT_MAX_BYTES per request;
        # the studio asks once per pause in typing (two requests), so two a second per user
        # is live editing, and more is a script hammering the parser.
        "scripts": env("THROTTLE_SCRIPTS", default="120/min"),
        # The public view counter: a client (user, else IP) counts once per video per
        # minute; a player that reloads or a script that loops does not inflate the figure.
        "video_views": env("THROTTLE_VIDEO_VIEWS", default="1/min"),
    },
    # How many reverse proxies in front of the web process append to X-Forwarded-For: the
    # per-IP throttles take the address that many hops from the right. 0 (the default) trusts
    # no proxy and uses the connection's address, so a client cannot pick its own identity by
    # sending the header; behind one load balancer set 1 (docs/operations.md, checklist).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "FilmStudio API",
    "DESCRIPTION": "Turn a screenplay into a finished film, and run the business around it.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "filmstudio.schema.blank_query_values",
    ],
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "jobs.models.JobStatus",
        "JobTypeEnum": "jobs.models.JobType",
        "CreatableJobTypeEnum": "jobs.serializers.CREATABLE_TYPES",
        "ProjectStatusEnum": "projects.models.Project.Status",
    },
}

# Seconds a client is told to wait (Retry-After of a 503) when the broker or cache is down: a
# Redis restart or failover takes about this long.
OUTAGE_RETRY_AFTER = env.int("OUTAGE_RETRY_AFTER", default=30)

# Under ASGI (filmstudio/asgi.py) a request's sync parts run on a thread lent by a pool per
# process; a stream gives its thread back before its first byte. Idle threads kept for the
# next requests (more are started when more sync work runs at once, and end when given back).
ASGI_IDLE_THREADS = env.int("ASGI_IDLE_THREADS", default=16)
