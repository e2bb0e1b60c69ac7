"""The one stage table (jobs/stages.py) reorders and renames two film stages:

- a full generation's soundtrack mix was the stage `music_generation` (now only the music-only
  job type's stage); it is `audio_mix`;
- voices are synthesised in `voice_synthesis`, which now runs before the pictures (it ran
  after them, the voices themselves being made inside `script_analysis`).

Only the pointers of unfinished jobs change, so they resume where they were: a live or failed
full generation at `music_generation` points at `audio_mix`; a live one already past its
pictures at `voice_synthesis` (its voices exist) goes on with `audio_mix`. Finished jobs, events
and timings keep the names they were recorded under. A renamed job whose stage had not started
gets no task id, so the sweeper sends the stage under its new name.
"""

from django.db import migrations
from django.db.models import Q

LIVE = ["pending", "validating", "queued", "processing", "generating_images",
        "generating_video", "generating_audio", "composing"]  # fmt: skip
PAST_PICTURES = ["generating_video", "generating_audio", "composing"]


def forwards(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    full = Job.objects.filter(type="full_generation")
    live = full.filter(status__in=LIVE)
    moved = live.filter(
        Q(current_stage="music_generation")
        | Q(current_stage="voice_synthesis", status__in=PAST_PICTURES)
    )
    moved.filter(stage_started_at__isnull=True).update(celery_task_id="")
    moved.update(current_stage="audio_mix")
    full.filter(status="failed", current_stage="music_generation").update(current_stage="audio_mix")
    full.filter(status="failed", failed_stage="music_generation").update(failed_stage="audio_mix")


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
