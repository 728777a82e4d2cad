from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications.api import views

router = SimpleRouter()
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("notice-deliveries", views.NoticeDeliveryViewSet, basename="notice-delivery")

urlpatterns = [
    path("review-reminders/", views.RemindLateReviewersView.as_view(), name="review-reminders"),
    *router.urls,
]
