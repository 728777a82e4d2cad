"""The live final's API routes (registered by config/api_router.py)."""

from finals.api import views

routes = [
    ("panel-draws", views.PanelDrawViewSet, "panel-draw"),
    ("panel-members", views.PanelMemberViewSet, "panel-member"),
    ("live-sessions", views.LiveSessionViewSet, "live-session"),
]

urlpatterns = []
