"""HTTP routes: none; the project serves only WebSockets."""

urlpatterns = []
