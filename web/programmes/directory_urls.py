"""The public studio directory at /studios/."""

from django.urls import path

from web.programmes import views

app_name = "studio_directory"

urlpatterns = [path("", views.DirectoryView.as_view(), name="list")]
