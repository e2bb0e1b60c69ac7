"""Projects' refusals, each with the machine-readable code the client branches on."""

from filmstudio.errors import NotFound


class ProjectNotFound(NotFound):
    """Also the answer for another user's project: it does not exist for them."""

    default_detail = "Project not found."
