// Command agent is the e2e tier's agent workload on the real node. It replays one trace session for real:
// each step it holds the sample's memory (allocated and touched, so the container's cgroup really uses
// it and the kernel OOM-kills it past its limit) and burns the sample's CPU, and it serves the agent
// series burstguard's queries read (the same names as test/e2e/harness/exporter.ts) on 127.0.0.1:$PORT.
//
// The plan comes in $AGENT_PLAN (JSON, see plan below); $POD_NAMESPACE and $POD_NAME (downward API)
// label the agent series the way a Prometheus pod relabelling would. After the last step it keeps the
// last sample's usage. Standard library only, built static (CGO_ENABLED=0).
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// step is one trace sample: memory bytes, CPU cores, and the agent signals at that moment.
type step struct {
	Mem     float64 `json:"m"`
	CPU     float64 `json:"c"`
	Tokens  *int64  `json:"t,omitempty"`
	Tool    string  `json:"tool,omitempty"`
	Calls   float64 `json:"calls,omitempty"`
	Errors  float64 `json:"errors,omitempty"`
	Retries float64 `json:"retries,omitempty"`
	// Once marks steps played only by the container's first run: with $AGENT_STATE_DIR on a volume that
	// outlives the container (an emptyDir), a restarted agent skips them (a spike that killed it once).
	Once bool `json:"o,omitempty"`
}

type plan struct {
	IntervalMs int    `json:"intervalMs"`
	Steps      []step `json:"steps"`
}

const chunk = 1 << 20

// state is what /metrics reports; guarded by mu except the atomics.
type state struct {
	mu       sync.Mutex
	cur      step
	index    int
	calls    float64
	errors   float64
	retries  float64
	held     int64 // bytes of ballast held
	cpuMilli atomic.Int64
}

func main() {
	var p plan
	if err := json.Unmarshal([]byte(os.Getenv("AGENT_PLAN")), &p); err != nil || len(p.Steps) == 0 || p.IntervalMs <= 0 {
		fmt.Fprintf(os.Stderr, "agent: AGENT_PLAN must be JSON {intervalMs>0, steps:[{m,c,...}]}: %v\n", err)
		os.Exit(2)
	}
	// A low GC target keeps the runtime's own overhead small next to the ballast it is told to hold.
	debug.SetGCPercent(10)
	s := &state{index: -1}
	for i := 0; i < runtime.NumCPU(); i++ {
		go burn(i, &s.cpuMilli)
	}
	go serve(s)
	fmt.Printf("agent: replaying %d steps every %d ms\n", len(p.Steps), p.IntervalMs)
	var ballast [][]byte
	tick := time.NewTicker(time.Duration(p.IntervalMs) * time.Millisecond)
	restarted := firstRunDone()
	for i, st := range p.Steps {
		if st.Once && restarted {
			continue
		}
		ballast = hold(ballast, st.Mem)
		s.cpuMilli.Store(int64(math.Round(st.CPU * 1000)))
		s.mu.Lock()
		s.cur, s.index, s.held = st, i, int64(len(ballast))*chunk
		s.calls += st.Calls
		s.errors += st.Errors
		s.retries += st.Retries
		s.mu.Unlock()
		if i < len(p.Steps)-1 {
			<-tick.C
		}
	}
	fmt.Println("agent: replay done, holding the last sample")
	select {}
}

// firstRunDone reports whether an earlier run of this container left its marker, and leaves one.
func firstRunDone() bool {
	dir := os.Getenv("AGENT_STATE_DIR")
	if dir == "" {
		return false
	}
	marker := dir + "/first-run"
	if _, err := os.Stat(marker); err == nil {
		return true
	}
	_ = os.WriteFile(marker, []byte("1"), 0o644)
	return false
}

// hold grows or shrinks the ballast to about `target` bytes of resident memory. New chunks are written
// page by page so the kernel really backs them; dropped chunks are returned to the OS at once.
func hold(b [][]byte, target float64) [][]byte {
	want := int(target / chunk)
	if want < 0 {
		want = 0
	}
	if want < len(b) {
		for i := want; i < len(b); i++ {
			b[i] = nil
		}
		b = b[:want]
		debug.FreeOSMemory()
		return b
	}
	for len(b) < want {
		c := make([]byte, chunk)
		for j := 0; j < chunk; j += 4096 {
			c[j] = 1
		}
		b = append(b, c)
	}
	return b
}

// burn keeps worker `i` busy for its share of the wanted CPU (in millicores) in every 50 ms period.
func burn(i int, milli *atomic.Int64) {
	const period = 50 * time.Millisecond
	for {
		share := float64(milli.Load())/1000 - float64(i)
		if share <= 0 {
			time.Sleep(period)
			continue
		}
		if share > 1 {
			share = 1
		}
		busy := time.Duration(share * float64(period))
		end := time.Now().Add(busy)
		for time.Now().Before(end) {
		}
		time.Sleep(period - busy)
	}
}

func serve(s *state) {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ns, pod := os.Getenv("POD_NAMESPACE"), os.Getenv("POD_NAME")
	lbl := func(extra ...string) string {
		parts := []string{fmt.Sprintf("namespace=%q", ns), fmt.Sprintf("pod=%q", pod)}
		for i := 0; i+1 < len(extra); i += 2 {
			parts = append(parts, fmt.Sprintf("%s=%q", extra[i], extra[i+1]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		cur, index, calls, errs, retries, held := s.cur, s.index, s.calls, s.errors, s.retries, s.held
		s.mu.Unlock()
		var b strings.Builder
		gauge := func(name, help, labels string, v float64) {
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s%s %g\n", name, help, name, name, labels, v)
		}
		counter := func(name, help string, v float64) {
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n%s%s %g\n", name, help, name, name, lbl(), v)
		}
		if cur.Tokens != nil {
			gauge("burstguard_agent_context_tokens", "Context tokens at the latest model call.", lbl(), float64(*cur.Tokens))
		}
		fmt.Fprintf(&b, "# HELP burstguard_agent_tool_calls_in_flight Tool calls in flight by tool.\n# TYPE burstguard_agent_tool_calls_in_flight gauge\n")
		if cur.Tool != "" {
			fmt.Fprintf(&b, "burstguard_agent_tool_calls_in_flight%s 1\n", lbl("tool", cur.Tool))
		}
		counter("burstguard_agent_tool_calls_total", "Tool calls made.", calls)
		counter("burstguard_agent_tool_errors_total", "Tool calls that failed.", errs)
		counter("burstguard_agent_tool_retries_total", "Tool calls retried.", retries)
		// What the replay is doing, for the tests (not read by burstguard).
		gauge("e2e_agent_replay_step", "Index of the trace step being replayed.", lbl(), float64(index))
		gauge("e2e_agent_ballast_bytes", "Memory the replay holds on purpose.", lbl(), float64(held))
		gauge("e2e_agent_cpu_target_cores", "CPU the replay burns on purpose.", lbl(), cur.CPU)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte(b.String()))
	})
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Fprintf(os.Stderr, "agent: listen on 127.0.0.1:%s: %v\n", port, err)
		os.Exit(1)
	}
}
