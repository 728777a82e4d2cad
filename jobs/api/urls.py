from rest_framework.routers import DefaultRouter

from jobs.api import views

router = DefaultRouter()
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = router.urls
