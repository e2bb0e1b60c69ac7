from django.urls import path

from . import apis, staff_apis

urlpatterns = [
    path("jobs", apis.JobListCreateApi.as_view(), name="job-list"),
    path("jobs/batch", apis.JobBatchCreateApi.as_view(), name="job-batch"),
    path("jobs/batch/<uuid:batch_id>", apis.JobBatchDetailApi.as_view(), name="job-batch-detail"),
    path(
        "jobs/batch/<uuid:batch_id>/cancel",
        apis.JobBatchCancelApi.as_view(),
        name="job-batch-cancel",
    ),
    path("jobs/stats", apis.JobStatsApi.as_view(), name="job-stats"),
    path("jobs/estimate", apis.JobEstimateApi.as_view(), name="job-estimate"),
    path("scripts/analyse", apis.ScriptAnalyseApi.as_view(), name="script-analyse"),
    path("jobs/<int:pk>", apis.JobDetailApi.as_view(), name="job-detail"),
    path("jobs/<int:pk>/cancel", apis.JobCancelApi.as_view(), name="job-cancel"),
    path("jobs/<int:pk>/retry", apis.JobRetryApi.as_view(), name="job-retry"),
    path(
        "jobs/<int:pk>/valid-transitions",
        apis.JobValidTransitionsApi.as_view(),
        name="job-valid-transitions",
    ),
    path("jobs/<int:pk>/status", apis.JobStatusApi.as_view(), name="job-status"),
    path("jobs/<int:pk>/download-url", apis.JobDownloadUrlApi.as_view(), name="job-download-url"),
    path("jobs/<int:pk>/events", apis.JobEventsStreamApi.as_view(), name="job-events"),
    path("admin/jobs/failed", staff_apis.FailedJobListApi.as_view(), name="admin-failed-jobs"),
    path("admin/jobs/retry", staff_apis.FailedJobBulkRetryApi.as_view(), name="admin-jobs-retry"),
    path(
        "admin/jobs/<int:pk>/retry", staff_apis.FailedJobRetryApi.as_view(), name="admin-job-retry"
    ),
    path(
        "projects/<int:pk>/regenerate",
        apis.ProjectRegenerateApi.as_view(),
        name="project-regenerate",
    ),
]
