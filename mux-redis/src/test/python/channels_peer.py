#!/usr/bin/python3
"""A channels_redis peer driven over stdin/stdout, for Mux's interoperability tests.

Run with Debian's Python, which has the packages python3-channels-redis and
python3-django-channels:

    /usr/bin/python3 channels_peer.py '{"hosts": ["redis://127.0.0.1:6379"], "prefix": "asgi"}'

The single argument is a JSON object with the RedisChannelLayer options ``hosts`` (a list of
redis:// URLs, in shard order), ``prefix``, ``symmetric_encryption_keys``, ``capacity``,
``expiry`` and ``group_expiry``; absent options keep channels_redis' defaults.

Protocol: one JSON object per line in each direction.

* On start the peer writes ``{"event": "ready", "client_prefix": ..., "versions": {...}}``, or
  ``{"event": "fatal", "error": ..., "detail": ..., "install": ...}`` and exits with status 3
  when a module is missing.
* Requests are ``{"id": <int>, "cmd": <name>, ...}``; every request gets exactly one reply
  ``{"id": <int>, "ok": true, "result": <value>}`` or
  ``{"id": <int>, "ok": false, "error": <exception class name>, "detail": <text>}``.
  Requests run concurrently, so a slow ``receive`` does not hold up a later ``send``; a client
  that needs ordering waits for the reply before sending the next request.
* Commands: ``new_channel`` (prefix?), ``send`` (channel, message), ``group_add`` /
  ``group_discard`` (group, channel), ``group_send`` (group, message), ``receive`` (channel,
  timeout in seconds; error ``Timeout`` when nothing arrives), ``flush``, ``info``, ``quit``.

JSON cannot tell bytes from str, nor keep a float that happens to be integral, so message values
travel in a tagged encoding:

* str, bool, None, list: as JSON.
* int: a JSON number without fraction or exponent (any size; channels_redis limits it to
  msgpack's int64/uint64).
* float: a JSON number that always has a fraction or exponent, or ``{"$float": "nan"}``,
  ``{"$float": "inf"}``, ``{"$float": "-inf"}``.
* bytes: ``{"$bytes": "<base64>"}``.
* dict: a JSON object; a dict that has exactly one key and that key starts with ``$`` is
  escaped as ``{"$map": {...}}`` so it cannot be mistaken for a tag.
"""

import asyncio
import base64
import json
import math
import sys

INSTALL_HINT = (
    "apt-get install python3-channels-redis python3-django-channels "
    "(and run this script with /usr/bin/python3)"
)


def fatal(error, detail):
    """Reports a start-up failure on stdout (for the driver) and stderr (for humans)."""
    line = {"event": "fatal", "error": error, "detail": detail, "install": INSTALL_HINT}
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    sys.stderr.write(f"channels_peer: {error}: {detail}; install with: {INSTALL_HINT}\n")
    sys.exit(3)


try:
    import msgpack
    import channels
    import channels_redis
    from channels_redis.core import RedisChannelLayer
except ImportError as e:  # ModuleNotFoundError included
    fatal(type(e).__name__, str(e))


# ---------------------------------------------------------------------------------------------
# Tagged encoding


def encode(value):
    """Turns a value received from the layer into its tagged JSON form."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value  # json writes floats with a fraction or an exponent (repr)
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"map key {k!r} of type {type(k).__name__} is not a str")
            out[k] = encode(v)
        if len(out) == 1 and next(iter(out)).startswith("$"):
            return {"$map": out}
        return out
    raise TypeError(f"cannot encode a value of type {type(value).__name__}")


def decode(value):
    """Turns a tagged JSON value into the Python value to hand to the layer."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag == "$bytes":
                return base64.b64decode(inner, validate=True)
            if tag == "$float":
                return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[inner]
            if tag == "$map":
                return {k: decode(v) for k, v in inner.items()}
            if tag.startswith("$"):
                raise ValueError(f"unknown tag {tag!r}")
        return {k: decode(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------
# Commands


class Peer:
    def __init__(self, layer):
        self.layer = layer
        self.quitting = asyncio.Event()
        self.tasks = set()

    async def new_channel(self, req):
        return await self.layer.new_channel(req.get("prefix", "specific"))

    async def send(self, req):
        await self.layer.send(req["channel"], decode(req["message"]))

    async def group_add(self, req):
        await self.layer.group_add(req["group"], req["channel"])

    async def group_discard(self, req):
        await self.layer.group_discard(req["group"], req["channel"])

    async def group_send(self, req):
        await self.layer.group_send(req["group"], decode(req["message"]))

    async def receive(self, req):
        timeout = float(req.get("timeout", 5))
        try:
            message = await asyncio.wait_for(self.layer.receive(req["channel"]), timeout)
        except asyncio.TimeoutError:
            raise Timeout(f"nothing received on {req['channel']} within {timeout} s") from None
        return encode(message)

    async def flush(self, req):
        await self.layer.flush()

    async def info(self, req):
        return {
            "client_prefix": self.layer.client_prefix,
            "ring_size": self.layer.ring_size,
            "prefix": self.layer.prefix,
        }

    async def quit(self, req):
        self.quitting.set()

    async def handle(self, req):
        rid = req.get("id") if isinstance(req, dict) else None
        try:
            if not isinstance(req, dict) or not isinstance(req.get("cmd"), str):
                raise ValueError("a request must be an object with a string 'cmd'")
            cmd = req["cmd"]
            if cmd.startswith("_") or cmd in ("handle", "run") or not hasattr(self, cmd):
                raise ValueError(f"unknown command {cmd!r}")
            result = await getattr(self, cmd)(req)
            reply = {"id": rid, "ok": True, "result": result}
        except asyncio.CancelledError:
            write({"id": rid, "ok": False, "error": "Cancelled", "detail": "the peer is quitting"})
            raise
        except Exception as e:  # every failure is reported to the driver, never swallowed
            detail = str(e) or repr(e)
            reply = {"id": rid, "ok": False, "error": type(e).__name__, "detail": detail}
        write(reply)

    async def run(self):
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=64 * 1024 * 1024)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        write({
            "event": "ready",
            "client_prefix": self.layer.client_prefix,
            "versions": {
                "python": sys.version.split()[0],
                "channels": getattr(channels, "__version__", "?"),
                "channels_redis": getattr(channels_redis, "__version__", "?"),
                "msgpack": ".".join(map(str, msgpack.version)),
            },
        })
        while not self.quitting.is_set():
            line = await reader.readline()
            if not line:
                break  # the driver went away: stop
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
            except ValueError as e:
                write({"id": None, "ok": False, "error": "BadRequest", "detail": f"invalid JSON: {e}"})
                continue
            task = asyncio.ensure_future(self.handle(req))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            if isinstance(req, dict) and req.get("cmd") == "quit":
                await task
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.wait(list(self.tasks))
        await self.layer.close_pools()


class Timeout(Exception):
    """Nothing arrived on a channel in time."""


def write(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=True, allow_nan=False) + "\n")
    sys.stdout.flush()


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: channels_peer.py '<layer options as JSON>'\n")
        sys.exit(2)
    options = json.loads(sys.argv[1])
    allowed = {"hosts", "prefix", "symmetric_encryption_keys", "capacity", "expiry", "group_expiry"}
    unknown = set(options) - allowed
    if unknown:
        sys.stderr.write(f"channels_peer: unknown options {sorted(unknown)}; allowed {sorted(allowed)}\n")
        sys.exit(2)
    layer = RedisChannelLayer(**options)
    asyncio.run(Peer(layer).run())


if __name__ == "__main__":
    main()
