from django.urls import path

from web.enterprise import views

app_name = "enterprise"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
]
