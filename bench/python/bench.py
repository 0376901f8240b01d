#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python side of the client benchmark (bench/run.sh).

Runs the workloads of bench/ldlm_bench.c, with the same options and the same
output, through the official Python client (py-ldlm): its synchronous
client for the single-thread and connection workloads, and its asyncio
client for lock_unlock_mt (--threads asyncio tasks sharing one client) and
lock_unlock_mt64 / lock_unlock_mt256 (64 and 256 tasks, the same total),
and the synchronous client for held (--held locks with a 20 s lock timeout
held --hold-seconds by one client).

    bench.py --address HOST:PORT [options] WORKLOAD...
    bench.py --check          # only checks that py-ldlm is importable

Prints one line per measured repetition:

    rep python WORKLOAD REP OPS SECONDS P50_US P99_US CPU_SECONDS

(CPU_SECONDS: user + system time of the process during the repetition,
getrusage RUSAGE_SELF as in the C and Go programs), and for held:

    held python LOCKS HOLD_SECONDS CPU_SECONDS ACQUIRE_SECONDS

or "error python WORKLOAD MESSAGE" and exits 1 when a workload fails.
"""
import argparse
import asyncio
import math
import os
import resource
import sys
import time

CLIENT_NAME = "python"
# py-ldlm renews such a lock every max(20 - 30, 10) = 10 s, like the others.
HELD_LOCK_TIMEOUT_S = 20


def cpu_seconds():
    """User + system time of the whole process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def lock_name(o, workload, rep, thread, i):
    label = "warm" if rep < 0 else f"r{rep}"
    return f"bench/{o.run}/{o.tag}/{workload}/{label}/t{thread}/{i}"


def percentile_us(lat_ns, p):
    """Nearest-rank percentile in microseconds; sorts lat_ns."""
    if not lat_ns:
        return 0.0
    lat_ns.sort()
    rank = min(max(math.ceil(p / 100 * len(lat_ns)), 1), len(lat_ns))
    return lat_ns[rank - 1] / 1e3


def print_rep(workload, rep, wall_ns, lat_ns, cpu_s):
    p50 = percentile_us(lat_ns, 50)
    p99 = percentile_us(lat_ns, 99)
    print(f"rep\t{CLIENT_NAME}\t{workload}\t{rep}\t{len(lat_ns)}\t"
          f"{wall_ns / 1e9:.6f}\t{p50:.1f}\t{p99:.1f}\t{cpu_s:.6f}",
          flush=True)


def print_error(workload, err):
    msg = f"{type(err).__name__}: {err}".replace("\t", " ").replace("\n", " ")
    print(f"error\t{CLIENT_NAME}\t{workload}\t{msg}", flush=True)


class BenchFailure(Exception):
    """A lock that should have been acquired was not."""


def tls_config(o, tls):
    import ldlm
    return ldlm.TLSConfig(ca_file=o.ca) if tls else None


def new_client(o, tls=False):
    import ldlm
    # retries=0: fail at once instead of retrying forever (the default).
    return ldlm.Client(o.address, tls=tls_config(o, tls), retries=0)


def acquire_release(client, name, size=0, try_=False):
    if try_:
        lock = client.try_lock(name, size=size)
    else:
        lock = client.lock(name, size=size)
    if not lock.locked:
        raise BenchFailure(f"lock {name}: not acquired (lock busy)")
    lock.unlock()


def run_single(o, workload, iterate):
    client = new_client(o)
    try:
        for i in range(o.warmup):
            iterate(client, -1, i)
        lat = [0] * o.ops
        for rep in range(o.reps):
            cpu = cpu_seconds()
            start = time.perf_counter_ns()
            for i in range(o.ops):
                t0 = time.perf_counter_ns()
                iterate(client, rep, i)
                lat[i] = time.perf_counter_ns() - t0
            print_rep(workload, rep, time.perf_counter_ns() - start, lat,
                      cpu_seconds() - cpu)
    finally:
        client.close()


async def mt_round(o, client, workload, threads, rep, ops, lat):
    gate = asyncio.Event()

    async def task(t):
        await gate.wait()
        for i in range(ops):
            name = lock_name(o, workload, rep, t, i)
            t0 = time.perf_counter_ns()
            lock = await client.lock(name)
            if not lock.locked:
                raise BenchFailure(f"lock {name}: not acquired (lock busy)")
            await lock.unlock()
            lat[t * ops + i] = time.perf_counter_ns() - t0

    tasks = [asyncio.create_task(task(t)) for t in range(threads)]
    await asyncio.sleep(0)  # let every task reach the gate
    start = time.perf_counter_ns()
    gate.set()
    try:
        await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
    return time.perf_counter_ns() - start


