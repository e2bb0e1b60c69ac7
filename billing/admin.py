from django.contrib import admin

from .models import CreditAccount, CreditTransaction


class ReadOnlyLedgerInline(admin.TabularInline):
    model = CreditTransaction
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "amount", "balance_after", "job", "reason"]
    readonly_fields = fields
    ordering = ["-id"]
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "balance", "updated_at"]
    list_filter = ["plan"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    # The balance only moves through billing.services (grant credits via the API or shell),
    # so the ledger and the balance can never disagree.
    readonly_fields = ["balance", "created_at", "updated_at"]
    inlines = [ReadOnlyLedgerInline]

    # Accounts are opened by billing.services (with the signup grant), and deleting one would
    # cascade into its ledger: the admin does neither.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditTransaction)
class CreditTransactionAdmin(admin.ModelAdmin):
    """The ledger is append-only: it can be read and searched, never edited or deleted."""

    list_display = ["id", "account", "kind", "amount", "balance_after", "job", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["account__user__email", "idempotency_key", "reason", "payment_reference"]
    list_select_related = ["account__user", "job"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
