// Command scopebench is go-systemd's part of bin/bench, the counterpart of
// src/test/java/dev/confine/bench/ScopeBench.java: the same transient scopes (MemoryMax=64M,
// CPUQuota=50%, one live sleep each) with the same properties on the wire as confine sends
// (PIDs, MemoryMax, CPUQuotaPerSecUSec, AddRef, CollectMode), each start timed from the call
// until its job result arrives on go-systemd's channel. It prints the same lines:
//
//	scopebench user|system IN_FLIGHT WARMUP UNITS PARALLEL_UNITS
//	start_ms MS          one line per sequential start (each unit stopped before the next)
//	parallel UNITS WALL_MS  PARALLEL_UNITS starts, IN_FLIGHT at a time on one connection
//
// bin/bench builds it against Debian's go-systemd and godbus packages (GOPATH mode, static).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/coreos/go-systemd/v22/dbus"
	godbus "github.com/godbus/dbus/v5"
)

type bench struct {
	ctx  context.Context
	conn *dbus.Conn
}

// sleeper is a live process for a scope to hold; stopping the scope kills it.
func sleeper() *exec.Cmd {
	cmd := exec.Command("sleep", "3600")
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	return cmd
}

// start puts cmd's process in a new scope and waits until the start job is done.
func (b bench) start(cmd *exec.Cmd) string {
	unit := "scopebench-" + randomHex() + ".scope"
	properties := []dbus.Property{
		dbus.PropPids(uint32(cmd.Process.Pid)),
		{Name: "MemoryMax", Value: godbus.MakeVariant(uint64(64 << 20))},
		{Name: "CPUQuotaPerSecUSec", Value: godbus.MakeVariant(uint64(500000))},
		{Name: "AddRef", Value: godbus.MakeVariant(true)},
		{Name: "CollectMode", Value: godbus.MakeVariant("inactive-or-failed")},
	}
	done := make(chan string, 1)
	if _, err := b.conn.StartTransientUnitContext(b.ctx, unit, "fail", properties, done); err != nil {
		fail(err)
	}
	if result := <-done; result != "done" {
		fail(fmt.Errorf("starting %s: job result %s", unit, result))
	}
	return unit
}

// stop stops the unit, waits for the job, and reaps its sleeper.
func (b bench) stop(unit string, cmd *exec.Cmd) {
	done := make(chan string, 1)
	if _, err := b.conn.StopUnitContext(b.ctx, unit, "replace", done); err != nil {
		fail(err)
	}
	if result := <-done; result != "done" {
		fail(fmt.Errorf("stopping %s: job result %s", unit, result))
	}
	cmd.Wait() // killed by the stop: its error tells nothing
}

// inParallel calls work(0) … work(count-1), on workers goroutines.
func (b bench) inParallel(count, workers int, work func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				work(i)
			}
		}()
	}
	for i := 0; i < count; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func main() {
	if len(os.Args) != 6 {
		fail(fmt.Errorf("usage: scopebench user|system IN_FLIGHT WARMUP UNITS PARALLEL_UNITS"))
	}
	inFlight, warmup, units, parallelUnits := number(os.Args[2]), number(os.Args[3]), number(os.Args[4]), number(os.Args[5])
	ctx := context.Background()
	var conn *dbus.Conn
	var err error
	if os.Args[1] == "system" {
		conn, err = dbus.NewSystemConnectionContext(ctx)
	} else {
		conn, err = dbus.NewUserConnectionContext(ctx)
	}
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	b := bench{ctx, conn}

	for i := 0; i < warmup+units; i++ {
		cmd := sleeper()
		began := time.Now()
		unit := b.start(cmd)
		took := time.Since(began)
		b.stop(unit, cmd)
		if i >= warmup {
			fmt.Printf("start_ms %.2f\n", float64(took.Nanoseconds())/1e6)
		}
	}

	sleepers := make([]*exec.Cmd, parallelUnits)
	for i := range sleepers {
		sleepers[i] = sleeper()
	}
	began := time.Now()
	started := make([]string, parallelUnits)
	b.inParallel(parallelUnits, inFlight, func(i int) { started[i] = b.start(sleepers[i]) })
	fmt.Printf("parallel %d %.1f\n", parallelUnits, float64(time.Since(began).Nanoseconds())/1e6)
	b.inParallel(parallelUnits, inFlight, func(i int) { b.stop(started[i], sleepers[i]) })
}

func randomHex() string {
	bytes := make([]byte, 16)
	if _, err := rand.Read(bytes); err != nil {
		fail(err)
	}
	return hex.EncodeToString(bytes)
}

func number(arg string) int {
	n, err := strconv.Atoi(arg)
	if err != nil {
		fail(err)
	}
	return n
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scopebench:", err)
	os.Exit(1)
}
