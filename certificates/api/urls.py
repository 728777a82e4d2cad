"""The certificates API's routes (registered on the one router of config/api_router.py)."""

from django.urls import path

from certificates.api import views

routes = [("certificates", views.CertificateViewSet, "certificate")]

urlpatterns = [
    path(
        "certificate-verification/",
        views.CertificateVerificationView.as_view(),
        name="certificate-verification",
    ),
]
