"""The accounts API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from django.urls import path

from accounts.api import views

routes = [
    ("organisations", views.OrganisationViewSet, "organisation"),
    ("users", views.UserViewSet, "user"),
    ("reviewers", views.ReviewerProfileViewSet, "reviewer"),
    ("expertise-fields", views.ExpertiseFieldViewSet, "expertise-field"),
]

urlpatterns = [
    path("auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
]
