"""Pages of statistics: the public page and the official figures (list, export, template,
upload with preview, confirmation)."""

from django.urls import path

from safechildhood.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("public/", views.public, name="public"),
    path("figures/", views.figure_list, name="figure-list"),
    path("figures/figures.xlsx", views.figure_export, name="figure-export"),
    path("figures/template.xlsx", views.figure_template, name="figure-template"),
    path("figures/import/", views.figure_import_create, name="figure-import-create"),
    path("figures/import/<int:pk>/", views.figure_import_detail, name="figure-import-detail"),
    path("figures/import/<int:pk>/commit/", views.figure_import_commit,
         name="figure-import-commit"),
    path("figures/import/<int:pk>/discard/", views.figure_import_discard,
         name="figure-import-discard"),
]
