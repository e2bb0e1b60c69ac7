"""The film-rendering library behind the job stages: script -> MP4, offline, on CPU.

Framework-light: no Django models; settings are read lazily (`config.setting`). Entry points:
`fountain.validate_script` (API, at job creation), the stage functions in `film`
(one per Celery task) and `film.render_film` (everything, for `manage.py make_film`).
"""
