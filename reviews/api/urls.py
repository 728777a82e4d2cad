"""The reviews API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from reviews.api import views

routes = [
    ("review-rounds", views.RoundViewSet, "review-round"),
    ("reviewer-pool", views.PoolMemberViewSet, "reviewer-pool"),
    ("reviewer-conflicts", views.ConflictViewSet, "reviewer-conflict"),
    ("review-assignments", views.AssignmentViewSet, "review-assignment"),
    ("my-assignments", views.MyAssignmentViewSet, "my-assignment"),
    ("reviews", views.ReviewViewSet, "review"),
    ("round-outcomes", views.OutcomeViewSet, "round-outcome"),
    ("awards", views.AwardViewSet, "award"),
]

urlpatterns = []
