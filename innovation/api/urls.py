"""The innovation API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from django.urls import path

from innovation.api import views

routes = [
    ("studios", views.StudioViewSet, "studio"),
    ("studio-applications", views.StudioApplicationViewSet, "studio-application"),
    ("studio-assessments", views.StudioAssessmentViewSet, "studio-assessment"),
    ("studio-directory", views.StudioDirectoryViewSet, "studio-directory"),
]

urlpatterns = [
    path("studio-statistics/", views.StudioStatisticsView.as_view(), name="studio-statistics"),
]
