// hwnas profile: where the time of a model goes on this host, kernel by kernel.
//
//   hwnas profile efficientnet-b0
//   hwnas profile mobilenetv2-1.0 --threads 2 --dtype int8 --top 10
//   hwnas profile efficientnet-b0 --order graph --rows 0 --csv b0.csv
//   hwnas profile dscnn-mlperf --json > profile.json
//
// The figures come from measure::profile_model (measure/profile.h): each fused kernel timed
// as its own runtime, the whole model timed too, MACs and bytes computed from the graph, and
// each kernel called compute- or memory-bound against the host's roofline
// (measure::choose_roofline picks it from --roofline). This file only formats them.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/core/files.h"
#include "hwnas/measure/profile.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "table.h"

namespace hwnas::cli {
namespace {

struct ProfileArgs {
  std::string model;
  models::ModelOverrides overrides;
  measure::ProfileOptions options;
  std::string dtype = "f32";
  int top = 5;
  int rows = 30;
  std::string order = "slowest";
  bool json = false;
  bool no_pin = false;
  std::string csv;
  std::string roofline = "auto";
};

std::string percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100); }

std::string time_line(const measure::Summary& s) {
  return fmt::format("{:.3f} ms (p10 {:.3f}, p90 {:.3f}, {} runs)", s.median, s.p10, s.p90, s.runs);
}

std::string kernel_note(const measure::KernelProfile& k) {
  std::string note;
  for (const std::string& f : k.fallback) note += (note.empty() ? "fallback: " : ", ") + f;
  if (k.noisy) note += std::string(note.empty() ? "" : "; ") + "noisy";
  return note;
}

void print_table(const measure::Profile& p, const ProfileArgs& a) {
  std::vector<int> rows = p.slowest(-1);
  if (a.order == "graph") std::ranges::sort(rows);
  const int total = static_cast<int>(rows.size());
  if (a.rows > 0 && a.rows < total) {
    // Keep the slowest `rows` kernels, shown in the order asked for.
    std::vector<int> keep = p.slowest(a.rows);
    if (a.order == "graph") std::ranges::sort(keep);
    rows = keep;
  }
  TextTable t({{"#", Align::Right},
               {"kernel"},
               {"type"},
               {"ms", Align::Right},
               {"p10-p90", Align::Right},
               {"share", Align::Right},
               {"MACs", Align::Right},
               {"moved", Align::Right},
               {"MAC/B", Align::Right},
               {"GMAC/s", Align::Right},
               {"GB/s", Align::Right},
               {"level"},
               {"bound"},
               {"roof", Align::Right},
               {"note"}});
  for (int i : rows) {
    const measure::KernelProfile& k = p.kernels[i];
    t.add_row({std::to_string(i), k.kernel.name, k.kernel.type, fmt::format("{:.3f}", k.time.median),
               fmt::format("{:.3f}-{:.3f}", k.time.p10, k.time.p90), percent(k.share),
               si(static_cast<double>(k.traffic.macs)), kib(k.traffic.bytes()),
               fmt::format("{:.1f}", k.traffic.intensity()), fmt::format("{:.1f}", k.gmacs_per_s),
               fmt::format("{:.1f}", k.gb_per_s), k.memory_level, std::string(measure::bound_name(k.bound)),
               fmt::format("{:.0f}%", k.roof_fraction * 100), kernel_note(k)});
  }
  fmt::print("{}", t.str());
  if (static_cast<int>(rows.size()) < total)
    fmt::print("({} of {} kernels shown, the slowest; --rows 0 shows all)\n", rows.size(), total);
}

void print_summary(const measure::Profile& p, int top) {
  const measure::Measurement& w = p.whole;
  fmt::print("\nwhole model:     {} measured ({}{}, CV {:.1f}%){}\n", time_line(w.timing.summary), p.backend,
             p.dtype == ir::DType::f32 ? "" : " " + std::string(ir::dtype_name(p.dtype)), w.timing.summary.cv * 100,
             w.timing.noisy ? " NOISY" : "");
  // A long whole-model run is preempted far more often than a short kernel run on a busy
  // machine, so a noisy whole model makes the error a measure of the load, not of the split.
  fmt::print("sum of kernels:  {:.3f} ms ({} kernels, each timed alone{}); additivity error {:+.1f}%{}\n", p.sum_ms,
             p.kernels.size(), p.noisy_kernels() ? fmt::format(", {} noisy", p.noisy_kernels()) : "",
             p.additivity_error() * 100,
             w.timing.noisy ? " (the whole model is NOISY: the error says more about the machine's load)" : "");
  double compute_ms = 0;
  int compute_n = 0;
  for (const auto& k : p.kernels)
    if (k.bound == measure::Bound::Compute) compute_ms += k.time.median, ++compute_n;
  fmt::print("bound:           compute-bound {} kernels ({} of kernel time), memory-bound {} kernels ({})\n", compute_n,
             percent(p.sum_ms > 0 ? compute_ms / p.sum_ms : 0), static_cast<int>(p.kernels.size()) - compute_n,
             percent(p.sum_ms > 0 ? 1 - compute_ms / p.sum_ms : 0));
  fmt::print("fallback nodes:  {}\n", w.fallback_names.empty() ? "none (every node ran on " + p.backend + ")"
                                                               : fmt::format("{}", fmt::join(w.fallback_names, ", ")));
  fmt::print("\ntop {} bottlenecks:\n", top);
  int rank = 0;
  for (int i : p.slowest(top)) {
    const measure::KernelProfile& k = p.kernels[i];
    fmt::print(
        "  {}. {} ({}): {:.3f} ms, {} of the sum; {} ({:.1f} MAC/B, {} moved, from {}); {:.1f} GMAC/s, "
        "{:.1f} GB/s, {:.0f}% of its roof\n",
        ++rank, k.kernel.name, k.kernel.type, k.time.median, percent(k.share), measure::bound_name(k.bound),
        k.traffic.intensity(), kib(k.traffic.bytes()), k.memory_level, k.gmacs_per_s, k.gb_per_s,
        k.roof_fraction * 100);
  }
}

