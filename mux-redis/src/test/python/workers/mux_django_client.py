"""A Django-side client of Mux workers: sends messages to a named channel with channels_redis
and, optionally, waits for what comes back on a group, printing each message as a JSON line.

    python3 mux_django_client.py --redis URL --channel thumbnails-generate \
        --message '{"type": "generate", "id": 42}' [--group thumbnails --expect 1]

With --count N the message is sent N times with "id" set to 0..N-1; a full channel is
retried until the workers make room.
"""

import argparse
import asyncio
import json
import sys

from channels.exceptions import ChannelFull
from channels_redis.core import RedisChannelLayer


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", required=True)
    parser.add_argument("--channel", required=True)
    parser.add_argument("--message", required=True, help="a JSON object")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--group")
    parser.add_argument("--expect", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    layer = RedisChannelLayer(hosts=[args.redis])
    template = json.loads(args.message)
    me = None
    if args.group:
        # Join before sending, so no reply can be missed.
        me = await layer.new_channel()
        await layer.group_add(args.group, me)
    for i in range(args.count):
        message = dict(template)
        if args.count > 1:
            message["id"] = i
        while True:
            try:
                await layer.send(args.channel, message)
                break
            except ChannelFull:
                # Back-pressure: the workers are behind; wait a little and try again.
                await asyncio.sleep(0.01)
    sys.stdout.write("SENT %d\n" % args.count)
    sys.stdout.flush()
    for _ in range(args.expect):
        reply = await asyncio.wait_for(layer.receive(me), args.timeout)
        sys.stdout.write(json.dumps(reply, sort_keys=True) + "\n")
        sys.stdout.flush()
    if me:
        await layer.group_discard(args.group, me)
    await layer.close_pools()


if __name__ == "__main__":
    asyncio.run(main())
