from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import views

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("users", views.UserViewSet, basename="user")
router.register("reviewers", views.ReviewerProfileViewSet, basename="reviewer")
router.register("expertise-fields", views.ExpertiseFieldViewSet, basename="expertise-field")

urlpatterns = [
    path("auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
    *router.urls,
]
