from django.apps import AppConfig


class FilmstudioConfig(AppConfig):
    """The floor every app stands on. An app only for what no single app owns: the site
    configuration (its model, admin and API)."""

    name = "filmstudio"
    verbose_name = "Site"
