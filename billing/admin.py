from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from djstripe import models as djstripe
from djstripe.admin.admin import InvoiceAdmin as DjstripeInvoiceAdmin
from djstripe.admin.admin import StripeModelAdmin

from filmstudio.admin import AuditedAdmin
from filmstudio.errors import DomainError
from filmstudio.services import audit_log

from . import services
from .models import Checkout, CreditAccount, CreditPack, CreditTransaction, Plan


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    """Plans are data: rename, re-price (at Stripe, then `billing_sync`), change allowances,
    take off sale. The Stripe price is set by `manage.py billing_sync`."""

    list_display = [
        "code",
        "name",
        "monthly_allowance",
        "price_cents",
        "currency",
        "interval",
        "stripe_price_id",
        "is_active",
        "sort_order",
    ]
    list_editable = ["monthly_allowance", "is_active", "sort_order"]
    list_filter = ["is_active", "interval"]
    search_fields = ["code", "name", "stripe_price_id"]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts point at their plan; take it off sale instead


@admin.register(CreditPack)
class CreditPackAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "credits",
        "price_cents",
        "currency",
        "stripe_price_id",
        "is_active",
        "sort_order",
    ]
    list_editable = ["credits", "is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "stripe_price_id"]

    def has_delete_permission(self, request, obj=None):
        return False  # checkouts point at their pack; take it off sale instead


class ReadOnlyLedgerInline(admin.TabularInline):
    model = CreditTransaction
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "kind",
        "amount",
        "allowance_amount",
        "balance_after",
        "shortfall",
        "job",
        "payment_reference",
        "reason",
    ]
    readonly_fields = fields
    ordering = ["-id"]
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False


class ShortfallFilter(admin.SimpleListFilter):
    title = "shortfall"
    parameter_name = "shortfall"

    def lookups(self, request, model_admin):
        return [("yes", "Owes credits (refunds or disputes of spent credits)"), ("no", "None")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(shortfall__gt=0)
        if self.value() == "no":
            return queryset.filter(shortfall=0)
        return queryset


def _table(headers: list[str], rows: list[tuple]) -> str:
    if not rows:
        return "—"
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    cells = ((format_html_join("", "<td>{}</td>", ((c,) for c in row)),) for row in rows)
    body = format_html_join("", "<tr>{}</tr>", cells)
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def _link(obj) -> str:
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, obj.id)


class GrantFields(forms.Form):
    amount = forms.IntegerField(required=False, help_text="Negative removes credits.")
    reason = forms.CharField(required=False, max_length=300)


class GrantForm(ActionForm, GrantFields):
    """The action bar with the fields of "grant credits" (no intermediate page)."""


@admin.register(CreditAccount)
class CreditAccountAdmin(AuditedAdmin):
    """A customer on one page: plan, balance and allowance, shortfall, their Stripe
    subscriptions and invoices, and the ledger. The "grant credits" action adds (or removes)
    the amount typed in the action bar, with its reason, through the ledger."""

    action_form = GrantForm
    actions = ["grant_credits"]

    list_display = [
        "user",
        "plan",
        "balance",
        "allowance",
        "allowance_expires_at",
        "shortfall",
        "updated_at",
    ]
    list_filter = [ShortfallFilter, "plan"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "plan"]
    # The balance only moves through billing.services (grant credits via the API or shell),
    # so the ledger and the balance can never disagree.
    readonly_fields = [
        "balance",
        "allowance",
        "allowance_expires_at",
        "allowance_period",
        "shortfall",
        "subscriptions",
        "invoices",
        "created_at",
        "updated_at",
    ]
    inlines = [ReadOnlyLedgerInline]

    @admin.action(description="Grant credits (amount and reason in the action bar)")
    def grant_credits(self, request, queryset):
        form = GrantFields(request.POST)
        valid = form.is_valid()
        amount = form.cleaned_data.get("amount") if valid else None
        reason = (form.cleaned_data.get("reason") or "").strip() if valid else ""
        if not amount or not reason:
            self.message_user(request, "Give a non-zero amount and a reason.", messages.ERROR)
            return
        self.run_action(
            request,
            queryset.select_related("user"),
            lambda account: services.credits_admin_grant(
                staff_user=request.user, user=account.user, amount=amount, reason=reason
            ),
            f"Granted {amount} credits",
        )

    @admin.display(description="Stripe subscriptions")
    def subscriptions(self, account):
        rows = [
            (
                _link(s),
                s.stripe_data.get("status"),
                ", ".join(i["price"]["id"] for i in s.stripe_data.get("items", {}).get("data", [])),
                "yes" if s.stripe_data.get("cancel_at_period_end") else "no",
                s.created,
            )
            for s in djstripe.Subscription.objects.filter(customer__subscriber=account.user)
        ]
        return _table(["subscription", "status", "price", "cancels at period end", "created"], rows)

    @admin.display(description="Stripe invoices")
    def invoices(self, account):
        rows = [
            (
                _link(i),
                i.stripe_data.get("number"),
                i.stripe_data.get("status"),
                f"{i.stripe_data.get('amount_paid', 0)} ({i.stripe_data.get('currency', '')})",
                i.created,
            )
            for i in djstripe.Invoice.objects.filter(customer__subscriber=account.user)[:50]
        ]
        return _table(["invoice", "number", "status", "paid (cents)", "created"], rows)

    # Accounts are opened by billing.services (with the signup grant), and deleting one would
    # cascade into its ledger: the admin does neither.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditTransaction)
