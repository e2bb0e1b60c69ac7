"""What `parameters` each job type accepts. Unknown keys are refused, so a typo is a 400
and not a silently ignored option; only what the stages really use is accepted."""

from rest_framework import serializers

from film.casting import VOICES
from projects.models import Project

from .models import JobType


class _Base(serializers.Serializer):
    # Seconds; the project's target duration when absent. Same bounds as Project.
    target_duration = serializers.IntegerField(min_value=5, max_value=600, required=False)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Not a parameter of this job type."] for name in sorted(unknown)}
            )
        return attrs


class ScriptAnalysisParameters(_Base):
    pass


class ImageGenerationParameters(_Base):
    pass


class VoiceSynthesisParameters(_Base):
    pass


class VideoCompositionParameters(_Base):
    burn_subtitles = serializers.BooleanField(required=False)
    # "dialogue" keeps the narration out of the captions.
    captions = serializers.ChoiceField(choices=["all", "dialogue"], required=False)
    # Variants of one screenplay (a batch of them, POST /jobs/batch): another frame than the
    # project's, other voices for some of its characters ("NARRATOR" too).
    aspect_ratio = serializers.ChoiceField(choices=Project.AspectRatio.choices, required=False)
    cast = serializers.DictField(
        child=serializers.ChoiceField(choices=sorted(VOICES)), required=False
    )

    def validate_cast(self, value: dict) -> dict:
        if len(value) > 50 or any(not 0 < len(name) <= 100 for name in value):
            raise serializers.ValidationError("At most 50 names of 1 to 100 characters.")
        return {name.upper(): voice for name, voice in value.items()}


class SubtitleGenerationParameters(_Base):
    captions = serializers.ChoiceField(choices=["all", "dialogue"], required=False)


class ThumbnailGenerationParameters(_Base):
    at_seconds = serializers.FloatField(min_value=0, required=False)


class MusicGenerationParameters(_Base):
    # The ambient bed's two harmonic colours (film/music.py).
    mood = serializers.ChoiceField(choices=["dark", "bright"], required=False)


class FullGenerationParameters(VideoCompositionParameters):
    pass


class YouTubeUploadParameters(_Base):
    # The publication's input is its Upload row (youtube_integration), not parameters.
    target_duration = None


PARAMETER_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    JobType.SCRIPT_ANALYSIS: ScriptAnalysisParameters,
    JobType.IMAGE_GENERATION: ImageGenerationParameters,
    JobType.VOICE_SYNTHESIS: VoiceSynthesisParameters,
    JobType.VIDEO_COMPOSITION: VideoCompositionParameters,
    JobType.SUBTITLE_GENERATION: SubtitleGenerationParameters,
    JobType.THUMBNAIL_GENERATION: ThumbnailGenerationParameters,
    JobType.MUSIC_GENERATION: MusicGenerationParameters,
    JobType.FULL_GENERATION: FullGenerationParameters,
    JobType.YOUTUBE_UPLOAD: YouTubeUploadParameters,
}


def parameters_validate(*, job_type: str, parameters) -> dict:
    """The cleaned parameters for `job_type`, or a ValidationError keyed `parameters.<name>`."""
    if not isinstance(parameters, dict):
        raise serializers.ValidationError({"parameters": ["Must be an object."]})
    serializer = PARAMETER_SERIALIZERS[job_type](data=parameters)
    if not serializer.is_valid():
        raise serializers.ValidationError({"parameters": serializer.errors})
    return dict(serializer.validated_data)
