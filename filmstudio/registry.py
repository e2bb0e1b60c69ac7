"""Small registries through which the apps contribute to staff views no single app owns.

The floor imports no app, so a view that shows everything about a user, or the site's
analytics, cannot ask each app itself. Instead each app registers a selector in its
`AppConfig.ready()`:

    user_sections.register("jobs", jobs.selectors.user_jobs_section)

and the floor's (or accounts') view calls every registered function. The registered
functions only read; each returns plain JSON-ready data.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Registry:
    def __init__(self, what: str):
        self.what = what
        self._entries: dict[str, Callable[..., Any]] = {}

    def register(self, name: str, function: Callable[..., Any]) -> None:
        known = self._entries.get(name)
        if known is not None and known is not function:
            raise ImproperlyConfigured(f"{self.what}: {name!r} registered twice")
        self._entries[name] = function

    def __iter__(self) -> Iterator[tuple[str, Callable[..., Any]]]:
        return iter(sorted(self._entries.items()))

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def get(self, name: str) -> Callable[..., Any]:
        return self._entries[name]


# name -> fn(*, user) -> dict: a section of the staff's user detail (GET /admin/users/{id}).
user_sections = Registry("user detail sections")
# name -> fn() -> QuerySet of the ids of users who have a property: a yes/no filter of the
# staff's user list (`?has_failed_jobs=true`).
user_filters = Registry("user list filters")
# name -> fn(*, start, end, interval) -> dict: series of GET /admin/analytics.
analytics_sources = Registry("analytics sources")
# name -> fn(*, user) -> None: what an app forgets of a person whose account is deleted
# (anonymised). Ledger and audit rows stay.
user_erasers = Registry("personal data erasers")
# name -> fn() -> [(metric name, documentation, {label: value}, value)]: the platform's state
# on GET /metrics, read at scrape time (jobs by status, queue depths, credits...).
metrics_sources = Registry("metrics sources")
