"""The incubator API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from django.urls import path

from incubator.api import views

routes = [
    ("incubations", views.IncubationViewSet, "incubation"),
    ("incubation-milestones", views.MilestoneViewSet, "incubation-milestone"),
    ("incubation-support", views.SupportRecordViewSet, "incubation-support"),
    ("incubation-reports", views.IncubationReportViewSet, "incubation-report"),
]

urlpatterns = [
    path(
        "incubator-statistics/",
        views.IncubatorStatisticsView.as_view(),
        name="incubator-statistics",
    ),
]
