from rest_framework.routers import DefaultRouter

from projects.api import views

router = DefaultRouter()
router.register("contests", views.ContestViewSet, basename="contest")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("entries", views.EntryViewSet, basename="entry")
router.register("attachments", views.AttachmentViewSet, basename="attachment")

urlpatterns = router.urls
