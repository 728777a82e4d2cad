"""The projects API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from projects.api import views

routes = [
    ("contests", views.ContestViewSet, "contest"),
    ("categories", views.CategoryViewSet, "category"),
    ("entries", views.EntryViewSet, "entry"),
    ("attachments", views.AttachmentViewSet, "attachment"),
]

urlpatterns = []
