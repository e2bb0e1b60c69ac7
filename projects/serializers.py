from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from film.casting import VOICES
from filmstudio.downloads import signed_file_url
from filmstudio.representation import RowsMixin

from .models import Asset, Project
from .services import EDITABLE_FIELDS


class ProjectSerializer(serializers.ModelSerializer):
    # A voice per character (by the name the script gives them) and "NARRATOR".
    cast = serializers.DictField(
        child=serializers.ChoiceField(choices=sorted(VOICES)), required=False
    )

    def validate_cast(self, value: dict) -> dict:
        too_long = [name for name in value if not 0 < len(name) <= 100]
        if too_long or len(value) > 50:
            raise serializers.ValidationError("At most 50 names of 1 to 100 characters.")
        return {name.upper(): voice for name, voice in value.items()}

    class Meta:
        model = Project
        fields = [
            "id",
            *EDITABLE_FIELDS,
            "status",
            "moderation_status",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [field for field in fields if field not in EDITABLE_FIELDS]


class ProjectListSerializer(RowsMixin, ProjectSerializer):
    """Lists leave the screenplay out (it can be long and a list never shows it) and link
    each project's newest thumbnail (read by `projects_list`)."""

    thumbnail_url = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [
            *(field for field in ProjectSerializer.Meta.fields if field != "script"),
            "thumbnail_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, project: Project | dict) -> str | None:
        if isinstance(project, dict):  # a row of `projects_list`
            name = project.get("thumbnail_name")
        else:
            name = getattr(project, "thumbnail_name", None)
        if not name:
            return None
        return signed_file_url(name=name, request=self.context.get("request"))


class AssetSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = ["id", "kind", "size", "content_type", "metadata", "created_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, asset: Asset) -> str:
        filename = f"{asset.kind}-{asset.pk}{_suffix(asset.file.name)}"
        return signed_file_url(
            name=asset.file.name, request=self.context.get("request"), filename=filename
        )


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""
