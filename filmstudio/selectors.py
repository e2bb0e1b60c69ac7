"""Reads every app shares."""

from .models import SiteConfig


def site_config_get() -> SiteConfig:
    """The site configuration: the saved row, or (before staff first save it) an unsaved
    one holding the defaults. Never writes."""
    return SiteConfig.objects.filter(id=SiteConfig.SINGLETON_ID).first() or SiteConfig()
