"""The notifications API's routes: `routes` are registered on the one router of config/api_router.py;
`urlpatterns` holds its plain views."""

from notifications.api import views

routes = [
    ("notices", views.NoticeViewSet, "notice"),
    ("notice-deliveries", views.NoticeDeliveryViewSet, "notice-delivery"),
]

urlpatterns = []
