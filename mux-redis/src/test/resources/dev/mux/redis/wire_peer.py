"""A channels_redis peer for the wire tests, driven by one JSON argument.

mode "send": performs the listed send / group_send operations, then prints {"done": true}.
mode "receive": creates a channel, adds it to a group, prints {"channel": name}, then receives
"count_local" messages on it and "count_worker" on the normal channel "worker", and prints
{"received": [...]} with each value tagged by its Python type.
Binary values travel through JSON as {"$bytes": base64}.
"""
import asyncio
import base64
import json
import sys

from channels_redis.core import RedisChannelLayer


def to_json(value):
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def from_json(value):
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return base64.b64decode(value["$bytes"])
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def typed(message):
    return {"message": to_json(message), "types": {k: type(v).__name__ for k, v in message.items()}}


async def main():
    cfg = json.loads(sys.argv[1])
    layer = RedisChannelLayer(hosts=cfg["hosts"], symmetric_encryption_keys=cfg.get("keys") or None)
    if cfg["mode"] == "send":
        for op in cfg["ops"]:
            if op["op"] == "send":
                await layer.send(op["channel"], from_json(op["message"]))
            else:
                await layer.group_send(op["group"], from_json(op["message"]))
        print(json.dumps({"done": True}), flush=True)
    else:
        channel = await layer.new_channel()
        await layer.group_add(cfg["group"], channel)
        print(json.dumps({"channel": channel}), flush=True)
        received = []
        for _ in range(cfg["count_local"]):
            received.append(typed(await asyncio.wait_for(layer.receive(channel), 20)))
        for _ in range(cfg["count_worker"]):
            received.append(typed(await asyncio.wait_for(layer.receive(cfg["worker"]), 20)))
        print(json.dumps({"received": received}), flush=True)
    await layer.close_pools()


asyncio.run(main())
