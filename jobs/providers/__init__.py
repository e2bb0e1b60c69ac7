"""Pluggable engines behind the film pipeline: images, voices, moderation.

Each kind has a registry dict (name -> factory) and a `get_*_provider(name)` accessor; the
pipeline picks the name from settings (`FILM_IMAGE_PROVIDER`, `FILM_VOICE_PROVIDER`,
`FILM_MODERATION_PROVIDER`).
"""
