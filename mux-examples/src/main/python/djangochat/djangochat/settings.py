"""Settings of the Django Channels chat used as the peer of Mux in benchmarks and interop tests.

No database, no templates, no static files: the project only serves the WebSocket chat of the
Channels tutorial through channels_redis.

Environment:
  DJANGOCHAT_REDIS_URL   Redis the channel layer uses (default redis://127.0.0.1:6379).
  DJANGOCHAT_SECRET_KEY  Django secret key (default: a fixed key fit only for loopback use).
"""

import os

SECRET_KEY = os.environ.get("DJANGOCHAT_SECRET_KEY", "djangochat-loopback-only-not-secret")
DEBUG = False

# The server listens on loopback only; the origin check of the WebSocket route accepts these
# hosts (with any port).
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "channels",
    "chat",
]

MIDDLEWARE = []
ROOT_URLCONF = "djangochat.urls"
ASGI_APPLICATION = "djangochat.asgi.application"

# The chat needs no database.
DATABASES = {}

USE_TZ = True
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # Default prefix ("asgi"), expiry, group expiry and capacity of channels_redis.
        "CONFIG": {
            "hosts": [os.environ.get("DJANGOCHAT_REDIS_URL", "redis://127.0.0.1:6379")],
        },
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGOCHAT_LOG_LEVEL", "WARNING")},
}
