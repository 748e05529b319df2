"""Django settings for the Python side of Mux's worker interop tests.

A minimal project: Channels plus a channels_redis layer whose Redis comes from the
MUX_REDIS_URL environment variable (for example redis://127.0.0.1:6379). Run a worker with

    MUX_REDIS_URL=redis://127.0.0.1:6379 python3 -m django runworker py-jobs \
        --settings=mux_worker_settings

with this directory on PYTHONPATH.
"""

import os

SECRET_KEY = "mux-worker-interop-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
ASGI_APPLICATION = "mux_worker_app.application"
USE_TZ = True

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ["MUX_REDIS_URL"]]},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.channels.worker": {"handlers": ["stderr"], "level": "INFO"}},
}
