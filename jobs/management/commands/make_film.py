import shutil
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from film.errors import RenderError, ScriptError
from film.pipeline import render_film
from film.steps.analyse import SIZES
from film.workspace import FilmRun
from jobs.film_config import film_cache_dir, film_config

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Render a screenplay (Fountain or plain prose) to an MP4 with the same engine and "
        "configuration the job stages use, offline, and print where the film is."
    )

    def add_arguments(self, parser):
        parser.add_argument("script", type=Path, help="the screenplay file")
        parser.add_argument("--out", type=Path, help="the MP4 to write (default var/films/)")
        parser.add_argument("--aspect", choices=sorted(SIZES), default="16:9")
        parser.add_argument("--burn-subtitles", action="store_true")
        parser.add_argument("--no-music", action="store_true")

    def handle(self, *args, script: Path, out: Path | None, aspect: str, **options):
        try:
            text = script.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {script}: {exc.strerror}") from exc
        out = out or Path(settings.FILM_WORK_DIR).parent / "films" / f"{script.stem}.mp4"
        work_dir = Path(settings.FILM_WORK_DIR) / f"cli-{script.stem}"
        started = time.perf_counter()
        try:
            film = FilmRun(
                work_dir=work_dir,
                cache_dir=film_cache_dir(),
                config=film_config(),
                script=text,
                aspect=aspect,
                out_path=out,
                burn_subtitles=options["burn_subtitles"],
                music=False if options["no_music"] else None,
            )
            result = render_film(film, progress=self._bar)
        except ScriptError as exc:
            raise CommandError(f"The screenplay cannot be rendered ({exc.code}): {exc}") from exc
        except RenderError as exc:
            raise CommandError(f"Rendering failed: {exc}") from exc
        finally:
            sys.stderr.write("\n")
        seconds = time.perf_counter() - started
        # The subtitle files go beside the film; the work dir is only the renderer's.
        srt, vtt = out.with_suffix(".srt"), out.with_suffix(".vtt")
        shutil.copyfile(result.srt, srt)
        shutil.copyfile(result.vtt, vtt)
        self.stdout.write(
            self.style.SUCCESS(f"Film: {Path(result.output).resolve()}")
            + f"\n  {result.duration:.1f} s of film rendered in {seconds:.1f} s"
            + f"\n  thumbnail: {Path(result.thumbnail).resolve()}"
            + f"\n  subtitles: {srt.resolve()}, {vtt.resolve()}"
        )

    @staticmethod
    def _bar(fraction: float, message: str) -> None:
        done = int(BAR_WIDTH * max(0.0, min(fraction, 1.0)))
        bar = "#" * done + "-" * (BAR_WIDTH - done)
        sys.stderr.write(f"\r[{bar}] {fraction * 100:5.1f}% {message[:50]:<50}")
        sys.stderr.flush()
