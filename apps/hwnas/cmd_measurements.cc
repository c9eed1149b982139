// hwnas measurements import: latencies measured elsewhere, read into a CSV hwnas uses.
//
//   adb shell /data/local/tmp/benchmark_model --graph=m.tflite --num_threads=4 > pixel7.txt
//   hwnas measurements import pixel7.txt more.txt --out phone.csv --device pixel7 [--ops-out ops.csv]
//   hwnas predictor fit --space mbconv --measurements phone.csv --out pixel7-fit.yaml
//
// The logs are read whole before anything is written (measure/benchmark_model_log.h), so a
// malformed log leaves no output behind; each file is then written atomically.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/measure/benchmark_model_csv.h"
#include "hwnas/measure/benchmark_model_log.h"

namespace hwnas::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> logs;
  std::string out, ops_out, device;
};

std::string ms(double us) { return fmt::format("{:.4g}", us / 1000); }

void import_logs(const ImportArgs& a) {
  std::vector<measure::BenchmarkRun> runs;
  for (const std::string& log : a.logs)
    for (measure::BenchmarkRun& r : measure::parse_benchmark_model_log(read_file(log), log)) runs.push_back(std::move(r));
  size_t op_rows = 0;
  for (const measure::BenchmarkRun& r : runs) op_rows += r.op_summary.size();
  if (!a.ops_out.empty() && op_rows == 0)
    fail("--ops-out", "no run of {} has a per-op profile (run benchmark_model with --enable_op_profiling=true)",
         fmt::join(a.logs, ", "));

  for (const measure::BenchmarkRun& r : runs) {
    std::vector<std::string> how;
    if (r.threads) how.push_back(fmt::format("{} thread{}", *r.threads, *r.threads == 1 ? "" : "s"));
    how.push_back(r.delegates.empty() ? "cpu" : fmt::format("{}", fmt::join(r.delegates, "+")));
    fmt::print("{}: {} ms {}, {} ({})\n", r.model(), ms(r.avg_us), measure::describe(r, a.device),
               fmt::join(how, ", "), r.where());
  }
  write_file_atomic(a.out, measure::benchmark_runs_csv(runs, a.device));
  fmt::print("wrote {} ({} run{} from {} log{}; columns arch, latency_ms, ... as `hwnas predictor fit "
             "--measurements` reads them)\n",
             a.out, runs.size(), runs.size() == 1 ? "" : "s", a.logs.size(), a.logs.size() == 1 ? "" : "s");
  if (!a.ops_out.empty()) {
    write_file_atomic(a.ops_out, measure::benchmark_ops_csv(runs));
    fmt::print("wrote {} ({} node-type rows of the per-op profiles, measured)\n", a.ops_out, op_rows);
  }
}

void add_measurements(CLI::App& app) {
  auto* cmd = app.add_subcommand("measurements", "Import latencies measured elsewhere (TFLite benchmark_model logs)");
  cmd->require_subcommand(1);
  auto* imp = cmd->add_subcommand(
      "import", "Read TFLite benchmark_model outputs (adb shell, logcat; every version) into a CSV of latencies");
  auto a = std::make_shared<ImportArgs>();
  imp->add_option("logs", a->logs, "benchmark_model outputs, one or several runs each")->required();
  imp->add_option("--out", a->out, "the CSV to write: arch, latency_ms, std_ms, runs, ... (one row per run)")
      ->required();
  imp->add_option("--ops-out", a->ops_out, "also write the per-op 'Summary by node type' of profiled runs here");
  imp->add_option("--device", a->device, "the phone the logs were measured on (a CSV column; default: the log's name)");
  imp->callback([a] { import_logs(*a); });
}

const CommandRegistration reg(36, add_measurements);

}  // namespace
}  // namespace hwnas::cli
