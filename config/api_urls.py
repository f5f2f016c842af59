"""REST API routes (rosters in, indicators out). Every view goes through the access policy."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
