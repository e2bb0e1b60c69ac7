from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, User
from filmstudio.admin import AuditedAdmin


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")

    def clean_email(self):
        # Emails are stored lower-case (the login and the unique constraint ignore case).
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class PasswordSetForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            # Same promise as the API: a new password ends every session opened with the old one.
            services.user_tokens_revoke(user=user)
        return user


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    change_password_form = PasswordSetForm
    list_display = ("email", "first_name", "last_name", "role", "is_active", "is_staff")
    list_filter = (
        "role",
        "is_active",
        "is_staff",
        "is_superuser",
        ("deleted_at", admin.EmptyFieldListFilter),
        "date_joined",
    )
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("token_version", "last_login", "date_joined", "deleted_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        (
            "Access",
            {
                "fields": (
                    "role",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                    "token_version",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "deleted_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["suspend", "reactivate", "anonymise"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # An account is deleted by anonymising it (the "anonymise" action): a hard delete
        # would take the credit ledger and the jobs it paid for with it.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # The add form saves the row itself (not through UserManager); the admin view's
            # transaction covers both.
            services.user_setup(user=obj)
        elif {"is_active", "email"} & set(form.changed_data):
            # Suspending (or reactivating) by ticking the box, or moving the account to another
            # address, ends live sessions like the suspend action does; otherwise tokens from
            # before a suspension would come back to life on reactivation.
            services.user_tokens_revoke(user=obj)

    @admin.action(description="Suspend selected users (revokes their tokens)")
    def suspend(self, request, queryset):
        self.run_action(
            request, queryset, lambda u: services.user_suspend(user=u, by=request.user), "Suspended"
        )

    @admin.action(description="Reactivate selected users")
    def reactivate(self, request, queryset):
        self.run_action(
            request,
            queryset,
            lambda u: services.user_reactivate(user=u, by=request.user),
            "Reactivated",
        )

    @admin.action(description="Delete selected accounts (anonymise; ledger and audit stay)")
    def anonymise(self, request, queryset):
        self.run_action(
            request,
            queryset,
            lambda u: services.user_anonymise(user=u, by=request.user),
            "Anonymised",
        )


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = ("__str__", "email", "status", "created_by", "created_at", "expires_at")
    list_filter = ("used_at", "revoked_at")
    search_fields = ("email", "token")
    readonly_fields = ("token", "created_by", "created_at", "used_at", "used_by", "revoked_at")
    fields = ("email", "expires_at", *readonly_fields)
    list_select_related = ("created_by",)
    actions = ["revoke"]

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + settings.INVITATION_TTL}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean_email(self):
            email = self.cleaned_data["email"].strip().lower()
            if email and User.objects.filter(email__iexact=email).exists():
                raise forms.ValidationError("An account with this email already exists.")
            return email

        form.clean_email = clean_email
        return form

    @admin.action(description="Revoke selected invitations")
    def revoke(self, request, queryset):
        self.run_action(
            request,
            queryset,
            lambda i: services.invitation_revoke(invitation=i, by=request.user),
            "Revoked",
        )
