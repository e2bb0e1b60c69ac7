"""Brute-force guards: login is limited per client IP and, separately, per target email, so
neither one IP trying many accounts nor many IPs trying one account gets far.

The email throttle's key is a digest of the normalised address, never the raw body: any
string a client sends (however long, whatever its characters) makes a valid cache key. The
client IP is the connection's unless settings say how many proxies to trust (NUM_PROXIES)."""

import hashlib

from rest_framework.throttling import SimpleRateThrottle


def _email_digest(request) -> str:
    email = request.data.get("email") if hasattr(request.data, "get") else None
    if not isinstance(email, str):
        return ""  # a non-string email fails validation; the IP throttle still applies
    normalised = email.strip().lower()
    if not normalised:
        return ""
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()


class _IPThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _EmailThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        digest = _email_digest(request)
        if not digest:
            return None  # nothing to brute-force; the IP throttle still applies
        return self.cache_format % {"scope": self.scope, "ident": digest}


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
