#!/usr/bin/python3
"""Benchmarks channels_redis doing the same work as Mux's RedisLayerBench, for a fair ratio.

Run with Debian's Python (packages python3-channels-redis, python3-django-channels):

    /usr/bin/python3 bench_channels_redis.py --host redis://127.0.0.1:6379 \\
        --messages 20000 --window 64 --members 1000 --group-sends 50

Two workloads, each on a freshly flushed prefix, each timed after a short warm-up:

* send->receive: one process-local channel of this layer; up to ``window`` sends in flight at
  once (``window`` sender tasks, each sending its share in a loop) while one receiver task
  takes every message. Reported as messages per second, from the first send to the last
  receive.
* group fan-out: ``members`` process-local channels of this layer in one group, each with a
  receiver task; ``group-sends`` calls of ``group_send`` with up to ``window`` in flight.
  Reported as deliveries per second (group sends x members), from the first group send to the
  last delivery.

The message is ``{"type": "bench.message", "text": "hello world", "n": <int>}``. Capacity is
raised so that neither side drops: the benchmark measures throughput, not overload behaviour.

The best round of each is reported, with the least CPU time this process spent per message or
delivery in any round (``*_cpu_us``, microseconds), a figure less disturbed than throughput by
other load on the machine.

Prints one JSON object on stdout with the figures.
"""

import argparse
import asyncio
import json
import sys
import time

try:
    from channels_redis.core import RedisChannelLayer
    import channels_redis
except ImportError as e:
    sys.stderr.write(f"{e}: install with `apt-get install python3-channels-redis "
                     "python3-django-channels` and run with /usr/bin/python3\n")
    sys.exit(3)


def message(n):
    return {"type": "bench.message", "text": "hello world", "n": n}


async def send_receive(layer, count, window):
    channel = await layer.new_channel("bench")
    shares = [count // window + (1 if i < count % window else 0) for i in range(window)]

    async def sender(start, share):
        for i in range(share):
            await layer.send(channel, message(start + i))

    async def receiver():
        for _ in range(count):
            await layer.receive(channel)

    started = time.perf_counter()
    rx = asyncio.ensure_future(receiver())
    starts = [sum(shares[:i]) for i in range(window)]
    await asyncio.gather(*(sender(s, n) for s, n in zip(starts, shares)))
    await rx
    return time.perf_counter() - started


async def fan_out(layer, members, group_sends, window):
    group = "bench-fanout"
    channels = [await layer.new_channel("bench") for _ in range(members)]
    for c in channels:
        await layer.group_add(group, c)

    async def receiver(c):
        for _ in range(group_sends):
            await layer.receive(c)

    shares = [group_sends // window + (1 if i < group_sends % window else 0) for i in range(window)]

    async def sender(share):
        for i in range(share):
            await layer.group_send(group, message(i))

    started = time.perf_counter()
    receivers = [asyncio.ensure_future(receiver(c)) for c in channels]
    await asyncio.gather(*(sender(n) for n in shares if n))
    await asyncio.gather(*receivers)
    elapsed = time.perf_counter() - started
    for c in channels:
        await layer.group_discard(group, c)
    return elapsed


async def run(args):
    capacity = max(args.messages, args.group_sends) + 100
    layer = RedisChannelLayer(hosts=[args.host], prefix=args.prefix, capacity=capacity)
    await layer.flush()

    # Warm-up: the same work, smaller, so connections and code paths are hot; repeated for
    # --warmup-seconds per workload, as the Java side does (which needs it for its JIT).
    end = time.perf_counter() + args.warmup_seconds
    await send_receive(layer, max(100, args.messages // 10), args.window)
    while time.perf_counter() < end:
        await send_receive(layer, max(100, args.messages // 10), args.window)
    end = time.perf_counter() + args.warmup_seconds
    await fan_out(layer, min(args.members, 100), 5, args.window)
    while time.perf_counter() < end:
        await fan_out(layer, min(args.members, 100), 5, args.window)
    await layer.flush()

    rates, cpu = [], []
    for _ in range(args.rounds):
        c = time.process_time()
        t = await send_receive(layer, args.messages, args.window)
        cpu.append((time.process_time() - c) * 1e6 / args.messages)
        rates.append(args.messages / t)
    send_rate = max(rates)

    fan_rates, fan_cpu = [], []
    deliveries = args.members * args.group_sends
    for _ in range(args.rounds):
        c = time.process_time()
        t = await fan_out(layer, args.members, args.group_sends, args.window)
        fan_cpu.append((time.process_time() - c) * 1e6 / deliveries)
        fan_rates.append(deliveries / t)
    fan_rate = max(fan_rates)
    await layer.flush()

    return {
        "impl": "channels_redis " + getattr(channels_redis, "__version__", "?"),
        "messages": args.messages,
        "window": args.window,
        "send_receive_per_s": round(send_rate, 1),
        "send_receive_rounds": [round(r, 1) for r in rates],
        "send_receive_cpu_us": round(min(cpu), 2),
        "members": args.members,
        "group_sends": args.group_sends,
        "fanout_deliveries_per_s": round(fan_rate, 1),
        "fanout_rounds": [round(r, 1) for r in fan_rates],
        "fanout_cpu_us": round(min(fan_cpu), 3),
        "warmup_seconds": args.warmup_seconds,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", required=True, help="redis:// URI of a Redis this benchmark may flush")
    p.add_argument("--prefix", default="benchpy", help="key prefix (flushed before and after)")
    p.add_argument("--messages", type=int, default=20000)
    p.add_argument("--window", type=int, default=64, help="operations in flight at once")
    p.add_argument("--members", type=int, default=1000)
    p.add_argument("--group-sends", type=int, default=50)
    p.add_argument("--rounds", type=int, default=3, help="timed rounds; the best is reported")
    p.add_argument("--warmup-seconds", type=float, default=0,
                   help="repeat the warm-up of each workload for this long (at least once)")
    args = p.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
