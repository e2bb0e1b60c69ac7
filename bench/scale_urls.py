"""bench/scale.py's URLs: the site's, plus bare Django views returning the same rows as
`GET /api/v1/projects` and `GET /api/v1/jobs` (the floor of the API throughput figure)."""

from django.http import JsonResponse
from django.urls import include, path

from jobs.models import Job
from projects.models import Project

BENCH_USER_ID = {"id": 0}  # set by the benchmark: the bare views skip authentication


def bare_projects(request):
    rows = Project.objects.filter(owner_id=BENCH_USER_ID["id"]).order_by("-id")[:20]
    return JsonResponse({"results": list(rows.values())})


def bare_jobs(request):
    rows = Job.objects.filter(owner_id=BENCH_USER_ID["id"]).order_by("-id")[:20]
    return JsonResponse({"results": list(rows.values())})


urlpatterns = [
    path("bare/projects", bare_projects),
    path("bare/jobs", bare_jobs),
    path("", include("filmstudio.urls")),
]
