from rest_framework.routers import DefaultRouter

from reviews.api import views

router = DefaultRouter()
router.register("review-rounds", views.RoundViewSet, basename="review-round")
router.register("reviewer-pool", views.PoolMemberViewSet, basename="reviewer-pool")
router.register("reviewer-conflicts", views.ConflictViewSet, basename="reviewer-conflict")
router.register("review-assignments", views.AssignmentViewSet, basename="review-assignment")
router.register("my-assignments", views.MyAssignmentViewSet, basename="my-assignment")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("round-outcomes", views.OutcomeViewSet, basename="round-outcome")
router.register("awards", views.AwardViewSet, basename="award")

urlpatterns = router.urls
