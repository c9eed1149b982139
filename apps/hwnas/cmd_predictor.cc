// hwnas predictor build | fit | eval: measured and calibrated latency predictors.
//
//   hwnas predictor build --device host [--out host-xnnpack.json] [--budget-min 10] [--threads 1]
//   hwnas predictor build --kind lut --space nb201 --out nb201-lut.json
//   hwnas predictor fit --space nb201 --measurements m.csv --arch-column arch_str
//                       --latency-column raspi4_latency_ms --device pixel3-cpu --out raspi4-fit.yaml
//   hwnas predictor fit --measurements phone.csv --device pixel3-cpu --out phone.yaml   # models of any kind
//   hwnas predictor eval --device host --predictor host-xnnpack.json [--per-space 10]
//   hwnas predictor eval --measurements m.csv --space nb201 --train 10 --repeats 20
//                        --arch-column arch_str --latency-column raspi4_latency_ms
//   hwnas predictor eval ... --prior other-devices.csv [--prior-columns a,b] [--prior-arch-column arch_str]
//   hwnas predictor fit --space nb201 --measurements m.csv ... --prior other-devices.csv --out model.json
//
// `build` measures kernels on this machine's xnnpack backend and trains the kernel (nn-Meter)
// or lut (FBNet) predictor (cost/predictor_build.h). `fit` calibrates a device profile to
// measured whole-model latencies (cost/calibrated.h), or with --prior fits the few-shot model
// on other devices' measurements of the same space (cost/few_shot_prior.h). `eval` judges a
// predictor on held-out models measured now, or few-shot calibration (or the prior model) on a
// table, beside the FLOPs-proportional baseline (cost/predictor_eval.h).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/cost/calibrated.h"
#include "hwnas/cost/device_fit.h"
#include "hwnas/cost/few_shot_prior.h"
#include "hwnas/cost/kernel_model.h"
#include "hwnas/cost/predictor_build.h"
#include "hwnas/cost/predictor_eval.h"
#include "hwnas/hw/device.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/resolver.h"
#include "table.h"

