"""The dashboards API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from django.urls import path

from dashboards.api import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export/", views.DashboardExportView.as_view(), name="dashboard-export"),
    path("dashboard/score-vs-outcome/", views.ScoreOutcomeView.as_view(), name="score-outcome"),
]
