"""The jobs API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from jobs.api import views

routes = [
    ("jobs", views.JobViewSet, "job"),
]

urlpatterns = []