namespace hwnas::cli {
namespace {

ir::DType dtype_arg(const std::string& s) {
  const auto t = ir::dtype_from_name(s);
  if (!t) fail("--dtype", "unknown dtype '{}' (f32, int8)", s);
  return *t;
}

std::string pct(double share) { return fmt::format("{:.1f}%", 100 * share); }

void print_progress(std::string_view line) {
  fmt::print(stderr, "{}\n", line);
  std::fflush(stderr);
}

// ---- build -------------------------------------------------------------------------------

void add_build(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("build", "Measure kernels on this machine and train a kernel (or lut) predictor");
  struct Args {
    std::string kind = "kernel", device = "host", out, dtype = "f32", kernel_statistic = "p10";
    std::vector<std::string> spaces;
    double budget_min = 10, kernel_budget_s = 0.25;
    int threads = 1, archs_per_round = 4, whole_rounds = 3;
    uint64_t seed = 1;
    bool no_fusion_detect = false, no_pin = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--kind", a->kind, "kernel (nn-Meter: XGBoost per kernel group) | lut (measured table per kernel)")
      ->check(CLI::IsMember({"kernel", "lut"}))
      ->capture_default_str();
  cmd->add_option("--device", a->device, "the device measured: only this machine (host) can be")->capture_default_str();
  cmd->add_option("--out", a->out, "the predictor file (default: <device>-xnnpack.json, <device>-xnnpack-lut.json)");
  cmd->add_option("--space", a->spaces, "spaces to sample kernels from (repeatable; default nb201, mbconv, dscnn)");
  cmd->add_option("--budget-min", a->budget_min, "wall-clock minutes of measuring")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--kernel-budget-s", a->kernel_budget_s, "timing budget per kernel in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--kernel-statistic", a->kernel_statistic,
                  "a kernel's figure from its timing runs: median | p10 | min (low ones resist other load)")
      ->check(CLI::IsMember({"median", "p10", "min"}))
      ->capture_default_str();
  cmd->add_option("--whole-rounds", a->whole_rounds,
                  "rounds of timing of each whole architecture (interleaved; the lowest median is kept)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "xnnpack worker threads")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--dtype", a->dtype, "f32 | int8")->check(CLI::IsMember({"f32", "int8"}))->capture_default_str();
  cmd->add_option("--archs-per-round", a->archs_per_round, "architectures per space and round")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "which architectures are sampled")->capture_default_str();
  cmd->add_flag("--no-fusion-detect", a->no_fusion_detect, "skip the pairwise fusion tests (batch_norm folding only)");
  cmd->add_flag("--no-pin", a->no_pin, "do not pin to CPUs");
  cmd->callback([a] {
    if (a->device != "host")
      fail("--device " + a->device,
           "a predictor is built by measuring, and only this machine (host) can be measured "
           "here; for another device fit a profile with `hwnas predictor fit`");
    if (a->kind == "lut" && a->spaces.empty())
      fail("--space", "a lut is built for a space: give --space (e.g. --space nb201)");
    cost::BuildOptions o;
    o.kind = a->kind;
    o.device = a->device;
    if (!a->spaces.empty()) o.spaces = a->spaces;
    o.make_space = [](std::string_view name) { return target::resolve_space(name); };
    o.budget_s = a->budget_min * 60;
    o.archs_per_round = a->archs_per_round;
    o.detect_fusion = !a->no_fusion_detect;
    o.seed = a->seed;
    o.kernel_statistic = a->kernel_statistic;
    o.whole_rounds = a->whole_rounds;
    o.measure.threads = a->threads;
    o.measure.dtype = dtype_arg(a->dtype);
    o.measure.pin = !a->no_pin;
    o.measure.timing.budget_s = a->kernel_budget_s;
    o.measure.timing.target_rel_ci = 0.02;
    o.progress = print_progress;
    const cost::PredictorFile p = cost::build_predictor(o);
    const std::string out =
        !a->out.empty() ? a->out : fmt::format("{}-xnnpack{}.json", a->device, a->kind == "lut" ? "-lut" : "");
    cost::save_predictor(p, out);
    fmt::print("wrote {} ({} predictor, {}, {} thread{}, {}): {} kernels measured in {:.0f} s\n", out, p.kind,
               p.backend, p.threads, p.threads == 1 ? "" : "s", ir::dtype_name(p.dtype),
               p.training["kernels_measured"].get<int>(), p.training["spent_s"].get<double>());
    if (p.kind == "kernel") {
      TextTable t({{"group", Align::Left},
                   {"kernels", Align::Right},
                   {"held out", Align::Right},
                   {"within 10%", Align::Right},
                   {"RMS error", Align::Right}});
      for (const auto& [name, g] : p.groups)
        t.add_row({name, std::to_string(g.train_size), std::to_string(g.validation_samples),
                   g.validation_samples ? pct(g.validation_within_10) : "-",
                   g.validation_samples ? pct(g.validation_rel_rmse) : "-"});
      fmt::print("{}", t.str());
    }
    std::vector<std::string> fused;
    for (const auto& [x, y] : p.fusion.pairs) fused.push_back(fmt::format("{}+{}", ir::op_name(x), ir::op_name(y)));
    fmt::print("fused (measured): {}\n", fused.empty() ? "none" : fmt::format("{}", fmt::join(fused, ", ")));
    fmt::print(
        "whole model = {:.4f} x sum of kernels - {:.4g} ms per kernel + {:.4g} ms + {:.4g} ms per MiB of weights "
        "beyond {:g} MiB (RMS error {:.1f}% on {} whole archs)\n",
        p.scale, p.kernel_overhead_ms, p.offset_ms, p.weight_ms_per_mib, p.weight_cache_mib,
        100 * p.training["whole_model_rel_rmse"].get<double>(), p.training["whole_archs"].get<int>());
  });
}

// ---- fit ---------------------------------------------------------------------------------

struct TableArgs {
  std::string space, measurements, arch_column = "arch", latency_column = "latency_ms", device = "pixel3-cpu",
                                   dtype = "f32";
};

// The few-shot prior: other devices' measurements of the same space (cost/few_shot_prior.h).
struct PriorArgs {
  std::string file, arch_column;     // arch_column: default the measurements' --arch-column
  std::vector<std::string> columns;  // default: every *latency_ms column but the target's
};

void add_prior_options(CLI::App* cmd, PriorArgs& p) {
  cmd->add_option("--prior", p.file,
                  "a CSV of other devices' latencies of the same space: fit the few-shot prior model (HELP-like) "
                  "instead of the calibrated profile");
  cmd->add_option("--prior-columns", p.columns,
                  "prior device columns (comma-separated; default: every *latency_ms column but --latency-column)")
      ->delimiter(',');
  cmd->add_option("--prior-arch-column", p.arch_column, "arch column of the prior table (default: --arch-column)");
}

cost::DevicePrior load_prior(const PriorArgs& p, const TableArgs& t, cost::ArchFeatures& features) {
  const core::CsvTable table = core::read_csv(p.file);
  const std::vector<std::string> columns =
      p.columns.empty() ? cost::default_prior_columns(table, t.latency_column) : p.columns;
  for (const std::string& c : columns)
    if (c == t.latency_column && std::filesystem::absolute(p.file) == std::filesystem::absolute(t.measurements))
      fail("--prior-columns", "'{}' is the target column itself; the prior must come from other devices", c);
  if (columns.empty())
    fail(p.file, "has no *latency_ms column other than '{}' to learn a prior from; name them with --prior-columns",
         t.latency_column);
  return cost::fit_prior(table, features, p.arch_column.empty() ? t.arch_column : p.arch_column, columns);
}

// required: --measurements must be given; space_required: --space too (else the arch column
// holds model references of any kind).
void add_table_options(CLI::App* cmd, TableArgs& t, bool required, bool space_required = true) {
  auto* s = cmd->add_option("--space", t.space,
                            space_required ? "the space of the architectures (nb201, mbconv, ... or a YAML space)"
                                           : "the space of the architectures (nb201, mbconv, ... or a YAML space); "
                                             "without it the arch column names models of any kind (built-in "
                                             "names, .onnx files, <space>:<arch>, ...)");
  auto* m = cmd->add_option("--measurements", t.measurements, "a CSV with an architecture and a latency column");
  if (required) {
    if (space_required) s->required();
    m->required();
  }
  cmd->add_option("--arch-column", t.arch_column, "column of the arch strings")->capture_default_str();
  cmd->add_option("--latency-column", t.latency_column, "column of the measured latencies (ms)")->capture_default_str();
  cmd->add_option("--device", t.device, "the base profile whose structure is fitted (built-in name or YAML)")
      ->capture_default_str();
  cmd->add_option("--dtype", t.dtype, "f32 | int8")->check(CLI::IsMember({"f32", "int8"}))->capture_default_str();
}

void fit_prior_model(const TableArgs& t, const PriorArgs& p, const std::string& out) {
  const auto sp = target::resolve_space(t.space);
  cost::ArchFeatures features(*sp);
  const cost::MeasuredArchs m = cost::load_measured_archs(t.measurements, *sp, t.arch_column, t.latency_column);
  const cost::DevicePrior prior = load_prior(p, t, features);
  cost::FewShotModel model = cost::fit_few_shot(prior, features, m.archs, m.measured_ms);
  model.provenance["measurements"] = {{"file", t.measurements}, {"column", t.latency_column}};
  cost::save_few_shot(model, out);
  std::vector<std::string> columns;
  for (const cost::PriorDevice& d : prior.devices) columns.push_back(fmt::format("{} ({} rows)", d.column, d.rows));
  fmt::print("prior: {} of {}\n", fmt::join(columns, ", "), p.file);
  TextTable table({{"candidate", Align::Left},
                   {"ridge", Align::Right},
                   {"leave-one-out MSE", Align::Right},
                   {"weight", Align::Right}});
  for (const cost::FewShotCandidate& c : model.candidates)
    table.add_row(
        {c.name, fmt::format("{:g}", c.lambda), fmt::format("{:.3g}", c.loo_mse), fmt::format("{:.3f}", c.alpha)});
  fmt::print("{}", table.str());
  fmt::print("residual trees (XGBoost on log(measured / linear)): {}\n", learn::describe(model.residual_cv));
  std::vector<double> predicted;
  for (const space::Arch& a : m.archs) predicted.push_back(model.predict_ms(features, a));
  const cost::Accuracy acc = cost::accuracy(predicted, m.measured_ms);
  fmt::print(
      "fitted on {} measurements of {} ({} rows without a latency skipped); on them: {} within 10%, Spearman {:.3f}\n",
      m.measured_ms.size(), t.latency_column, m.skipped, pct(acc.within_10), acc.spearman);
  fmt::print(
      "wrote {} (few-shot prior model, {} features); predict with: hwnas predict --predictor {} --space {} "
      "--archs archs.txt --csv out.csv\n",
      out, model.features.size(), out, t.space);
}

void add_fit(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("fit", "Fit a device profile (calibrated model) to measured whole-model latencies");
  auto t = std::make_shared<TableArgs>();
  auto out = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto prior = std::make_shared<PriorArgs>();
  add_table_options(cmd, *t, true, false);
  add_prior_options(cmd, *prior);
  cmd->add_option("--out", *out, "the fitted device profile (YAML); with --prior the few-shot model (JSON)")
      ->required();
  cmd->add_option("--name", *name, "the fitted device's name (default: <base>-fitted)");
  cmd->callback([t, out, name, prior] {
    if (!prior->file.empty()) {
      if (t->space.empty()) fail("--prior", "the few-shot prior model learns from a space's archs: give --space too");
      return fit_prior_model(*t, *prior, *out);
    }
    const hw::Device base = hw::load_device(t->device);
    const cost::DeviceFitOptions o{.measurements = t->measurements,
                                   .arch_column = t->arch_column,
                                   .latency_column = t->latency_column,
                                   .dtype = dtype_arg(t->dtype),
                                   .name = *name,
                                   .out = *out};
    // Without --space the rows name models of any kind, as the resolver knows them.
    const cost::DeviceFit f =
        t->space.empty()
            ? cost::fit_device(base,
                               cost::load_calibration_data(
                                   o.measurements, [](const std::string& ref) { return target::resolve_model(ref); },
                                   o.arch_column, o.latency_column, base, o.dtype),
                               "models", o)
            : cost::fit_device(base, *target::resolve_space(t->space), o);
    TextTable table({{"term", Align::Left}, {"factor", Align::Right}, {"profile's", Align::Right}});
    for (size_t j = 0; j < f.fit.factors.size(); ++j)
      table.add_row({cost::calibration_term_names()[j], fmt::format("{:.4g}", f.fit.factors[j]),
                     fmt::format("{:.4g}", f.prior[j])});
    fmt::print("{}", table.str());
    fmt::print("fitted on {} measurements ({} rows without a latency skipped); ridge {:g}\n", f.measured_ms.size(),
               f.skipped, f.fit.lambda);
    fmt::print("on them: {} within 10%, Spearman {:.3f}, RMS error {:.1f}% (leave-one-out {:.1f}%)\n",
               pct(f.accuracy.within_10), f.accuracy.spearman, 100 * f.fit.train_rel_rmse, 100 * f.fit.loo_rel_rmse);
    fmt::print("wrote {} (device '{}'); predict with: hwnas predict --device {} --model calibrated <model>\n", *out,
               f.device.name, *out);
  });
}

// ---- eval --------------------------------------------------------------------------------

std::string signed_pct(double predicted, double measured) {
  return fmt::format("{:+.1f}%", 100 * (predicted / measured - 1));
}

void print_accuracy_lines(const cost::Accuracy& m, const cost::Accuracy& b, const std::string& label) {
  TextTable t({{"", Align::Left},
               {"within 5%", Align::Right},
               {"within 10%", Align::Right},
               {"RMSE ms", Align::Right},
               {"RMS error", Align::Right},
               {"Spearman", Align::Right},
               {"Kendall", Align::Right}});
  for (const auto& [name, a] : {std::pair{label, m}, std::pair{std::string("FLOPs-proportional"), b}})
    t.add_row({name, pct(a.within_5), pct(a.within_10), fmt::format("{:.4g}", a.rmse_ms), pct(a.rel_rmse),
               fmt::format("{:.3f}", a.spearman), fmt::format("{:.3f}", a.kendall)});
  fmt::print("{}", t.str());
}

void eval_host(const std::string& predictor, const std::string& kind, int per_space,
               const std::vector<std::string>& builtins, double budget_s, int rounds, uint64_t seed,
               const std::string& csv) {
  const cost::PredictorFile file = cost::load_predictor(predictor);
  const auto model = cost::load_kernel_model(kind.empty() ? file.kind : kind, predictor);
  std::vector<std::string> spaces;
  for (const auto& s : file.training.value("spaces", nlohmann::json::array())) spaces.push_back(s.get<std::string>());
  std::vector<std::unique_ptr<space::SearchSpace>> resolved;
  std::vector<const space::SearchSpace*> space_ptrs;
  for (const std::string& name : spaces) space_ptrs.push_back(resolved.emplace_back(target::resolve_space(name)).get());
  const auto models = cost::heldout_models(file, space_ptrs, per_space, builtins, seed);
  measure::MeasureOptions o;
  o.threads = file.threads;
  o.dtype = file.dtype;
  o.timing.budget_s = budget_s;
  const double ms_per_mac = file.training.value("ms_per_mac_median", 0.0);
  if (!(ms_per_mac > 0)) fail(predictor, "has no training.ms_per_mac_median for the FLOPs baseline; rebuild it");
  fmt::print(
      "held-out models: {} ({} per space of {}, never in its training set nor with unread nodes; built-ins {})\n",
      models.size(), per_space, fmt::join(spaces, ", "), fmt::join(builtins, ", "));
  const std::vector<cost::EvalRow> rows = cost::evaluate_models(*model, models, o, ms_per_mac, print_progress, rounds);
  TextTable t({{"model", Align::Left},
               {"MACs", Align::Right},
               {"measured ms", Align::Right},
               {"runs", Align::Right},
               {"CV", Align::Right},
               {"predicted ms", Align::Right},
               {"error", Align::Right},
               {"FLOPs-prop. ms", Align::Right},
               {"error", Align::Right},
               {"", Align::Left}});
  std::string out =
      core::csv_line({"model", "macs", "measured_ms", "runs", "cv", "noisy", "predicted_ms", "baseline_ms"});
  for (const cost::EvalRow& r : rows) {
    std::string name = r.model.size() > 48 ? r.model.substr(0, 45) + "..." : r.model;
    t.add_row({name, si(static_cast<double>(r.macs)), fmt::format("{:.4g}", r.measured_ms), std::to_string(r.runs),
               pct(r.cv), fmt::format("{:.4g}", r.predicted_ms), signed_pct(r.predicted_ms, r.measured_ms),
               fmt::format("{:.4g}", r.baseline_ms), signed_pct(r.baseline_ms, r.measured_ms), r.noisy ? "NOISY" : ""});
    out += core::csv_line({r.model, std::to_string(r.macs), core::format_number(r.measured_ms), std::to_string(r.runs),
                           core::format_number(r.cv), r.noisy ? "1" : "0", core::format_number(r.predicted_ms),
                           core::format_number(r.baseline_ms)});
  }
  fmt::print("{}", t.str());
  const cost::EvalSummary s = cost::summarize(rows);
  fmt::print("measured: xnnpack, {} thread{}, {} ({} s budget per round); {} of {} rows NOISY\n", file.threads,
             file.threads == 1 ? "" : "s",
             rounds == 1 ? std::string("median of the timing protocol")
                         : fmt::format("lowest median of {} interleaved rounds of the timing protocol", rounds),
             budget_s, s.noisy, rows.size());
  print_accuracy_lines(s.model, s.baseline, model->source());
  if (!csv.empty()) write_file_atomic(csv, out);
}

// The few-shot table (or JSON) of `draws`: the model's row `label` beside the FLOPs baseline.
void print_few_shot(const std::vector<cost::FewShotDraw>& draws, nlohmann::ordered_json j, const std::string& heading,
                    const std::string& label, bool json) {
  const cost::FewShotSummary s = cost::summarize(draws);
  const cost::FewShotSide& m = s.model;
  const cost::FewShotSide& b = s.baseline;
  if (json) {
    j.update(nlohmann::ordered_json{{"spearman_mean", m.spearman.mean},
                                    {"spearman_min", m.spearman.min},
                                    {"kendall_mean", m.kendall.mean},
                                    {"within_10_mean", m.within_10.mean},
                                    {"rel_rmse_mean", m.rel_rmse.mean},
                                    {"flops_spearman", b.spearman.mean},
                                    {"flops_kendall", b.kendall.mean},
                                    {"flops_within_10_mean", b.within_10.mean}});
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("{}\n", heading);
  TextTable table({{"", Align::Left},
                   {"Spearman mean", Align::Right},
                   {"min", Align::Right},
                   {"max", Align::Right},
                   {"Kendall mean", Align::Right},
                   {"within 10%", Align::Right},
                   {"RMS error", Align::Right}});
  for (const auto& [name, x] : {std::pair{label, m}, std::pair{std::string("FLOPs-proportional"), b}})
    table.add_row({name, fmt::format("{:.3f}", x.spearman.mean), fmt::format("{:.3f}", x.spearman.min),
                   fmt::format("{:.3f}", x.spearman.max), fmt::format("{:.3f}", x.kendall.mean), pct(x.within_10.mean),
                   pct(x.rel_rmse.mean)});
  fmt::print("{}", table.str());
}

void eval_table(const TableArgs& t, int train, int repeats, uint64_t seed, bool json) {
  const hw::Device base = hw::load_device(t.device);
  const auto sp = target::resolve_space(t.space);
  const cost::CalibrationData d =
      cost::load_calibration_data(t.measurements, *sp, t.arch_column, t.latency_column, base, dtype_arg(t.dtype));
  const auto draws = cost::few_shot_eval(d.terms, cost::calibration_prior(base), d.measured_ms, d.macs,
                                         {.train = train, .repeats = repeats, .seed = seed});
  print_few_shot(draws,
                 {{"column", t.latency_column},
                  {"rows", d.measured_ms.size()},
                  {"train", train},
                  {"repeats", repeats},
                  {"base", base.name}},
                 fmt::format("{}: calibrated model ({} base) fitted on {} random rows, {} draws; scored on all {} rows",
                             t.latency_column, base.name, train, repeats, d.measured_ms.size()),
                 "calibrated", json);
}

void eval_prior_table(const TableArgs& t, const PriorArgs& p, int train, int repeats, uint64_t seed, bool json) {
  const auto sp = target::resolve_space(t.space);
  cost::ArchFeatures features(*sp);
  const cost::MeasuredArchs m = cost::load_measured_archs(t.measurements, *sp, t.arch_column, t.latency_column);
  const cost::DevicePrior prior = load_prior(p, t, features);
  const auto draws = cost::few_shot_prior_eval(prior, features, m.archs, m.measured_ms, m.macs,
                                               {.train = train, .repeats = repeats, .seed = seed});
  std::vector<std::string> columns;
  for (const cost::PriorDevice& d : prior.devices) columns.push_back(d.column);
  print_few_shot(draws,
                 {{"column", t.latency_column},
                  {"rows", m.measured_ms.size()},
                  {"train", train},
                  {"repeats", repeats},
                  {"prior", {{"file", p.file}, {"columns", columns}}}},
                 fmt::format("{}: few-shot prior model (prior: {} of {}) fitted on {} random rows (ridge strengths by "
                             "leave-one-out on them{}), {} draws; scored on all {} rows",
                             t.latency_column, fmt::join(columns, ", "), p.file, train,
                             train >= learn::ResidualOptions{}.min_rows
                                 ? "; XGBoost residual trees where 5-fold CV on them shows a gain"
                                 : "",
                             repeats, m.measured_ms.size()),
                 "few-shot prior", json);
}

void add_eval(CLI::App& parent) {
  auto* cmd =
      parent.add_subcommand("eval",
                            "Judge a predictor: held-out models measured now, or few-shot calibration on a table");
  auto t = std::make_shared<TableArgs>();
  t->device = "";
  struct Args {
    std::string predictor = "host-xnnpack.json", kind, csv;
    int per_space = 10, train = 10, repeats = 20, rounds = 3;
    double budget_s = 2;
    uint64_t seed = 2;
    bool json = false;
    std::vector<std::string> builtins = {"mobilenetv2-1.0", "mobilenetv2-0.5", "mobilenetv2-0.35", "efficientnet-b0",
                                         "dscnn-mlperf",    "dscnn-s",         "dscnn-l"};
  };
  auto a = std::make_shared<Args>();
  auto prior = std::make_shared<PriorArgs>();
  add_table_options(cmd, *t, false);
  add_prior_options(cmd, *prior);
  cmd->add_option("--predictor", a->predictor, "host: the predictor file")->capture_default_str();
  cmd->add_option("--model", a->kind, "host: kernel | lut (default: the file's kind)");
  cmd->add_option("--per-space", a->per_space, "host: held-out archs per training space")->capture_default_str();
  cmd->add_option("--builtin", a->builtins, "host: built-in models to hold out (repeatable)")->capture_default_str();
  cmd->add_option("--budget-s", a->budget_s, "host: timing budget per model in seconds")->capture_default_str();
  cmd->add_option("--rounds", a->rounds,
                  "host: interleaved timing rounds per model; the lowest median is kept (a round in a burst of other "
                  "load is discarded)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cmd->add_option("--csv", a->csv, "host: also write the table as CSV");
  cmd->add_option("--train", a->train, "table: measured rows the calibration sees")->capture_default_str();
  cmd->add_option("--repeats", a->repeats, "table: random draws of the training rows")->capture_default_str();
  cmd->add_option("--seed", a->seed, "which archs / rows are drawn")->capture_default_str();
  cmd->add_flag("--json", a->json, "table: print the summary as JSON");
  cmd->callback([t, a, prior] {
    if (!t->measurements.empty()) {
      if (t->space.empty()) fail("--space", "a table of measurements needs the space of its archs (--space nb201)");
      if (!prior->file.empty()) return eval_prior_table(*t, *prior, a->train, a->repeats, a->seed, a->json);
      if (t->device.empty()) t->device = "pixel3-cpu";
      eval_table(*t, a->train, a->repeats, a->seed, a->json);
      return;
    }
    if (!prior->file.empty()) fail("--prior", "judges few-shot fits on a table: give --measurements and --space too");
    if (!t->device.empty() && t->device != "host")
      fail("--device " + t->device,
           "held-out models can only be measured on this machine (host); for a table of "
           "another device's measurements give --measurements");
    eval_host(a->predictor, a->kind, a->per_space, a->builtins, a->budget_s, a->rounds, a->seed, a->csv);
  });
}

const CommandRegistration reg(45, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("predictor", "Build, fit and evaluate latency predictors (kernel, lut, calibrated)");
  cmd->require_subcommand(1);
  add_build(*cmd);
  add_fit(*cmd);
  add_eval(*cmd);
});

}  // namespace
}  // namespace hwnas::cli
