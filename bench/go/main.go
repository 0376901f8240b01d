// SPDX-License-Identifier: MIT
// Command goclient is the Go side of the client benchmark (bench/run.sh):
// the same workloads as bench/ldlm_bench.c, with the same options and the
// same output, through the official Go client.
//
//	goclient --address HOST:PORT [options] WORKLOAD...
//
// Workloads: lock_unlock, trylock_size8, lock_unlock_mt (--threads
// goroutines sharing one client), lock_unlock_mt64 and lock_unlock_mt256
// (64 and 256 goroutines, the same total), connect_plain, connect_tls
// (needs --ca), held (--held locks with a 20 s lock timeout held
// --hold-seconds by one client). Prints one line per measured repetition:
//
//	rep go WORKLOAD REP OPS SECONDS P50_US P99_US CPU_SECONDS
//
// (CPU_SECONDS: user + system time of the process during the repetition,
// getrusage RUSAGE_SELF as in the C and Python programs), and for held:
//
//	held go LOCKS HOLD_SECONDS CPU_SECONDS ACQUIRE_SECONDS
//
// or "error go WORKLOAD MESSAGE" and exits 1 when a workload fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/imoore76/ldlm/client"
)

const clientName = "go"

// The official client (v1.2.2: client.New returns an exported *Client).
type ldlmClient = *client.Client

type options struct {
	address    string
	caFile     string
	tag        string
	run        string
	reps       int
	warmup     int
	ops        int
	threads    int
	mtOps      int
	connectOps int
	held       int
	holdSecs   int
}

// heldLockTimeout: the Go client renews such a lock every
// max(20 - 30, 10) = 10 s, like the C and Python programs' clients.
const heldLockTimeout = 20

// cpuSeconds is the user + system time of the whole process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func lockName(o *options, workload string, rep, thread, i int) string {
	label := "warm"
	if rep >= 0 {
		label = fmt.Sprintf("r%d", rep)
	}
	return fmt.Sprintf("bench/%s/%s/%s/%s/t%d/%d", o.run, o.tag, workload, label, thread, i)
}

func newClient(o *options, tls bool) (ldlmClient, error) {
	conf := client.Config{Address: o.address}
	if tls {
		conf.UseTls = true
		conf.CAFile = o.caFile
	}
	// MaxRetries stays 0: a failure ends the run at once, as in the C and
	// Python programs (retries=0), instead of retrying every 3 s.
	return client.New(context.Background(), conf)
}

