from django.urls import path
from rest_framework.routers import SimpleRouter

from innovation.api import views

router = SimpleRouter()
router.register("studios", views.StudioViewSet, basename="studio")
router.register(
    "studio-applications", views.StudioApplicationViewSet, basename="studio-application"
)
router.register("studio-assessments", views.StudioAssessmentViewSet, basename="studio-assessment")
router.register("studio-directory", views.StudioDirectoryViewSet, basename="studio-directory")

urlpatterns = [
    path("studio-statistics/", views.StudioStatisticsView.as_view(), name="studio-statistics"),
    *router.urls,
]
