// hwnas_latency_bench: ground-truth latency on this host with hwnas' XNNPACK backend (issue 3,
// item 8, the xnnpack part; OpenCV DNN and libtorch ratios are bench/run_runtime_bench.sh).
//
//   hwnas_latency_bench                                   # everything (~15 min on 2 cores)
//   hwnas_latency_bench --models mobilenetv2-1.0,dscnn-s --sections latency,overhead
//   hwnas_latency_bench --out results/latency --budget-s 3
//
// Four sections, each a printed table and a CSV file in --out:
//   latency      every model x {f32, int8} x {1, 2} threads under the timing protocol:
//                median, p10, p90, CV, runs, NOISY mark (latency.csv);
//   repeat       two measure runs of mobilenetv2-1.0 (f32, 1 thread), their ratio and the
//                load average around them: within 3% is the acceptance on an idle machine;
//                a busy machine is named, not hidden (repeatability.csv);
//   additivity   per model family, the per-kernel profile's sum of kernels against the whole
//                model, (sum - whole) / whole (additivity.csv);
//   overhead     what the protocol costs per run (two clock reads, the growing sample vector
//                and an occasional sort) against a bare invoke loop timed as one block, on a
//                tiny and a mid-size model (overhead.csv).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/measure/measure_model.h"
#include "hwnas/measure/profile.h"
#include "hwnas/models/registry.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/space/model_ref.h"
#include "hwnas/target/resolver.h"

namespace {

namespace measure = hwnas::measure;
namespace ir = hwnas::ir;
using hwnas::core::csv_line;
using hwnas::core::format_number;

struct Args {
  std::vector<std::string> models;
  std::vector<std::string> sections = {"latency", "repeat", "additivity", "overhead"};
  double budget_s = 3.0;
  double kernel_budget_s = 0.1;
  std::string out = "latency-bench";
};

bool wants(const Args& a, const std::string& section) {
  return std::find(a.sections.begin(), a.sections.end(), section) != a.sections.end();
}

// 1-minute load average and CPU count, for the notes about a busy machine.
std::string load_note() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (load < 0) return "load average unknown";
  return fmt::format("load average {:.2f} on {} CPUs{}", load, cpus, load > 0.5 * cpus ? " (BUSY)" : "");
}

// A table printed as aligned text and kept as CSV rows.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print() const {
    std::vector<size_t> width(header_.size());
    for (size_t c = 0; c < header_.size(); ++c) {
      width[c] = header_[c].size();
      for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
    }
    const auto line = [&](const std::vector<std::string>& r) {
      std::string s;
      for (size_t c = 0; c < r.size(); ++c) s += fmt::format("{}{:>{}}", c ? "  " : "", r[c], width[c]);
      fmt::print("{}\n", s);
    };
    line(header_);
    for (const auto& r : rows_) line(r);
    std::fflush(stdout);
  }
  void write(const std::filesystem::path& file) const {
    std::string text = csv_line(header_);
    for (const auto& r : rows_) text += csv_line(r);
    hwnas::write_file_atomic(file, text);
  }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string ms(double v) { return fmt::format("{:.3f}", v); }

measure::MeasureOptions options(ir::DType dtype, int threads, double budget_s) {
  measure::MeasureOptions o;
  o.dtype = dtype;
  o.threads = threads;
  o.timing.budget_s = budget_s;
  return o;
}

void latency_section(const Args& a, const std::vector<std::string>& models) {
  fmt::print(
      "\n== latency: xnnpack, timing protocol (warm-up, until the 95% CI of the median is within +-1% or "
      "{} s) ==\n",
      a.budget_s);
  Table t({"model", "dtype", "threads", "median_ms", "p10_ms", "p90_ms", "cv_pct", "runs", "noisy"});
  for (const std::string& name : models) {
    const ir::Graph g = hwnas::models::builtin_model(name);
    for (ir::DType dtype : {ir::DType::f32, ir::DType::i8})
      for (int threads : {1, 2}) {
        const measure::Measurement m = measure::measure_model(g, options(dtype, threads, a.budget_s));
        const measure::Summary& s = m.timing.summary;
        t.add({name, std::string(ir::dtype_name(dtype)), std::to_string(threads), ms(s.median), ms(s.p10), ms(s.p90),
               fmt::format("{:.1f}", s.cv * 100), std::to_string(s.runs), m.timing.noisy ? "NOISY" : ""});
        fmt::print(stderr, "  {} {} {}t: {:.3f} ms\n", name, ir::dtype_name(dtype), threads, s.median);
      }
  }
  t.print();
  t.write(std::filesystem::path(a.out) / "latency.csv");
}

void repeat_section(const Args& a) {
  fmt::print("\n== repeatability: two measure runs of mobilenetv2-1.0 (f32, 1 thread) ==\n");
  const ir::Graph g = hwnas::models::builtin_model("mobilenetv2-1.0");
  const std::string before = load_note();
  const measure::Measurement m1 = measure::measure_model(g, options(ir::DType::f32, 1, a.budget_s));
  const measure::Measurement m2 = measure::measure_model(g, options(ir::DType::f32, 1, a.budget_s));
  const std::string after = load_note();
  const double ratio = m2.timing.summary.median / m1.timing.summary.median;
  Table t({"run1_ms", "run2_ms", "ratio", "within_3pct", "noisy", "load_before", "load_after"});
  t.add({ms(m1.timing.summary.median), ms(m2.timing.summary.median), fmt::format("{:.4f}", ratio),
         std::abs(ratio - 1) <= 0.03 ? "yes" : "NO", m1.timing.noisy || m2.timing.noisy ? "NOISY" : "", before, after});
  t.print();
  t.write(std::filesystem::path(a.out) / "repeatability.csv");
}

