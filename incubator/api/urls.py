from django.urls import path
from rest_framework.routers import SimpleRouter

from incubator.api import views

router = SimpleRouter()
router.register("incubations", views.IncubationViewSet, basename="incubation")
router.register("incubation-milestones", views.MilestoneViewSet, basename="incubation-milestone")
router.register("incubation-support", views.SupportRecordViewSet, basename="incubation-support")
router.register("incubation-reports", views.IncubationReportViewSet, basename="incubation-report")

urlpatterns = [
    path(
        "incubator-statistics/",
        views.IncubatorStatisticsView.as_view(),
        name="incubator-statistics",
    ),
    *router.urls,
]
