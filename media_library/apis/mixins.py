from ..errors import QuotaExceeded


class QuotaHeadersMixin:
    """A quota refusal says when the quota resets (Retry-After)."""

    error_statuses = ("429",)  # the weekly quota (filmstudio.schema documents it)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, QuotaExceeded) and exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
