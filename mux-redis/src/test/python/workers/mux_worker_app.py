"""The ASGI application of the worker interop tests: Channels' ChannelNameRouter with one
worker consumer, the Django counterpart of a Mux WorkerConsumer.

For each {"type": "job", "id": N} it receives, the consumer prints "HANDLED N" on stdout (the
test counts these lines) and, if the message names a "reply_to" channel, sends
{"type": "job.done", "id": N, "by": "python"} there.
"""

import sys

import django

django.setup()

from channels.consumer import AsyncConsumer  # noqa: E402
from channels.routing import ChannelNameRouter  # noqa: E402


class JobConsumer(AsyncConsumer):
    async def job(self, message):
        job_id = message["id"]
        sys.stdout.write("HANDLED %d %s\n" % (job_id, self.scope["channel"]))
        sys.stdout.flush()
        reply_to = message.get("reply_to")
        if reply_to:
            await self.channel_layer.send(
                reply_to, {"type": "job.done", "id": job_id, "by": "python"}
            )


application = ChannelNameRouter(
    {
        "py-jobs": JobConsumer.as_asgi(),
        "shared-jobs": JobConsumer.as_asgi(),
    }
)
