from django.urls import path, register_converter

from blog import converters, views

register_converter(converters.FourDigitYear, "yyyy")
register_converter(converters.TwoDigits, "dd")

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("page<int:page>/", views.PostListView.as_view(), name="home_page"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<str:slug>/", views.post_detail, name="post_detail"),
]
