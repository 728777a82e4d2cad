"""Sign-in and accounts, the role landing, the inbox. Thin: Django's auth views and the
accounts/notifications services and selectors do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.services import user_password_change
from notifications.selectors import notices_of, notices_unread_count
from notifications.services import notice_mark_read, notices_mark_all_read
from web.common import registry
from web.common.forms import PasswordResetForm, SignInForm
from web.common.htmx import render_page
from web.common.links import local_next, notice_page_url


class SignInView(auth_views.LoginView):
    template_name = "common/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"page_title": _("Sign in")}

    def form_invalid(self, form):
        # The per-account lockout (django-axes, inside authenticate()) marks the request; the
        # page says why instead of repeating "wrong password", and answers 429 like the API.
        if getattr(self.request, "axes_locked_out", False):
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Too many failed sign-ins for this account. It is locked for a while; "
                    "try again later or reset your password."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if user.must_change_password:
            messages.warning(
                self.request,
                _("You are signed in with an issued password. Please choose your own now."),
            )
            return redirect(f"{reverse('common:password_change')}?next={self.get_success_url()}")
        return response


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "common/password_change.html"
    extra_context = {"page_title": _("Change password")}

    def get_success_url(self):
        return local_next(self.request, reverse("common:landing"))

    def form_valid(self, form):
        user = user_password_change(
            user=self.request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "common/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("common:password_reset_done")
    extra_context = {"page_title": _("Reset password")}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "common/password_reset_done.html"
    extra_context = {"page_title": _("Reset password")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "common/password_reset_confirm.html"
    success_url = reverse_lazy("common:login")
    extra_context = {"page_title": _("Choose a new password")}

    def form_valid(self, form):
        user_password_change(user=self.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password has been set. Sign in with it now."))
        return redirect(self.success_url)


def landing(request):
    """After sign-in: the page of the user's main role (declared by each audience app)."""
    if not request.user.is_authenticated:
        return redirect("common:login")
    url = registry.landing_url_for(request.user)
    if url:
        return redirect(url)
    return render(request, "common/landing.html", {"page_title": _("Welcome")})


def _signed_in(view):
    from django.contrib.auth.decorators import login_required

    return login_required(view)


@_signed_in
def inbox(request):
    page = Paginator(notices_of(request.user).order_by("-created_at", "-pk"), 20).get_page(
        request.GET.get("page")
    )
    context = {
        "page_title": _("Inbox"),
        "breadcrumbs": [(_("Inbox"), None)],
        "page_obj": page,
        "notices": page.object_list,
    }
    return render_page(request, "common/inbox.html", context, partial="notice-list")


@_signed_in
def notice_open(request, pk: int):
    """Opening a notice marks it read and goes to the page it is about (or shows its text)."""
    notice = get_object_or_404(notices_of(request.user), pk=pk)
    if notice.read_at is None:
        notice = notice_mark_read(notice=notice)
    target = notice_page_url(notice)
    context = {
        "page_title": notice.title,
        "breadcrumbs": [(_("Inbox"), reverse("common:inbox")), (notice.title, None)],
        "notice": notice,
        "target_url": target,
    }
    return render(request, "common/notice.html", context)


@require_POST
@_signed_in
def inbox_read_all(request):
    count = notices_mark_all_read(recipient=request.user)
    messages.success(request, _("%(count)d notices marked as read.") % {"count": count})
    return redirect("common:inbox")


@_signed_in
def unread_badge(request):
    """The header's unread count, polled by htmx."""
    return render(
        request,
        "common/partials/unread_badge.html",
        {"unread_notices": notices_unread_count(request.user)},
    )
