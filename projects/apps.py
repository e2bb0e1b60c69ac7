from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from filmstudio.registry import user_erasers, user_sections

        from . import selectors, services

        user_sections.register("projects", selectors.user_projects_section)
        user_erasers.register("projects", services.projects_erase_owner)
