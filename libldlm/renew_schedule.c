/* SPDX-License-Identifier: MIT */
/* renew_schedule.c - when to renew a lock that has a server timer.
 *
 * The Go client renews every max(timeout - 30 s, 10 s), so any lock with a
 * timeout under 10 s expires before its first renewal. We renew at half the
 * timeout (a 2 s lock every second), and for long timeouts 30 s before
 * expiry once that is later than half-way.
 *
 * A lock reads held only until its safety margin before its timer can end
 * on the server, so a renewal has half the timeout minus that margin to
 * succeed (a 2 s lock: 800 ms). */
#include "internal.h"

int64_t ldlmi_renew_interval_ms(int lock_timeout_seconds)
{
    if (lock_timeout_seconds <= 0)
        return 0;
    int64_t timeout_ms = (int64_t)lock_timeout_seconds * 1000;
    int64_t half = timeout_ms / 2;
    int64_t before_expiry = timeout_ms - 30000;
    return before_expiry > half ? before_expiry : half;
}

int64_t ldlmi_safety_margin_ms(int lock_timeout_seconds)
{
    int64_t margin = (int64_t)lock_timeout_seconds * 100; /* a tenth */
    if (margin < 100)
        return 100;
    return margin > 2000 ? 2000 : margin;
}
