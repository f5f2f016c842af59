from safechildhood.cases.views import cases, day, field, referrals, triage

app_name = "cases"
urlpatterns = [*triage.urlpatterns, *cases.urlpatterns, *day.urlpatterns]
urlpatterns += field.urlpatterns
urlpatterns += referrals.urlpatterns