void print_text(const measure::Profile& p, const ProfileArgs& a) {
  const measure::Roofline& r = p.roofline;
  fmt::print("{}: profile on {} {}, {} thread{}, {}\n", p.model, p.backend, ir::dtype_name(p.dtype), p.threads,
             p.threads > 1 ? "s" : "", p.whole.pinning.note);
  fmt::print("kernels:  {}\n", p.fusion);
  std::string levels;
  for (const measure::MemoryLevel& l : r.levels)
    levels +=
        fmt::format("{}{} {:.1f} GB/s (ridge {:.1f} MAC/B{})", levels.empty() ? "" : ", ", l.name, l.bytes_per_s / 1e9,
                    r.ridge(l), l.max_bytes > 0 ? ", up to " + kib(l.max_bytes) + " moved" : "");
  fmt::print("roofline: peak {:.1f} GMAC/s (depthwise {:.1f}); {}\n          ({})\n\n", r.peak_macs_per_s / 1e9,
             r.peak_for(ir::OpKind::DepthwiseConv2D) / 1e9, levels, r.source);
  print_table(p, a);
  print_summary(p, a.top);
  fmt::print(
      "\nTimes are measured (each kernel as its own {} runtime under the timing protocol; p10-p90 its spread);\n"
      "MACs and bytes moved (inputs + outputs + weights) are computed from the graph; 'roof' is the\n"
      "roofline's least time over the measured time (100% = at the roof).\n",
      p.backend);
}

void add_profile(CLI::App& app) {
  auto* cmd = app.add_subcommand("profile", "Per-kernel profile on this host: time, share, GMAC/s, GB/s, bound");
  auto a = std::make_shared<ProfileArgs>();
  cmd->add_option(
         "model", a->model,
         "a built-in model (efficientnet-b0, mobilenetv2-1.0, ...), <space>[@device]:<arch>, or a graph JSON file")
      ->required();
  cmd->add_option("--resolution", a->overrides.resolution, "input height and width (default: the model's own)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--classes", a->overrides.classes, "number of output classes (default: the model's own)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--backend", a->options.backend, "the runtime: xnnpack, reference, opencv or torch")
      ->check(CLI::IsMember(runtime::backend_names()))
      ->capture_default_str();
  cmd->add_option("--threads", a->options.threads, "worker threads")->check(CLI::Range(1, 1024))->capture_default_str();
  cmd->add_option("--dtype", a->dtype, "f32 | int8 (xnnpack: int8 where this XNNPACK quantizes an op)")
      ->check(CLI::IsMember({"f32", "int8"}))
      ->capture_default_str();
  cmd->add_option("--seed", a->options.seed, "seed of weights, inputs and int8 calibration")->capture_default_str();
  cmd->add_option("--top", a->top, "how many bottlenecks to name")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--rows", a->rows, "table rows, the slowest kernels (0: all)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--order", a->order, "table order: slowest first, or graph order")
      ->check(CLI::IsMember({"slowest", "graph"}))
      ->capture_default_str();
  cmd->add_option("--kernel-budget-s", a->options.kernel_budget_s, "timing budget per kernel in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--budget-s", a->options.whole_budget_s, "timing budget of the whole model in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print JSON (kernels as a list of rows: pandas.DataFrame(j['kernels']))");
  cmd->add_option("--csv", a->csv, "also write one row per kernel to this CSV file");
  cmd->add_flag("--no-pin", a->no_pin, "do not pin to CPUs (sched_setaffinity)");
  cmd->add_option("--roofline", a->roofline,
                  "auto (the host device profile once calibrated, else measured), measure, or a device name / "
                  "YAML file whose peak and bandwidth to use")
      ->capture_default_str();
  cmd->callback([a] {
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    measure::ProfileOptions o = a->options;
    o.weights = target::model_weights(a->model, g);  // a trained model directory's; else seeded
    o.dtype = *ir::dtype_from_name(a->dtype);
    o.pin = !a->no_pin;
    o.roofline = measure::choose_roofline(a->roofline, o.dtype);
    if (isatty(STDERR_FILENO))
      o.progress = [](int done, int total) {
        std::fprintf(stderr, "\rprofiling kernel %d/%d%s", done, total, done == total ? "\n" : "");
      };
    const measure::Profile p = measure::profile_model(g, o);
    if (!a->csv.empty()) write_file_atomic(a->csv, measure::to_csv(p));
    if (a->json) fmt::print("{}\n", measure::to_json(p, a->top).dump(2));
    else print_text(p, *a);
  });
}

CommandRegistration profile_reg(32, add_profile);

}  // namespace
}  // namespace hwnas::cli
