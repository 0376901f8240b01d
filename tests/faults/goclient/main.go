// SPDX-License-Identifier: MIT
// Command goclient is fault_client --mode lib written with the official Go
// client, for comparison (tests/faults, run.sh --go): it takes the lock,
// holds it a random time while "using" it in steps, unlocks it, and
// records each interval during which it believed it held the lock, in the
// same format, on CLOCK_MONOTONIC.
//
// The Go client has nothing a holder could check before a use: a Lock's
// Locked field never changes, and a failed renewal panics in the client's
// renewal goroutine, which ends the process. So a hold ends when the
// program unlocks, or when the process dies: a "begin" line is written
// when the lock is taken, and the harness, which restarts a dead client as
// a supervisor would, closes that interval at the time of death.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/imoore76/ldlm/client"
)

func nowUs() int64 {
	var ts syscall.Timespec
	// CLOCK_MONOTONIC (1), the clock of the other records.
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Sec*1000000 + ts.Nsec/1000
}

var out *os.File

// record writes one line with one write(2) (the file is O_APPEND).
func record(format string, args ...any) {
	out.Write([]byte(fmt.Sprintf(format, args...) + "\n"))
}

func main() {
	address := flag.String("address", "", "server address")
	name := flag.String("name", "", "lock name")
	size := flag.Int("size", 1, "lock size")
	timeout := flag.Int("lock-timeout", 0, "lock timeout (s)")
	hold := flag.String("hold", "50:400", "hold MIN:MAX (ms)")
	long := flag.String("long", "0:0:0", "PERCENT:MIN:MAX of long holds (ms)")
	step := flag.Int("step", 10, "use step (ms)")
	pause := flag.Int("pause", 30, "pause between holds, up to (ms)")
	wait := flag.Int("wait", 5, "server-side wait (s)")
	seed := flag.Int64("seed", 1, "seed")
	outPath := flag.String("out", "", "record file")
	id := flag.String("id", "?", "client id")
	flag.Parse()
	var err error
	out, err = os.OpenFile(*outPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var holdMin, holdMax, longPct, longMin, longMax int
	fmt.Sscanf(*hold, "%d:%d", &holdMin, &holdMax)
	fmt.Sscanf(*long, "%d:%d:%d", &longPct, &longMin, &longMax)
	rng := rand.New(rand.NewSource(*seed))
	between := func(lo, hi int) int {
		if hi <= lo {
			return lo
		}
		return lo + rng.Intn(hi-lo+1)
	}

	var stop, expiry atomic.Bool
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR1)
	go func() {
		for s := range sigs {
			if s == syscall.SIGUSR1 {
				expiry.Store(true)
			} else {
				stop.Store(true)
			}
		}
	}()

	ctx := context.Background()
	renewing, err := client.New(ctx, client.Config{Address: *address})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	noRenew, err := client.New(ctx, client.Config{Address: *address, NoAutoRenew: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pid := os.Getpid()
	for !stop.Load() {
		exp := expiry.Swap(false)
		c, t := renewing, *timeout
		if exp {
			c = noRenew
			if t == 0 {
				t = 2
			}
		}
		opts := &client.LockOptions{WaitTimeoutSeconds: int32(*wait),
			LockTimeoutSeconds: int32(t), Size: int32(*size)}
		lock, err := c.Lock(*name, opts)
		acquired := nowUs()
		if err != nil || lock == nil || !lock.Locked {
			if err != nil {
				record("fail %s %d %d %s", *id, pid, acquired, "go:"+fmt.Sprint(err != nil))
				time.Sleep(time.Duration(between(100, 300)) * time.Millisecond)
			}
			continue
		}
		record("begin %s %d %s %d %d", *id, pid, *name, *size, acquired)
		ms := between(holdMin, holdMax)
		if between(1, 100) <= longPct {
			ms = between(longMin, longMax)
		}
		if exp {
			ms = t*1000 + 2000
			record("fault expiry %s %d %d", *id, acquired, acquired+int64(t)*1000000)
		}
		until := acquired + int64(ms)*1000
		lastOK := acquired
		var end int64
		for {
			// The only check the Go client offers.
			now := nowUs()
			if !lock.Locked || now >= until || stop.Load() {
				end = now
				break
			}
			lastOK = now
			time.Sleep(time.Duration(*step) * time.Millisecond)
		}
		detail := "-"
		if err := lock.Unlock(); err != nil {
			detail = "unlock-error"
		}
		record("hold %s %d %s %d %d %d %d released %s", *id, pid, *name, *size,
			acquired, lastOK, end, detail)
		time.Sleep(time.Duration(between(0, *pause)) * time.Millisecond)
	}
	noRenew.Close()
	renewing.Close()
}
