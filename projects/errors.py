"""Projects' refusals, each with the machine-readable code the client branches on."""

from filmstudio.errors import DomainError, NotFound


class ProjectNotFound(NotFound):
    """Also the answer for another user's project: it does not exist for them."""

    default_detail = "Project not found."


class ScriptTooLarge(DomainError):
    """The same limit a job checks (FILM_SCRIPT_MAX_BYTES), applied when the text is saved:
    a screenplay no job would take is not kept either."""

    code = "script_too_large"
    default_detail = "The screenplay is too large."
