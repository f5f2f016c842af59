from django.urls import path

from safechildhood.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.otp_verify, name="otp-verify"),
    path("second-factor/", views.otp_setup, name="otp-setup"),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.password_change, name="password-change"),
    path("me/role/", views.membership_switch, name="membership-switch"),
]
