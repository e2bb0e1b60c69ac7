"""Brute-force guards: login is limited per client IP and, separately, per target email, so
neither one IP trying many accounts nor many IPs trying one account gets far."""

from rest_framework.throttling import SimpleRateThrottle


def _email_of(request) -> str:
    email = request.data.get("email") if hasattr(request.data, "get") else None
    return str(email or "").strip().lower()


class _IPThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _EmailThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        email = _email_of(request)
        if not email:
            return None  # nothing to brute-force; the IP throttle still applies
        return self.cache_format % {"scope": self.scope, "ident": email}


class LoginIPThrottle(_IPThrottle):
    scope = "login_ip"


class LoginEmailThrottle(_EmailThrottle):
    scope = "login_email"


class PasswordResetIPThrottle(_IPThrottle):
    scope = "password_reset"
    cache_format = "throttle_%(scope)s_ip_%(ident)s"


class PasswordResetEmailThrottle(_EmailThrottle):
    scope = "password_reset"
    cache_format = "throttle_%(scope)s_email_%(ident)s"