// acquireRelease takes the lock (Lock, or TryLock when try) and releases
// it; the lock must be free.
func acquireRelease(c ldlmClient, name string, lo *client.LockOptions, try bool) error {
	var l *client.Lock
	var err error
	if try {
		l, err = c.TryLock(name, lo)
	} else {
		l, err = c.Lock(name, lo)
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	if !l.Locked {
		return fmt.Errorf("lock %s: not acquired (lock busy)", name)
	}
	unlocked, err := c.Unlock(l.Name, l.Key)
	if err != nil {
		return fmt.Errorf("unlock %s: %w", name, err)
	}
	if !unlocked {
		return fmt.Errorf("unlock %s: not unlocked", name)
	}
	return nil
}

// percentileUs is the nearest-rank percentile, in microseconds; sorts lat.
func percentileUs(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	rank := int(math.Ceil(p / 100 * float64(len(lat))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(lat) {
		rank = len(lat)
	}
	return float64(lat[rank-1].Nanoseconds()) / 1e3
}

func printRep(workload string, rep int, wall time.Duration, lat []time.Duration, cpu float64) {
	p50 := percentileUs(lat, 50)
	p99 := percentileUs(lat, 99)
	fmt.Printf("rep\t%s\t%s\t%d\t%d\t%.6f\t%.1f\t%.1f\t%.6f\n", clientName, workload, rep,
		len(lat), wall.Seconds(), p50, p99, cpu)
}

func printError(workload string, err error) {
	msg := strings.NewReplacer("\t", " ", "\n", " ").Replace(err.Error())
	fmt.Printf("error\t%s\t%s\t%s\n", clientName, workload, msg)
}

// runSingle runs a one-goroutine workload on one client: warm-up, then reps.
func runSingle(o *options, workload string, iter func(c ldlmClient, rep, i int) error) error {
	c, err := newClient(o, false)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	defer c.Close()
	for i := 0; i < o.warmup; i++ {
		if err := iter(c, -1, i); err != nil {
			return err
		}
	}
	lat := make([]time.Duration, o.ops)
	for rep := 0; rep < o.reps; rep++ {
		cpu := cpuSeconds()
		start := time.Now()
		for i := 0; i < o.ops; i++ {
			t0 := time.Now()
			if err := iter(c, rep, i); err != nil {
				return err
			}
			lat[i] = time.Since(t0)
		}
		printRep(workload, rep, time.Since(start), lat, cpuSeconds()-cpu)
	}
	return nil
}

// mtRound: every goroutine does ops iterations of lock_unlock on the shared
// client, starting together.
func mtRound(o *options, c ldlmClient, workload string, threads, rep, ops int, lat []time.Duration) (time.Duration, error) {
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	gate := make(chan struct{})
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			<-gate
			for i := 0; i < ops; i++ {
				t0 := time.Now()
				err := acquireRelease(c, lockName(o, workload, rep, t, i), nil, false)
				lat[t*ops+i] = time.Since(t0)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}(t)
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	return time.Since(start), firstErr
}

// runMulti: threads goroutines on one client; each does as many iterations
// as keep the total of the --threads run (rounded up per goroutine).
func runMulti(o *options, workload string, threads int) error {
	c, err := newClient(o, false)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	defer c.Close()
	perThread := (o.threads*o.mtOps + threads - 1) / threads
	warm := o.warmup / threads
	if warm < 1 {
		warm = 1
	}
	if _, err := mtRound(o, c, workload, threads, -1, warm, make([]time.Duration, warm*threads)); err != nil {
		return err
	}
	lat := make([]time.Duration, threads*perThread)
	for rep := 0; rep < o.reps; rep++ {
		cpu := cpuSeconds()
		wall, err := mtRound(o, c, workload, threads, rep, perThread, lat)
		if err != nil {
			return err
		}
		printRep(workload, rep, wall, lat, cpuSeconds()-cpu)
	}
	return nil
}

// connectOnce: new client, first try-lock of a fresh name, close (which
// releases it).
func connectOnce(o *options, tls bool, workload string, rep, i int) error {
	c, err := newClient(o, tls)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	l, err := c.TryLock(lockName(o, workload, rep, 0, i), nil)
	if err == nil && !l.Locked {
		err = fmt.Errorf("try-lock: not acquired")
	}
	if cerr := c.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close: %w", cerr)
	}
	return err
}

func runConnect(o *options, workload string, tls bool) error {
	if tls && o.caFile == "" {
		return fmt.Errorf("--ca is required")
	}
	warm := o.warmup
	if warm > 3 {
		warm = 3
	}
	for i := 0; i < warm; i++ {
		if err := connectOnce(o, tls, workload, -1, i); err != nil {
			return err
		}
	}
	lat := make([]time.Duration, o.connectOps)
	for rep := 0; rep < o.reps; rep++ {
		cpu := cpuSeconds()
		start := time.Now()
		for i := 0; i < o.connectOps; i++ {
			t0 := time.Now()
			if err := connectOnce(o, tls, workload, rep, i); err != nil {
				return err
			}
			lat[i] = time.Since(t0)
		}
		printRep(workload, rep, time.Since(start), lat, cpuSeconds()-cpu)
	}
	return nil
}

// runHeld: one client takes o.held locks with a lock timeout (renewed by the
// client), holds them o.holdSecs, then unlocks them all (each must still be
// held).
func runHeld(o *options, workload string) error {
	c, err := newClient(o, false)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	defer c.Close()
	lo := &client.LockOptions{LockTimeoutSeconds: heldLockTimeout}
	locks := make([]*client.Lock, 0, o.held)
	start := time.Now()
	for i := 0; i < o.held; i++ {
		name := lockName(o, workload, 0, 0, i)
		l, err := c.Lock(name, lo)
		if err != nil {
			return fmt.Errorf("lock %s: %w", name, err)
		}
		if !l.Locked {
			return fmt.Errorf("lock %s: not acquired", name)
		}
		locks = append(locks, l)
	}
	acquire := time.Since(start)
	cpu := cpuSeconds()
	time.Sleep(time.Duration(o.holdSecs) * time.Second)
	cpu = cpuSeconds() - cpu
	for _, l := range locks {
		unlocked, err := c.Unlock(l.Name, l.Key)
		if err != nil {
			return fmt.Errorf("unlock %s after the hold: %w", l.Name, err)
		}
		if !unlocked {
			return fmt.Errorf("unlock %s after the hold: not unlocked", l.Name)
		}
	}
	fmt.Printf("held\t%s\t%d\t%d\t%.6f\t%.6f\n", clientName, o.held, o.holdSecs, cpu,
		acquire.Seconds())
	return nil
}

func main() {
	o := &options{}
	flag.StringVar(&o.address, "address", "", "the LDLM server, HOST:PORT")
	flag.StringVar(&o.caFile, "ca", "", "CA of the TLS server's certificate")
	flag.StringVar(&o.tag, "tag", "G", "tag in every lock name")
	flag.StringVar(&o.run, "run", fmt.Sprint(os.Getpid()), "run identifier in every lock name")
	flag.IntVar(&o.reps, "reps", 5, "measured repetitions")
	flag.IntVar(&o.warmup, "warmup", 100, "unmeasured iterations first")
	flag.IntVar(&o.ops, "ops", 1000, "iterations per repetition")
	flag.IntVar(&o.threads, "threads", 16, "goroutines of lock_unlock_mt")
	flag.IntVar(&o.mtOps, "mt-ops", 100, "iterations per goroutine per repetition")
	flag.IntVar(&o.connectOps, "connect-ops", 20, "connections per repetition")
	flag.IntVar(&o.held, "held", 1000, "locks of the held workload")
	flag.IntVar(&o.holdSecs, "hold-seconds", 60, "how long the held workload holds them")
	flag.Parse()
	if o.address == "" || flag.NArg() == 0 || o.reps < 1 || o.warmup < 1 ||
		o.ops < 1 || o.threads < 1 || o.mtOps < 1 || o.connectOps < 1 || o.held < 1 || o.holdSecs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	failures := 0
	for _, w := range flag.Args() {
		var err error
		switch w {
		case "lock_unlock":
			err = runSingle(o, w, func(c ldlmClient, rep, i int) error {
				return acquireRelease(c, lockName(o, w, rep, 0, i), nil, false)
			})
		case "trylock_size8":
			lo := &client.LockOptions{Size: 8}
			err = runSingle(o, w, func(c ldlmClient, rep, i int) error {
				return acquireRelease(c, lockName(o, w, 0, 0, 0), lo, true)
			})
		case "lock_unlock_mt":
			err = runMulti(o, w, o.threads)
		case "lock_unlock_mt64":
			err = runMulti(o, w, 64)
		case "lock_unlock_mt256":
			err = runMulti(o, w, 256)
		case "held":
			err = runHeld(o, w)
		case "connect_plain":
			err = runConnect(o, w, false)
		case "connect_tls":
			err = runConnect(o, w, true)
		default:
			fmt.Fprintf(os.Stderr, "goclient: unknown workload %q\n", w)
			os.Exit(2)
		}
		if err != nil {
			printError(w, err)
			failures++
		}
	}
	if failures > 0 {
		os.Exit(1)
	}
}
