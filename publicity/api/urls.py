"""The results notice API's routes (registered on the one router of config/api_router.py)."""

from publicity.api import views

routes = [
    ("results-notices", views.ResultsNoticeViewSet, "results-notice"),
    ("objections", views.ObjectionViewSet, "objection"),
]

urlpatterns: list = []
