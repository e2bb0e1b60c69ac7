"""The steps that make a film, one function per step, each `step(run, progress=None)`.

Declared once, with what each needs and its share of the progress bar, in
`film.pipeline.STEPS`.
"""
