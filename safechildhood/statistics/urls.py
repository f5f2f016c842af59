"""Pages of statistics: the public page and the official figures (list, export, template,
upload with preview, confirmation)."""

from django.urls import path

from safechildhood.statistics import views, views_dashboard
from safechildhood.statistics.reports import views as report_views

app_name = "statistics"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("public/", views.public, name="public"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("figures/", views.figure_list, name="figure-list"),
    path("figures/figures.xlsx", views.figure_export, name="figure-export"),
    path("figures/template.xlsx", views.figure_template, name="figure-template"),
    path("figures/import/", views.figure_import_create, name="figure-import-create"),
    path("figures/import/<int:pk>/", views.figure_import_detail, name="figure-import-detail"),
    path("figures/import/<int:pk>/commit/", views.figure_import_commit,
         name="figure-import-commit"),
    path("figures/import/<int:pk>/discard/", views.figure_import_discard,
         name="figure-import-discard"),
    # official reports
    path("reports/", report_views.report_list, name="report-list"),
    path("reports/new/", report_views.report_create, name="report-create"),
    path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
    path("reports/<int:pk>/retry/", report_views.report_retry, name="report-retry"),
    path("reports/<int:pk>/report.xlsx", report_views.report_download,
         {"file_format": "xlsx"}, name="report-xlsx"),
    path("reports/<int:pk>/report.pdf", report_views.report_download,
         {"file_format": "pdf"}, name="report-pdf"),
]