async def run_multi_async(o, workload, threads):
    """threads tasks on one client; each does as many iterations as keep
    the total of the --threads run (rounded up per task)."""
    import ldlm
    client = ldlm.AsyncClient(o.address, retries=0)
    try:
        per_task = -(-(o.threads * o.mt_ops) // threads)
        warm = max(o.warmup // threads, 1)
        await mt_round(o, client, workload, threads, -1, warm,
                       [0] * (warm * threads))
        lat = [0] * (threads * per_task)
        for rep in range(o.reps):
            cpu = cpu_seconds()
            wall = await mt_round(o, client, workload, threads, rep, per_task,
                                  lat)
            print_rep(workload, rep, wall, lat, cpu_seconds() - cpu)
    finally:
        await client.close()


def connect_once(o, tls, workload, rep, i):
    """New client, first try-lock of a fresh name, close (releases it)."""
    client = new_client(o, tls)
    try:
        lock = client.try_lock(lock_name(o, workload, rep, 0, i))
        if not lock.locked:
            raise BenchFailure("try-lock: not acquired")
    finally:
        client.close()


def run_connect(o, workload, tls):
    if tls and not o.ca:
        raise BenchFailure("--ca is required")
    for i in range(min(o.warmup, 3)):
        connect_once(o, tls, workload, -1, i)
    lat = [0] * o.connect_ops
    for rep in range(o.reps):
        cpu = cpu_seconds()
        start = time.perf_counter_ns()
        for i in range(o.connect_ops):
            t0 = time.perf_counter_ns()
            connect_once(o, tls, workload, rep, i)
            lat[i] = time.perf_counter_ns() - t0
        print_rep(workload, rep, time.perf_counter_ns() - start, lat,
                  cpu_seconds() - cpu)


def run_held(o, workload):
    """One client takes o.held locks with a lock timeout (renewed by the
    client), holds them o.hold_seconds, then unlocks them all (each must
    still be held)."""
    client = new_client(o)
    try:
        locks = []
        start = time.perf_counter_ns()
        for i in range(o.held):
            name = lock_name(o, workload, 0, 0, i)
            lock = client.lock(name, lock_timeout_seconds=HELD_LOCK_TIMEOUT_S)
            if not lock.locked:
                raise BenchFailure(f"lock {name}: not acquired")
            locks.append(lock)
        acquire_s = (time.perf_counter_ns() - start) / 1e9
        cpu = cpu_seconds()
        time.sleep(o.hold_seconds)
        cpu = cpu_seconds() - cpu
        for lock in locks:
            lock.unlock()  # raises if the server no longer holds it
        print(f"held\t{CLIENT_NAME}\t{o.held}\t{o.hold_seconds}\t{cpu:.6f}\t"
              f"{acquire_s:.6f}", flush=True)
    finally:
        client.close()


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


WORKLOADS = ("lock_unlock", "trylock_size8", "lock_unlock_mt",
             "lock_unlock_mt64", "lock_unlock_mt256", "connect_plain",
             "connect_tls", "held")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true",
                   help="only check that the client package is usable")
    p.add_argument("--address")
    p.add_argument("--ca")
    p.add_argument("--tag", default="P")
    p.add_argument("--run", default=str(os.getpid()))
    p.add_argument("--reps", type=positive, default=5)
    p.add_argument("--warmup", type=positive, default=100)
    p.add_argument("--ops", type=positive, default=1000)
    p.add_argument("--threads", type=positive, default=16)
    p.add_argument("--mt-ops", type=positive, default=100)
    p.add_argument("--connect-ops", type=positive, default=20)
    p.add_argument("--held", type=positive, default=1000)
    p.add_argument("--hold-seconds", type=positive, default=60)
    p.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                   help="one of: " + " ".join(WORKLOADS))
    o = p.parse_args()
    if o.check:
        import ldlm
        for name in ("Client", "AsyncClient", "TLSConfig"):
            getattr(ldlm, name)
        for name in ("lock", "try_lock", "close"):
            getattr(ldlm.Client, name)
        import grpc  # grpcio: gRPC core with its own BoringSSL
        print(f"py-ldlm usable (grpcio {grpc.__version__}, "
              f"Python {sys.version.split()[0]})")
        return 0
    if not o.address or not o.workloads:
        p.error("--address and at least one WORKLOAD are required")
    unknown = [w for w in o.workloads if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s): {' '.join(unknown)}")

    failures = 0
    for w in o.workloads:
        try:
            if w == "lock_unlock":
                run_single(o, w, lambda c, rep, i: acquire_release(
                    c, lock_name(o, w, rep, 0, i)))
            elif w == "trylock_size8":
                name = lock_name(o, w, 0, 0, 0)
                run_single(o, w, lambda c, rep, i: acquire_release(
                    c, name, size=8, try_=True))
            elif w == "lock_unlock_mt":
                asyncio.run(run_multi_async(o, w, o.threads))
            elif w == "lock_unlock_mt64":
                asyncio.run(run_multi_async(o, w, 64))
            elif w == "lock_unlock_mt256":
                asyncio.run(run_multi_async(o, w, 256))
            elif w == "held":
                run_held(o, w)
            elif w == "connect_plain":
                run_connect(o, w, False)
            elif w == "connect_tls":
                run_connect(o, w, True)
        except Exception as err:  # report any failure as an "error" line
            print_error(w, err)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
