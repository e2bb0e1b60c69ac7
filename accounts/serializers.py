"""Input and output shapes of the accounts API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.models import Invitation
from accounts.services import invitation_link
from filmstudio.registry import user_filters

User = get_user_model()


# --- input
class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    invitation_token = serializers.CharField(
        max_length=64, required=False, allow_blank=True, write_only=True
    )


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, trim_whitespace=False)


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()
    new_password = serializers.CharField(write_only=True, trim_whitespace=False)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True, default="")


# --- output
class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """The signed-in user. Only the names are writable; the rest is ignored on input."""

    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=User.Role.choices, read_only=True)
    date_joined = serializers.DateTimeField(read_only=True)
    plan = serializers.CharField(read_only=True)
    balance = serializers.IntegerField(read_only=True)


class AdminUserSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(read_only=True, default=None)
    balance = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "role",
            "is_active",
            "is_staff",
            "date_joined",
            "last_login",
            "deleted_at",
            "plan",
            "balance",
        ]
        read_only_fields = fields


class AdminUserDetailSerializer(serializers.Serializer):
    user = AdminUserSerializer()
    sections = serializers.DictField(
        child=serializers.JSONField(),
        help_text=(
            "One object per app: billing (plan, balance, ledger summary), projects, jobs "
            "(by status, recent failures), media_library (videos, upload quota), "
            "youtube_integration (connections, uploads)."
        ),
    )


def _optional_bool(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, help_text=help_text)


class AdminUserFilterSerializer(serializers.Serializer):
    """The staff user list's query: the account's own filters and every registered one."""

    search = serializers.CharField(required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=User.Role.choices, required=False)
    is_active = _optional_bool("false: suspended (and deleted) accounts only.")
    plan = serializers.CharField(required=False, max_length=32)
    joined_after = serializers.DateField(required=False, help_text="Inclusive.")
    joined_before = serializers.DateField(required=False, help_text="Inclusive.")
    deleted = _optional_bool("Accounts deleted (anonymised) by staff.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, _ in user_filters:
            self.fields[name] = _optional_bool(
                f"true: only users who match `{name}`; false: only those who do not."
            )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class AdminRoleSerializer(ReasonSerializer):
    role = serializers.ChoiceField(choices=User.Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    link = serializers.SerializerMethodField()
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)
    used_by = serializers.EmailField(source="used_by.email", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "token",
            "link",
            "status",
            "created_by",
            "created_at",
            "expires_at",
            "used_at",
            "used_by",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_link(self, obj: Invitation) -> str:
        return invitation_link(obj)


class InvitationValidSerializer(serializers.Serializer):
    status = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    expires_at = serializers.DateTimeField()
