from django.apps import AppConfig


class YoutubeIntegrationConfig(AppConfig):
    name = "youtube_integration"
    verbose_name = "Youtube Integration"
