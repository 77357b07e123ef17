from django.http import HttpResponse
from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView, TokenVerifyView

from books import views


def page(title):
    return lambda request: HttpResponse(f"<!doctype html><title>{title}</title><h1>{title}</h1>")


urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
    path("api/token/verify/", TokenVerifyView.as_view()),
    path("api/logout/", views.LogoutView.as_view()),
    path("api/books/", views.BookList.as_view()),
    path("api/books/<int:pk>/", views.BookDetail.as_view()),
    path("api/profile/", views.ProfileView.as_view()),
    path("register/", page("Register")),
    path("password_reset/", page("Password reset")),
]
