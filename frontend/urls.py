from django.urls import path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("student/", views.student, name="student"),
    path("instructor/", views.instructor_assignments, name="instructor"),
    path("instructor/assignments/<slug:slug>/", views.instructor_assignment, name="assignment"),
    path("instructor/assignments/<slug:slug>/results/", views.instructor_results, name="results"),
    path("instructor/assignments/<slug:slug>/review/", views.instructor_review, name="review"),
    path("instructor/batches/<uuid:batch_id>/", views.instructor_batch, name="batch"),
]