// One model per family: the graphs the profile has to split differ most between families.
const std::vector<std::string> kFamilies = {"efficientnet-b0", "mobilenetv2-1.0", "dscnn-mlperf", "ssdlite-mobilenetv2",
                                            "nb201:|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|"
                                            "skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"};

void additivity_section(const Args& a) {
  fmt::print(
      "\n== additivity: sum of kernels (each timed alone, XNNPACK's fusions) vs the whole model, f32, "
      "1 thread ==\n");
  // The roofline does not enter the additivity; measured once so the profiles need not.
  const measure::Roofline roof = measure::measure_roofline({});
  fmt::print("roofline: peak {:.1f} GMAC/s, depthwise {:.1f}, {} levels ({})\n", roof.peak_macs_per_s / 1e9,
             roof.peak_for(ir::OpKind::DepthwiseConv2D) / 1e9, roof.levels.size(), roof.source);
  Table t({"model", "kernels", "whole_ms", "sum_ms", "error_pct", "noisy_kernels", "whole_noisy"});
  for (const std::string& name : kFamilies) {
    measure::ProfileOptions o;
    o.roofline = roof;
    o.kernel_budget_s = a.kernel_budget_s;
    o.whole_budget_s = a.budget_s;
    const measure::Profile p = measure::profile_model(hwnas::target::resolve_model(name), o);
    t.add({p.model, std::to_string(p.kernels.size()), ms(p.whole.timing.summary.median), ms(p.sum_ms),
           fmt::format("{:+.1f}", p.additivity_error() * 100), std::to_string(p.noisy_kernels()),
           p.whole.timing.noisy ? "NOISY" : ""});
    fmt::print(stderr, "  {}: {:+.1f}%\n", p.model, p.additivity_error() * 100);
  }
  t.print();
  t.write(std::filesystem::path(a.out) / "additivity.csv");
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void overhead_section(const Args& a) {
  fmt::print("\n== overhead of the timing protocol per run, against a bare invoke loop (f32, 1 thread) ==\n");
  Table t({"model", "bare_us_per_invoke", "protocol_us_per_run", "overhead_us", "overhead_pct", "protocol_median_us",
           "runs"});
  for (const std::string name : {"dscnn-s", "mobilenetv2-1.0"}) {
    const ir::Graph g = hwnas::models::builtin_model(name);
    const measure::ScopedPin pin(1, true);
    auto model = hwnas::runtime::make_backend("xnnpack")->prepare(g, hwnas::runtime::init_weights(g, {.seed = 0}));
    const auto invoke = [&] { model->invoke(); };
    for (int i = 0; i < 10; ++i) invoke();  // warm, as the protocol does
    // Bare: one clock pair around as many invokes as fill about a second.
    const auto t_probe = std::chrono::steady_clock::now();
    invoke();
    const int n = std::max(20, static_cast<int>(1.0 / std::max(seconds_since(t_probe), 1e-7)));
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) invoke();
    const double bare_us = seconds_since(t0) / n * 1e6;
    // Protocol: wall time of time_function over every run it made (warm-up included).
    measure::TimingOptions to;
    to.budget_s = 1.0;
    to.target_rel_ci = 1e-9;  // never converge: run the whole budget, as a noisy machine would
    to.max_runs = n;
    const auto t1 = std::chrono::steady_clock::now();
    const measure::TimingResult r = measure::time_function(invoke, to);
    const double protocol_us = seconds_since(t1) / (r.summary.runs + to.warmup_runs) * 1e6;
    t.add({name, fmt::format("{:.2f}", bare_us), fmt::format("{:.2f}", protocol_us),
           fmt::format("{:+.2f}", protocol_us - bare_us), fmt::format("{:+.2f}", (protocol_us / bare_us - 1) * 100),
           fmt::format("{:.2f}", r.summary.median * 1e3), std::to_string(r.summary.runs)});
  }
  t.print();
  t.write(std::filesystem::path(a.out) / "overhead.csv");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hwnas_latency_bench: xnnpack latency of every built-in model, repeatability, additivity, overhead"};
  Args a;
  app.add_option("--models", a.models, "models of the latency section (default: every built-in model)")->delimiter(',');
  app.add_option("--sections", a.sections, "latency,repeat,additivity,overhead")
      ->delimiter(',')
      ->check(CLI::IsMember({"latency", "repeat", "additivity", "overhead"}))
      ->capture_default_str();
  app.add_option("--budget-s", a.budget_s, "timing budget per whole-model measurement")->capture_default_str();
  app.add_option("--kernel-budget-s", a.kernel_budget_s, "timing budget per kernel (additivity)")
      ->capture_default_str();
  app.add_option("--out", a.out, "folder for the CSV files")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    if (a.models.empty()) a.models = hwnas::models::builtin_model_names();
    std::filesystem::create_directories(a.out);
    fmt::print("hwnas_latency_bench: {}; results in {}\n", load_note(), a.out);
    if (wants(a, "latency")) latency_section(a, a.models);
    if (wants(a, "repeat")) repeat_section(a);
    if (wants(a, "additivity")) additivity_section(a);
    if (wants(a, "overhead")) overhead_section(a);
    fmt::print("\nAll times measured on this host (xnnpack backend, pinned where allowed); {} at the end.\n",
               load_note());
  } catch (const hwnas::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
