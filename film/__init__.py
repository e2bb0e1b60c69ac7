"""The film engine: screenplay -> MP4, offline, on CPU. A library with no Django in it.

It imports nothing from Django or FilmStudio's apps; its configuration is passed in as a
`film.config.FilmConfig`. Entry points:

- `film.fountain.validate_script`: parse and check a script (cheap enough for a request);
- `film.pipeline`: the step table, `ensure(run, step)` (one step and what it needs, as the
  job stages run them) and `render_film(run)` (everything, as `manage.py make_film` does),
  each on a `film.workspace.FilmRun`;
- `film.moderation.moderate_breakdown`: the one way a script is moderated.

Engines (images, voices, moderation) sit behind small interfaces in `film.providers`;
every ffmpeg and ffprobe run goes through `film.ffmpeg_cli`.
"""
