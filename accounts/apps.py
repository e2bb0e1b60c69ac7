from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from filmstudio.registry import analytics_sources

        from . import selectors

        analytics_sources.register("accounts", selectors.signups_series)