class CreditTransactionAdmin(admin.ModelAdmin):
    """The ledger is append-only: it can be read and searched, never edited or deleted. The
    refund action refunds the Stripe payment behind purchase and allowance lines; Stripe's
    webhook then takes the credits back (a claw-back line)."""

    list_display = [
        "id",
        "account",
        "kind",
        "amount",
        "balance_after",
        "shortfall",
        "job",
        "payment_reference",
        "created_at",
    ]
    list_filter = ["kind", "created_at"]
    search_fields = [
        "account__user__email",
        "idempotency_key",
        "reason",
        "payment_reference",
        "stripe_payment_intent",
        "stripe_event",
    ]
    list_select_related = ["account__user", "job"]
    actions = ["refund_payment"]

    @admin.action(description="Refund the Stripe payment of the selected purchases/allowances")
    def refund_payment(self, request, queryset):
        paid = queryset.filter(kind__in=services.ledger.PAID_KINDS).exclude(
            stripe_payment_intent=""
        )
        intents = sorted(set(paid.values_list("stripe_payment_intent", flat=True)))
        if not intents:
            self.message_user(
                request, "None of these lines was paid through Stripe.", messages.WARNING
            )
        for intent in intents:
            try:
                refund = services.payment_refund(payment_intent=intent)
            except DomainError as error:
                self.message_user(request, f"{intent}: {error.detail}", messages.ERROR)
            else:
                audit_log(
                    actor=request.user,
                    action="payment.refund",
                    target_type="stripe.payment_intent",
                    target_id=intent,
                    changes={"refund": {"before": None, "after": refund.id}},
                )
                self.message_user(
                    request,
                    f"{intent}: refund {refund.id} ({refund.status}); the credits are "
                    "taken back when Stripe confirms it.",
                    messages.SUCCESS,
                )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Checkout)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = ["stripe_id", "user", "mode", "plan", "pack", "quantity", "status", "created_at"]
    list_filter = ["mode", "status"]
    search_fields = ["stripe_id", "user__email"]
    list_select_related = ["user", "plan", "pack"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceAdmin(DjstripeInvoiceAdmin):
    """dj-stripe 2.11 lists invoices with `paid`, a field Stripe's invoices no longer carry
    (API 2025-03-31 on; the client pins a later one): its changelist fails on every real
    invoice. The status says the same."""

    list_display = tuple("status" if f == "paid" else f for f in DjstripeInvoiceAdmin.list_display)

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != "paid"]


admin.site.unregister(djstripe.Invoice)
admin.site.register(djstripe.Invoice, InvoiceAdmin)

# dj-stripe's admin shows every property of a Stripe model as a read-only field, and one of
# them, `default_api_key`, is STRIPE_SECRET_KEY: every change page would print it to any staff
# member. Each of its admins is registered again without it.
SECRET_PROPERTIES = {"default_api_key"}


def _without_secrets(admin_class: type[StripeModelAdmin]) -> type[StripeModelAdmin]:
    class Hidden(admin_class):
        def get_readonly_fields(self, request, obj=None):
            shown = super().get_readonly_fields(request, obj)
            return [name for name in shown if name not in SECRET_PROPERTIES]

    Hidden.__name__ = Hidden.__qualname__ = admin_class.__name__
    return Hidden


for _model, _model_admin in list(admin.site._registry.items()):
    if isinstance(_model_admin, StripeModelAdmin):
        admin.site.unregister(_model)
        admin.site.register(_model, _without_secrets(type(_model_admin)))
