// hwnas_load_generator: a reproducible "the other core is busy" condition for measuring how
// load-robust the host predictor and the timing protocol are (bench/run_predictor_bench.sh --load).
//
//   hwnas_load_generator --cpu 0 --kind compute --seconds 300 &   # a busy integer loop on CPU 0
//   hwnas_load_generator --cpu 0 --kind memory --seconds 300 &    # streams over 64 MiB on CPU 0
//   taskset -c 1 hwnas predictor build --device host ...          # the measurement on CPU 1
//
// Kinds:
//   compute  an integer hash loop in registers: contends for nothing but the core it runs on
//            (and, on SMT siblings or shared-clock parts, for the frequency budget);
//   memory   reads and writes every cache line of a buffer (default 64 MiB, larger than any
//            L3 here) in a loop: evicts the measured program's data from the shared L3 and
//            competes for DRAM bandwidth, which is what a parallel build or a browser does to
//            a benchmark on the other core.
// --on-s A --off-s B makes it bursty, like a parallel build's compiles: A seconds of load, B
// seconds asleep, repeated. It pins itself to --cpu, runs for --seconds (or until SIGTERM) and
// prints, when it ends, what it did (rounds, or GiB streamed and the bandwidth it got while
// loading), so a run says how hard it pushed.
#include <sched.h>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace {

using Clock = std::chrono::steady_clock;

// SIGTERM / SIGINT end the run early, with the summary printed (a benchmark script kills it).
volatile std::sig_atomic_t stop = 0;
extern "C" void on_signal(int) { stop = 1; }

bool pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

struct Done {
  uint64_t steps = 0;
  double busy_s = 0;  // time spent loading (without the sleeps)
};

Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// Runs `step` until `seconds` have passed (checked between steps), in phases of `on_s` of
// steps and `off_s` asleep (on_s <= 0: no sleeps).
template <class Step>
Done run_for(double seconds, double on_s, double off_s, Step step) {
  const auto end = after(Clock::now(), seconds);
  Done d;
  while (!stop && Clock::now() < end) {
    const auto phase_start = Clock::now();
    const auto phase_end = on_s > 0 ? std::min(end, after(phase_start, on_s)) : end;
    while (!stop && Clock::now() < phase_end) {
      step();
      ++d.steps;
    }
    d.busy_s += std::chrono::duration<double>(Clock::now() - phase_start).count();
    if (on_s > 0 && off_s > 0 && !stop && Clock::now() < end)
      std::this_thread::sleep_for(std::chrono::duration<double>(off_s));
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Keep one CPU busy (compute) or stream memory through the shared cache (memory)");
  int cpu = 0;
  std::string kind = "compute";
  double seconds = 60, buffer_mib = 64, on_s = 0, off_s = 0;
  app.add_option("--cpu", cpu, "the CPU to load")->capture_default_str()->check(CLI::Range(0, CPU_SETSIZE - 1));
  app.add_option("--kind", kind, "compute | memory")
      ->check(CLI::IsMember({"compute", "memory"}))
      ->capture_default_str();
  app.add_option("--seconds", seconds, "how long to run")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--buffer-mib", buffer_mib, "memory: the buffer streamed over")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--on-s", on_s, "bursty: seconds of load per burst (0: continuous)")->check(CLI::NonNegativeNumber);
  app.add_option("--off-s", off_s, "bursty: seconds asleep between bursts")->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);

  if (!pin_to(cpu)) {
    fmt::print(stderr, "load generator: cannot pin to CPU {} (not allowed here?); give an allowed --cpu\n", cpu);
    return 1;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  const auto start = Clock::now();
  if (kind == "compute") {
    // One step: 1M rounds of an xorshift-multiply chain; the result feeds the next step, so
    // the compiler cannot drop the loop.
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    const Done d = run_for(seconds, on_s, off_s, [&] {
      for (int i = 0; i < 1000000; ++i) {
        x ^= x >> 31;
        x *= 0xbf58476d1ce4e5b9ULL;
      }
    });
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    fmt::print("load generator: compute on CPU {} for {:.0f} s ({:.0f} s loading), {:.3g} M rounds/s (checksum {:x})\n",
               cpu, s, d.busy_s, static_cast<double>(d.steps) / d.busy_s, x & 0xffff);
    return 0;
  }
  // Memory: one step reads and increments one value per 64-byte line over the whole buffer.
  const size_t lines = static_cast<size_t>(buffer_mib * 1024 * 1024 / 64);
  std::vector<uint64_t> buffer(lines * 8, 1);
  uint64_t sum = 0;
  const Done d = run_for(seconds, on_s, off_s, [&] {
    for (size_t i = 0; i < buffer.size(); i += 8) sum += buffer[i]++;
  });
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  const double gib = static_cast<double>(d.steps) * static_cast<double>(lines) * 64 * 2 / (1024.0 * 1024 * 1024);
  fmt::print(
      "load generator: memory on CPU {} for {:.0f} s ({:.0f} s loading) over {:g} MiB, {:.1f} GiB/s read+written "
      "(checksum {})\n",
      cpu, s, d.busy_s, buffer_mib, gib / d.busy_s, sum % 65521);
  return 0;
}
