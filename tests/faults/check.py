#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check.py - reads the records of a fault run (harness.py) and reports every
moment at which a lock had more holders than its size: two holders of a
size-1 lock, more than N of a size-N lock, with the faults that preceded it.

A holder's interval runs from the moment it got the lock (ldlm_lock
returned, or its `ldlm run` command started) to the moment it learnt that
it no longer had it (a check before a use, or SIGTERM from ldlm), or to its
last check before it unlocked. These are the times during which it could
have used the lock, so they must never overlap beyond the lock's size.

One kind of overlap is outside what a client can promise, and is reported
apart with its size: a holder frozen (SIGSTOP) in the middle of a use, and
for longer than its lock had left. The server releases the lock while the
holder cannot run; when it runs again it learns at its next check (or from
ldlm's SIGTERM) that the lock is gone, but the use it was in the middle of
has overlapped the next holder. Such an overlap is excused only if it
starts during the freeze and the holder learnt of the loss within --slack
seconds of being continued (and, for a libldlm client, no check after the
freeze said it still held the lock); anything else is a violation.

Output: faults injected by kind, acquisitions, overlaps (violations: goal
0), the excused windows, and the longest time from a fault to a holder
giving up. Exit status 1 on any violation, too few acquisitions, or a
failure reported by the harness.

Usage: check.py DIR [--slack SECONDS] [--min-acquisitions N]
"""
import argparse
import glob
import os
import sys
from collections import defaultdict


class Hold:
    __slots__ = ("cid", "pid", "lock", "size", "acq", "last_ok", "end", "how",
                 "detail", "kind", "side")

    def lost(self):
        return self.how in ("lost-check", "lost-callback", "terminated",
                            "died")


def parse(dirname):
    clients = {}
    path = os.path.join(dirname, "clients.txt")
    for line in open(path):
        w = line.split()
        if w and w[0] == "client":
            clients[w[1]] = {"kind": w[2], "lock": w[3], "size": int(w[4]),
                             "timeout": int(w[5]), "side": w[6]}
    holds, losts, faults, skipped = [], [], [], {}
    for line in open(os.path.join(dirname, "faults.log")):
        w = line.split()
        if w and w[0] == "fault":
            faults.append({"kind": w[1], "start": int(w[2]),
                           "end": int(w[3]), "target": w[4],
                           "detail": w[5] if len(w) > 5 else "-"})
        elif w and w[0] == "skipped":
            skipped[w[1]] = " ".join(w[2:]).replace("_", " ")
    for rec in sorted(glob.glob(os.path.join(dirname, "*.rec"))):
        for line in open(rec, errors="replace"):
            w = line.split()
            if not w:
                continue
            if w[0] == "hold" and len(w) >= 10:
                h = Hold()
                h.cid, h.pid, h.lock = w[1], int(w[2]), w[3]
                h.size = int(w[4])
                h.acq, h.last_ok, h.end = int(w[5]), int(w[6]), int(w[7])
                h.how, h.detail = w[8], w[9]
                meta = clients.get(h.cid, {})
                h.kind = meta.get("kind", "?")
                h.side = meta.get("side", "?")
                holds.append(h)
            elif w[0] == "lost" and len(w) >= 6:
                losts.append({"cid": w[1], "lock": w[3], "t": int(w[4]),
                              "reason": w[5]})
            elif w[0] == "fault" and len(w) >= 5 and w[1] == "expiry":
                faults.append({"kind": "lock-expiry(hold)", "start": int(w[3]),
                               "end": int(w[4]), "target": w[2],
                               "detail": "-"})
    faults.sort(key=lambda f: f["start"])
    return clients, holds, losts, faults, skipped


def overlaps(holds, size):
    """Segments during which more than `size` holds are active: a list of
    (start, end, [holds]). Touching intervals do not overlap."""
    events = []
    for h in holds:
        if h.end > h.acq:
            events.append((h.acq, 1, id(h), h))
            events.append((h.end, 0, id(h), h))
    events.sort(key=lambda e: (e[0], e[1]))  # ends before starts
    active = {}
    segs = []
    for i, (t, kind, key, h) in enumerate(events):
        if kind == 1:
            active[key] = h
        else:
            active.pop(key, None)
        nxt = events[i + 1][0] if i + 1 < len(events) else t
        if len(active) > size and nxt > t:
            segs.append((t, nxt, list(active.values())))
    # Merge consecutive segments of one episode.
    episodes = []
    for s, e, hs in segs:
        if episodes and episodes[-1][1] == s:
            episodes[-1][1] = e
            episodes[-1][2].append((s, e, hs))
        else:
            episodes.append([s, e, [(s, e, hs)]])
    return episodes


def excuse(h, s, e, faults, slack_us):
    """The client-stop fault that puts segment [s, e] of hold h outside the
    guarantee, or None."""
    for f in faults:
        if f["kind"] != "client-stop" or f["target"] != h.cid:
            continue
        fs, fe = f["start"], f["end"]
        if not (h.acq <= fs <= s):
            continue  # held before the freeze, overlap begins during it
        if h.end > fe + slack_us:
            continue  # learnt too late after being continued
        if h.kind in ("lib", "go") and h.last_ok > fe:
            continue  # a check after the freeze said held: no excuse
        return f
    return None


def fmt_s(us):
    return "%.3f s" % (us / 1e6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--slack", type=float, default=1.0)
    ap.add_argument("--min-acquisitions", type=int, default=50)
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    slack_us = int(args.slack * 1e6)
    clients, holds, losts, faults, skipped = parse(args.dir)
    out = []
    say = out.append
    t0 = min([h.acq for h in holds] + [f["start"] for f in faults] or [0])

    say("== fault test%s ==" % (": " + args.title if args.title else ""))
    by_kind = defaultdict(list)
    for f in faults:
        by_kind[f["kind"]].append(f)
    injected = [f for f in faults if f["kind"] != "lock-expiry(hold)"]
    say("faults injected: %d" % len(injected))
    for kind in ("kill9-restart-state", "kill9-restart-nostate",
                 "kill9-restart-fresh", "server-stop", "client-stop",
                 "partition", "lock-expiry"):
        fs = by_kind.get(kind, [])
        if kind == "partition" and "partition" in skipped:
            say("  %-22s skipped: %s" % (kind, skipped["partition"]))
            continue
        extra = ""
        if fs and kind in ("server-stop", "client-stop", "partition"):
            d = [(f["end"] - f["start"]) for f in fs]
            extra = " (%s to %s)" % (fmt_s(min(d)), fmt_s(max(d)))
        if kind == "client-stop" and fs:
            longs = sum(1 for f in fs if f["detail"].endswith("long"))
            extra += ", %d longer than the lock timeout" % longs
        if kind == "lock-expiry":
            extra = " (%d holds ran past their timeout)" % len(
                by_kind.get("lock-expiry(hold)", []))
        say("  %-22s %d%s" % (kind, len(fs), extra))

    locks = {}
    for h in holds:
        locks.setdefault(h.lock, h.size)
    kinds = [("libldlm", "lib"), ("ldlm run", "run"), ("Go client", "go")]
    say("acquisitions: %d (%s)" % (len(holds), ", ".join(
        "%s %d" % (label, sum(1 for h in holds if h.kind == k))
        for label, k in kinds if any(h.kind == k for h in holds))))
    for name, size in sorted(locks.items()):
        hs = [h for h in holds if h.lock == name]
        say("  %-6s size %d: %d acquisitions, %d ended by a loss" % (
            name, size, len(hs), sum(1 for h in hs if h.lost())))
    hows = defaultdict(int)
    for h in holds:
        hows[h.how] += 1
    say("  how holds ended: " + ", ".join(
        "%s %d" % kv for kv in sorted(hows.items())))

    violations, excused = [], []
    for name, size in sorted(locks.items()):
        for s, e, segs in overlaps([h for h in holds if h.lock == name],
                                   size):
            ok = True
            why = []
            for ss, se, hs in segs:
                ex = [(h, excuse(h, ss, se, faults, slack_us)) for h in hs]
                n_ex = sum(1 for _, f in ex if f is not None)
                if len(hs) - n_ex > size:
                    ok = False
                why.extend(ex)
            (excused if ok else violations).append((name, size, s, e, why))

    say("overlaps (more holders than the lock's size at once): %d"
        % len(violations))
    for name, size, s, e, why in violations:
        say("  VIOLATION %s (size %d) at +%s for %s:" % (
            name, size, fmt_s(s - t0), fmt_s(e - s)))
        seen = set()
        for h, _ in why:
            if id(h) in seen:
                continue
            seen.add(id(h))
            say("    holder %s pid %d (%s, %s ns): held +%s .. +%s, last "
                "check ok +%s, ended %s %s" % (
                    h.cid, h.pid, h.kind, h.side, fmt_s(h.acq - t0),
                    fmt_s(h.end - t0), fmt_s(h.last_ok - t0), h.how,
                    h.detail))
        for f in faults:
            if s - 30e6 <= f["start"] <= e:
                say("    preceded by %s on %s at +%s (%s, %s)" % (
                    f["kind"], f["target"], fmt_s(f["start"] - t0),
                    fmt_s(f["end"] - f["start"]), f["detail"]))

    if excused:
        # Grouped by frozen holder: its window is from the first moment
        # another holder had the lock too to the moment it learnt of the
        # loss, the time during which its use was not covered.
        groups = {}
        for name, size, s, e, why in excused:
            for h, f in why:
                if f is None:
                    continue
                g = groups.setdefault((id(h), id(f)), [h, f, name, s, 0])
                g[3] = min(g[3], s)
                g[4] += 1
        largest = max(h.end - s for h, f, name, s, n in groups.values())
        say("beyond the guarantee (a holder frozen mid-use through its "
            "lock's end, excused): %d holders, largest window %s"
            % (len(groups), fmt_s(largest)))
        for h, f, name, s, n in sorted(groups.values(), key=lambda g: g[3]):
            say("  %s: %s frozen %s at +%s; others had the lock from +%s, "
                "it learnt %s after being continued: window %s "
                "(%d overlapping segments)" % (
                    name, h.cid, fmt_s(f["end"] - f["start"]),
                    fmt_s(f["start"] - t0), fmt_s(s - t0),
                    fmt_s(max(0, h.end - f["end"])), fmt_s(h.end - s), n))
    else:
        say("beyond the guarantee (a holder frozen mid-use through its "
            "lock's end): none seen")

    # From a fault to the holder giving up: for each loss, the latest fault
    # that began before it and concerns that holder.
    latency = {}
    for h in holds:
        if not h.lost():
            continue
        best = None
        for f in faults:
            if f["start"] > h.end:
                break
            t = f["target"]
            if (t == "server" or t == h.cid or
                    (t == "far" and h.side == "far")):
                best = f
        if best is None:
            continue
        kind = best["kind"]
        d = h.end - best["start"]
        if d > latency.get(kind, (0, None))[0]:
            latency[kind] = (d, h)
    say("longest time from a fault to a holder giving up:")
    for kind, (d, h) in sorted(latency.items()):
        say("  %-22s %s (%s, %s)" % (kind, fmt_s(d), h.cid, h.how))
    if losts:
        say("lost-lock callbacks: %d" % len(losts))

    problems = []
    fail_file = os.path.join(args.dir, "harness-failures.txt")
    if os.path.exists(fail_file):
        problems += [l.strip() for l in open(fail_file) if l.strip()]
    if len(holds) < args.min_acquisitions:
        problems.append("only %d acquisitions (at least %d expected)" % (
            len(holds), args.min_acquisitions))
    if not injected:
        problems.append("no fault was injected")
    run_exits = os.path.join(args.dir, "run-exits.txt")
    if os.path.exists(run_exits):
        say("clients: " + "; ".join(
            l.strip() for l in open(run_exits) if l.strip()))
    for p in problems:
        say("PROBLEM: " + p)
    verdict = "FAIL" if violations or problems else "PASS"
    say("result: %s (%d overlaps)" % (verdict, len(violations)))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(args.dir, "report.txt"), "w") as f:
        f.write(text)
    return 1 if verdict == "FAIL" else 0


if __name__ == "__main__":
    sys.exit(main())
