"""Thin DRF views of the media library (validate, call one service, serialize), one module
per concern: videos, categories, resumable uploads, stats."""
