"""Login and logout with Django's auth views; only unit staff are let in."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from xinfang.workbench.forms import StaffAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "workbench/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "workbench:login"
