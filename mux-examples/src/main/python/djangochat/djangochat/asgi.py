"""ASGI entry point of the Django Channels chat (the Channels tutorial chat on channels_redis).

How to run it, from the directory that holds manage.py (mux-examples/src/main/python/djangochat):

    DJANGOCHAT_REDIS_URL=redis://127.0.0.1:6379 \
        /usr/bin/python3 -m daphne -b 127.0.0.1 -p 8000 djangochat.asgi:application

Needs Debian's python3-django-channels, python3-channels-redis and python3-daphne. No database.
WebSocket route: ws://127.0.0.1:8000/ws/chat/<room>/ (room: letters, digits, underscore). The
route checks the Origin header against ALLOWED_HOSTS (127.0.0.1, localhost, [::1]), so clients
must send e.g. "Origin: http://127.0.0.1:8000"; a handshake without Origin is refused (403).
The channel layer uses the default channels_redis prefix ("asgi"): the members of group
"chat_<room>" live in the Redis sorted set "asgi:group:chat_<room>".
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangochat.settings")

# Django must be set up before the routing (and so the consumers) is imported.
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

import chat.routing  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(URLRouter(chat.routing.websocket_urlpatterns)),
    }
)
