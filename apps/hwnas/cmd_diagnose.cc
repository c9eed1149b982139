// hwnas diagnose: the bottleneck hunt of any model on any device, and the model repaired for it.
//
//   hwnas diagnose ssdlite-mobilenetv2 --device npu-generic --fps 30
//   hwnas diagnose my_model.onnx --device ethos-u55 --out repaired/
//   hwnas diagnose efficientnet-b0 --device pixel3-cpu --model calibrated --json
//
// Prints the slowest kernels (predicted, with what bounds each), what falls back to the device's
// fallback processor (why, and its time and transfers), the layers that lose most under int8
// (SQNR on --dataset's train examples or random inputs, or skip with --no-int8), and the repair (target/repair.h): each step
// with the latency, power and fallbacks predicted after it. --out DIR writes the repaired model
// as a model folder (model.json, weights.hwnasw with the weights of unchanged layers carried
// over, diagnosis.json), which every command takes and `hwnas train DIR` trains.
// The figures come from diagnose::diagnose (diagnose/diagnosis.h); this file only formats them.
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "deploy_step.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/diagnose/diagnosis.h"
#include "hwnas/diagnose/int8_losses.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/quant/dataset_eval.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "table.h"

namespace hwnas::cli {
namespace {

struct DiagnoseArgs {
  std::string model, device, kind = "roofline", predictor, dtype, out, dataset;
  models::ModelOverrides overrides;
  double fps = 0;
  int top = 10;
  int int8_samples = 8;
  bool no_int8 = false, json = false;
  uint64_t seed = 0;
};

// The int8 analysis's inputs: evenly spaced train examples of --dataset (a detector's COCO images
// at its input size), else random U(0, 1) ones; `from` says which.
std::vector<std::vector<runtime::Tensor>> int8_samples(const DiagnoseArgs& a, const ir::Graph& g, std::string& from) {
  if (a.dataset.empty()) {
    from = fmt::format("{} random inputs U(0, 1), seed {}", a.int8_samples, a.seed);
    return diagnose::random_inputs(g, a.int8_samples, a.seed);
  }
  if (data::is_detection_dataset(a.dataset)) {
    data::Split split = data::Split::train;
    auto samples =
        quant::coco_samples(g, data::read_coco(data::detection_dataset_dir(a.dataset)), a.int8_samples, &split);
    from = fmt::format("{} {} images of {}", samples.size(), data::split_name(split), a.dataset);
    return samples;
  }
  const ir::Shape& s = g.node(g.inputs().at(0)).shape;
  const auto ds =
      data::open_dataset(a.dataset, data::fit_front_end(a.dataset, {static_cast<int>(s.h()), static_cast<int>(s.w()),
                                                                    static_cast<int>(s.c())}));
  const data::Split split = first_split(*ds);
  const auto indices = quant::spaced_indices(ds->size(split), a.int8_samples);
  from = fmt::format("{} {} examples of {}", indices.size(), data::split_name(split), ds->reference());
  return quant::dataset_samples(g, *ds, split, indices);
}

std::string ms(double v) { return fmt::format("{:.3f}", v); }
std::string power(double mw) { return std::isnan(mw) ? "-" : fmt::format("{:.1f}", mw); }

std::string figures_line(const diagnose::Figures& f, double fps) {
  std::string s = fmt::format("{:.3f} ms", f.latency_ms);
  if (f.pre_post_ms > 0) s += fmt::format(" + {:.3f} ms CPU pre/post-processing (estimated)", f.pre_post_ms);
  s += fmt::format(" ({:.1f} FPS max), {:.4f} mJ per frame", f.max_fps, f.energy_mj);
  if (fps > 0)
    s += std::isnan(f.power_mw) ? fmt::format(", {:g} FPS out of reach", fps)
                                : fmt::format(", {:.1f} mW at {:g} FPS", f.power_mw, fps);
  return s + fmt::format(", {} node{} on the fallback", f.fallbacks, f.fallbacks == 1 ? "" : "s");
}

void print(const diagnose::Diagnosis& d, const std::optional<diagnose::Int8Losses>& int8,
           const std::string& int8_error) {
  fmt::print("model: {}\ndevice: {}, {}\nfigures: {}; power {}\n\n", d.model, d.device, ir::dtype_name(d.dtype),
             d.latency_source, d.power_source);
  fmt::print("as given: {}\n\n", figures_line(d.before, d.fps));

  fmt::print("slowest kernels (predicted)\n");
  TextTable slow({{"#", Align::Right},
                  {"kernel"},
                  {"ops"},
                  {"on"},
                  {"ms", Align::Right},
                  {"share", Align::Right},
                  {"bound"},
                  {"compute", Align::Right},
                  {"memory", Align::Right},
                  {"transfer", Align::Right}});
  for (size_t i = 0; i < d.slowest.size(); ++i) {
    const diagnose::KernelRow& k = d.slowest[i];
    slow.add_row({std::to_string(i + 1), k.name, k.ops, k.processor + (k.fallback ? " (fallback)" : ""), ms(k.ms),
                  fmt::format("{:.1f}%", 100 * k.share), std::string(cost::bound_name(k.bound)), ms(k.compute_ms),
                  ms(k.memory_ms), ms(k.transfer_ms)});
  }
  fmt::print("{}\n", slow.str());

  if (d.fallbacks.empty()) {
    fmt::print("fallbacks: none, every operator runs on the {}\n\n", d.device);
  } else {
    fmt::print("fallbacks (what runs on the fallback processor, why, and its predicted time with transfers)\n");
    TextTable fb(
        {{"operator"}, {"nodes", Align::Right}, {"ms", Align::Right}, {"transfers ms", Align::Right}, {"why"}});
    for (const diagnose::FallbackRow& f : d.fallbacks)
      fb.add_row({f.audit.op, std::to_string(f.audit.fallback), ms(f.ms), ms(f.audit.transfer_ms), f.audit.reason});
    fmt::print("{}\n", fb.str());
  }

  if (int8) {
    fmt::print("int8: the layers that lose most (SQNR of each layer alone; {}; output {:.1f} dB)\n", int8->source,
               int8->output_sqnr_db);
    TextTable q({{"layer"}, {"op"}, {"alone dB", Align::Right}, {"end-to-end dB", Align::Right}, {"why"}});
    for (const diagnose::Int8Loss& l : int8->worst)
      q.add_row({l.layer, l.op, fmt::format("{:.1f}", l.isolated_sqnr_db), fmt::format("{:.1f}", l.sqnr_db), l.reason});
    fmt::print("{}\n", q.str());
  } else if (!int8_error.empty()) {
    fmt::print("int8: not analysed ({})\n\n", int8_error);
  }

  if (d.repair.steps.empty()) {
    fmt::print("repair: nothing to change{}\n", d.repair.remaining.empty() ? "" : "; no native alternative for:");
  } else {
    fmt::print("repair (each step re-predicted)\n");
    TextTable r({{"step"},
                 {"nodes", Align::Right},
                 {"fallbacks", Align::Right},
                 {"ms", Align::Right},
                 {"mW", Align::Right},
                 {"fixes"}});
    r.add_row(
        {"(as given)", "", std::to_string(d.before.fallbacks), ms(d.before.latency_ms), power(d.before.power_mw), ""});
    for (size_t i = 0; i < d.repair.steps.size(); ++i) {
      const target::RepairStep& s = d.repair.steps[i];
      r.add_row({s.change, std::to_string(s.nodes.size()), std::to_string(d.steps[i].fallbacks),
                 ms(d.steps[i].latency_ms), power(d.steps[i].power_mw), s.fixes});
    }
    fmt::print("{}\n", r.str());
    fmt::print("repaired: {}\n", figures_line(d.after, d.fps));
    if (!d.repair.remaining.empty()) fmt::print("still on the fallback, no native alternative:\n");
  }
  for (const std::string& s : d.repair.remaining) fmt::print("  {}\n", s);
}

// `start`: the model's own weights, or its untrained initialisation (`own` says which).
void write_repaired(const DiagnoseArgs& a, bool own, const runtime::Weights& start, const diagnose::Diagnosis& d,
                    nlohmann::json report) {
  int carried = 0;
  const runtime::Weights w = runtime::carry_weights(d.repair.graph, start, {.seed = a.seed}, &carried);
  int weighted = 0;
  for (int id = 0; id < d.repair.graph.size(); ++id) weighted += !runtime::expected_weights(d.repair.graph, id).empty();
  // Written complete in a temporary folder, then published: no half-written model folder.
  const std::filesystem::path out = a.out, tmp = out.string() + ".partial";
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp);
  ir::save_graph(d.repair.graph, tmp / target::kModelFile);
  runtime::save_weights(tmp / target::kWeightsFile, d.repair.graph, w);
  report["weights"] = {{"carried_layers", carried},
                       {"layers", weighted},
                       {"from", target::weights_source(a.model, own, a.seed)},
                       {"rest", fmt::format("initialised from seed {}", a.seed)}};
  write_file_atomic(tmp / "diagnosis.json", report.dump(2) + "\n");
  publish_folder(tmp, out);
  if (!a.json)
    fmt::print(
        "\nwrote {}: model.json (the repaired graph), weights.hwnasw ({} of {} layers' weights carried over "
        "from {}; the rest initialised from seed {}), diagnosis.json\n"
        "fine-tune it: hwnas train {} --dataset <kind:path> --out <dir>\n",
        a.out, carried, weighted, target::weights_source(a.model, own, a.seed), a.seed, a.out);
}

const CommandRegistration reg(42, [](CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "diagnose", "Find a model's bottlenecks on a device (slowest kernels, fallbacks, int8 losses) and repair it");
  auto a = std::make_shared<DiagnoseArgs>();
  cmd->add_option("model", a->model, "any model reference: built-in, <space>:<arch>, model.json, model.onnx, DIR")
      ->required();
  cmd->add_option("--resolution", a->overrides.resolution, "built-in models: input height and width")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--classes", a->overrides.classes, "built-in models: number of output classes")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--device", a->device, "a built-in device (hwnas device list) or a device YAML file")->required();
  cmd->add_option("--model", a->kind, "latency model: roofline | calibrated | kernel | lut")->capture_default_str();
  cmd->add_option("--predictor", a->predictor, "the predictor file of the kernel / lut models");
  cmd->add_option("--dtype", a->dtype, "f32 | int8 (default: the device's)");
  cmd->add_option("--fps", a->fps, "predict the average power at this frame rate")->check(CLI::PositiveNumber);
  cmd->add_option("--top", a->top, "slowest kernels to list")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--int8-samples", a->int8_samples, "inputs (random, or --dataset examples) for the int8 analysis")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--dataset", a->dataset,
                  "<kind>:<path> whose train examples calibrate and measure the int8 analysis (coco:DIR for a "
                  "detector); default: random inputs");
  cmd->add_flag("--no-int8", a->no_int8, "skip the int8 analysis");
  cmd->add_option("--seed", a->seed, "seed of untrained weights and of the random inputs")->capture_default_str();
  cmd->add_option("--out", a->out, "write the repaired model folder here (model.json, weights.hwnasw, diagnosis.json)");
  cmd->add_flag("--json", a->json, "print diagnosis.json instead of the tables");
  cmd->callback([a] {
    const hw::Device d = hw::load_device(a->device);
    ir::DType dtype = d.default_dtype;
    if (!a->dtype.empty()) {
      const auto t = ir::dtype_from_name(a->dtype);
      if (!t || (*t != ir::DType::f32 && *t != ir::DType::i8))
        fail("--dtype", "'{}' is not a dtype diagnose knows; use f32 or int8", a->dtype);
      dtype = *t;
    }
    const auto model = cost::make_latency_model({.kind = a->kind, .path = a->predictor}, d);
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    const diagnose::Diagnosis diag = diagnose::diagnose(g, d, *model, dtype, {.top = a->top, .fps = a->fps});

    const std::optional<runtime::Weights> own = target::model_weights(a->model, g);
    const runtime::Weights w = own ? *own : runtime::init_weights(g, {.seed = a->seed});
    std::optional<diagnose::Int8Losses> int8;
    std::string int8_error;
    if (!a->no_int8) {
      std::string from;
      const auto samples = int8_samples(*a, g, from);  // a dataset that does not fit the model is an error
      const std::string source = fmt::format("calibrated and measured on {}; {}", from,
                                             target::weights_source(a->model, own.has_value(), a->seed));
      try {
        int8 = diagnose::int8_losses(g, w, samples, 5, source);
      } catch (const Error& e) {
        int8_error = e.what();  // an operator with no int8 kernel here: the rest of the diagnosis stands
      }
    }

    nlohmann::json report = diagnose::to_json(diag);
    report["int8"] = int8 ? diagnose::to_json(*int8) : nlohmann::json({{"error", int8_error}});
    if (a->json) fmt::print("{}\n", report.dump(2));
    else print(diag, int8, int8_error);
    if (!a->out.empty()) write_repaired(*a, own.has_value(), w, diag, std::move(report));
  });
});

}  // namespace
}  // namespace hwnas::cli
