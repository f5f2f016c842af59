"""Top-level routes. Each app owns its own urls module; the authorization matrix test
(safechildhood/access/tests/test_matrix.py) must have an entry for every pattern here."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from safechildhood.ui import views as ui_views

admin.site.site_header = "Safe Childhood"

urlpatterns = [
    path("healthz", ui_views.healthz, name="healthz"),
    path("", include("safechildhood.ui.urls")),
    path("accounts/", include("safechildhood.accounts.urls")),
    path("pupils/", include("safechildhood.people.urls")),
    path("audit/", include("safechildhood.audit.urls")),
    path("screening/", include("safechildhood.screening.urls")),
    path("q/", include("safechildhood.screening.answer_urls")),
    path("cases/", include("safechildhood.cases.urls")),
    path("disclosures/", include("safechildhood.disclosures.urls")),
    path("trust/", include("safechildhood.trustbox.urls")),
    path("prevention/", include("safechildhood.prevention.urls")),
    path("statistics/", include("safechildhood.statistics.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("config.api_urls")),
]
