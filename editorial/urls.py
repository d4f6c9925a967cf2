from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("<str:token>/", views.share_preview, name="share_preview"),
]
