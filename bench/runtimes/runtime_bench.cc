// hwnas_runtime_bench: the same models, weights and thread counts on hwnas' XNNPACK backend,
// OpenCV DNN (running the exported ONNX file) and libtorch (eager ATen), each timed under
// the measure protocol (measure/timing.h), with the ratios to XNNPACK from the same run
// (issue 3, item 8).
//
//   hwnas_runtime_bench                                    # every built-in model, 1 and 2 threads
//   hwnas_runtime_bench --models mobilenetv2-1.0,efficientnet-b0 --budget-s 3 --csv out.csv
//
// Printed per model and thread count: each backend's median with p10..p90 and runs (a NOISY
// mark when the protocol did not converge), and opencv/xnnpack, torch/xnnpack (> 1: slower
// than XNNPACK). Backends are measured one after the other for each model, so a ratio compares
// figures taken minutes apart at most; a noisy machine shows in the marks, not in the ratio.
//
// Each measurement runs in a child process of its own: the runtimes keep process-wide state
// (libtorch's OpenMP pool and OpenCV's TBB arena size themselves to the CPUs allowed when they
// start, and measure_model's pinning narrows the allowed CPUs for good), so measuring them in
// one process makes the second thread count and the next backend pay for the previous one.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/interop/backends.h"
#include "hwnas/measure/measure_model.h"
#include "hwnas/models/registry.h"

namespace {

// What the bench keeps of one measurement (measure::to_json's fields).
struct Result {
  double median = 0, p10 = 0, p90 = 0, cv = 0;
  int runs = 0;
  bool noisy = false;
  std::string execution;
};

// measure_model in a forked child (see above); the parent starts no runtime itself. The
// child sends measure::to_json, or {"error": message}, through a pipe.
std::optional<Result> measure_isolated(const hwnas::ir::Graph& g, const hwnas::measure::MeasureOptions& o,
                                       std::string& error) {
  int fds[2];
  if (pipe(fds) != 0) hwnas::fail("hwnas_runtime_bench", "pipe() failed");
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) hwnas::fail("hwnas_runtime_bench", "fork() failed");
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      out = hwnas::measure::to_json(hwnas::measure::measure_model(g, o)).dump();
    } catch (const std::exception& e) {
      out = nlohmann::json{{"error", e.what()}}.dump();
    }
    for (size_t done = 0; done < out.size();) {
      const ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    _exit(0);  // no destructors of the runtimes' pools: the parent has what it needs
  }
  close(fds[1]);
  std::string in;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) in.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (in.empty()) {
    error = fmt::format("the measuring process died (status {})", status);
    return std::nullopt;
  }
  const nlohmann::json j = nlohmann::json::parse(in);
  if (j.contains("error")) {
    error = j["error"].get<std::string>();
    return std::nullopt;
  }
  return Result{j["median_ms"], j["p10_ms"], j["p90_ms"], j["cv"], j["runs"], j["noisy"], j["execution"]};
}

std::string cell(const Result& m) {
  return fmt::format("{:8.2f} ({:.2f}..{:.2f}, {:>4}){}", m.median, m.p10, m.p90, m.runs, m.noisy ? " NOISY" : "");
}

std::string ratio(const std::optional<Result>& a, const std::optional<Result>& base) {
  if (!a || !base) return "-";
  return fmt::format("{:.2f}", a->median / base->median);
}

int run(int argc, char** argv) {
  CLI::App app{"hwnas_runtime_bench: xnnpack vs OpenCV DNN vs libtorch on the built-in models"};
  std::vector<std::string> models = hwnas::models::builtin_model_names();
  std::vector<std::string> backends = {"xnnpack", "opencv", "torch"};
  std::vector<int> threads = {1, 2};
  double budget = 2.0;
  uint64_t seed = 0;
  std::string csv = "runtime_bench.csv";
  app.add_option("--models", models, "models to run (default: every built-in model)")->delimiter(',');
  app.add_option("--backends", backends, "backends; the first is the base of the ratios")->delimiter(',');
  app.add_option("--threads", threads, "thread counts")->delimiter(',');
  app.add_option("--budget-s", budget, "time budget per measurement (measure protocol)")->capture_default_str();
  app.add_option("--seed", seed, "weights and input values")->capture_default_str();
  app.add_option("--csv", csv, "CSV file to write (the last one given)")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // run_runtime_bench.sh passes a default first
  CLI11_PARSE(app, argc, argv);
  hwnas::interop::register_backends();
  // Other load makes every figure below noisy (and multi-threaded ones far worse, as pools
  // spin-wait for preempted threads): say how busy the machine was when the run started.
  double load[3] = {0, 0, 0};
  std::sscanf(hwnas::read_file("/proc/loadavg").c_str(), "%lf %lf %lf", &load[0], &load[1], &load[2]);
  fmt::print("load average at start: {:.2f} {:.2f} {:.2f} (1, 5, 15 min) on {} CPUs\n", load[0], load[1], load[2],
             sysconf(_SC_NPROCESSORS_ONLN));

  std::string out = hwnas::core::csv_line({"model", "threads", "backend", "median_ms", "p10_ms", "p90_ms", "cv", "runs",
                                           "noisy", "ratio_to_" + backends.front(), "execution"});
  std::string header = fmt::format("{:<22} {:>3}", "model", "thr");
  for (const auto& b : backends) header += fmt::format("  {:<33}", b + " ms (p10..p90, runs)");
  for (size_t i = 1; i < backends.size(); ++i)
    header += fmt::format("  {:>8}", backends[i].substr(0, 6) + "/" + backends[0].substr(0, 1));
  fmt::print("{}\n", header);
  for (const auto& name : models) {
    const hwnas::ir::Graph g = hwnas::models::builtin_model(name);
    for (int t : threads) {
      std::map<std::string, std::optional<Result>> m;
      std::string line = fmt::format("{:<22} {:>3}", name, t);
      for (const auto& b : backends) {
        hwnas::measure::MeasureOptions o;
        o.backend = b;
        o.threads = t;
        o.seed = seed;
        o.timing.budget_s = budget;
        std::string error;
        m[b] = measure_isolated(g, o, error);
        line += fmt::format("  {:<33}", m[b] ? cell(*m[b]) : "failed");
        if (!m[b]) fmt::print(stderr, "{} on {} with {} thread(s): {}\n", name, b, t, error);  // say so, go on
      }
      for (size_t i = 1; i < backends.size(); ++i)
        line += fmt::format("  {:>8}", ratio(m[backends[i]], m[backends[0]]));
      fmt::print("{}\n", line);
      std::fflush(stdout);
      for (const auto& b : backends) {
        if (!m[b]) continue;
        const Result& r = *m[b];
        out += hwnas::core::csv_line({name, std::to_string(t), b, hwnas::core::format_number(r.median),
                                      hwnas::core::format_number(r.p10), hwnas::core::format_number(r.p90),
                                      hwnas::core::format_number(r.cv), std::to_string(r.runs), r.noisy ? "1" : "0",
                                      ratio(m[b], m[backends.front()]), r.execution});
      }
    }
  }
  hwnas::write_file_atomic(csv, out);
  fmt::print("\nAll times measured (median of the runs shown, f32, seed {}); ratios > 1: slower than {}.\nwrote {}\n",
             seed, backends.front(), csv);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
