from .models import SiteConfig


def site_config_get() -> SiteConfig:
    """The site configuration row, created with defaults on first use."""
    config, _ = SiteConfig.objects.get_or_create(id=1)
    return config
