// hwnas predict: predicted latency (with where it goes), energy and FPS of a model on a
// device, or the latency of a list of architectures of a space, without running anything.
//
//   hwnas predict efficientnet-b0 --device pixel3-cpu
//   hwnas predict mobilenetv2-1.0 --device npu-generic --dtype int8 --fps 30 --json
//   hwnas predict --device raspi4 --space nb201 --archs archs.txt --csv out.csv [--energy]
//   hwnas predict --predictor edgegpu.json --space nb201 --archs archs.txt --csv out.csv
//
// One model: a table of its kernels (name, ops, processor, ms, share, bound), the total, the
// energy per inference and the highest frame rate. A detector (outputs "boxes" and "scores")
// also gets its CPU pre/post-processing (cost/pre_post.h: resize of a --frame WxH camera frame,
// box decoding, thresholding, NMS), and its energy, FPS and power are the whole frame's. A list: one arch string per line (empty
// lines and lines starting with '#' are skipped; space/arch_list.h) to a CSV with columns
// arch,latency_ms (and energy_mj with --energy), through cost::ArchLatency (the fast path)
// when energy is not asked for. --json prints cost::to_json (cost/prediction_json.h). The
// models are cost::make_latency_model's; docs/cost-models.md explains them.
// A few-shot prior model file (`hwnas predictor fit --prior`, cost/few_shot_prior.h) is one
// device's latency over one space already: it predicts lists of archs, with no --device.
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/cost/arch_latency.h"
#include "hwnas/cost/energy.h"
#include "hwnas/cost/few_shot_prior.h"
#include "hwnas/cost/latency_model.h"
#include "hwnas/cost/pre_post.h"
#include "hwnas/cost/prediction_json.h"
#include "hwnas/hw/device.h"
#include "hwnas/space/arch_list.h"
#include "hwnas/target/resolver.h"
#include "table.h"

namespace hwnas::cli {
namespace {

struct PredictArgs {
  std::string model;              // one model, or
  std::string space, archs, csv;  // a list of archs
  std::string device, kind, predictor, dtype;
  std::optional<double> fps;
  std::string frame = "640x480";  // the camera frame a detector's input is resized from
  bool json = false, energy = false;
};

cost::PipelineOptions pipeline_options(const std::string& frame) {
  cost::PipelineOptions o;
  const size_t x = frame.find('x');
  try {
    if (x == std::string::npos) throw std::invalid_argument(frame);
    size_t end = 0;
    o.frame_width = std::stoi(frame.substr(0, x), &end);
    if (end != x) throw std::invalid_argument(frame);
    o.frame_height = std::stoi(frame.substr(x + 1), &end);
    if (end != frame.size() - x - 1) throw std::invalid_argument(frame);
  } catch (const std::exception&) {
    fail("--frame", "'{}' is not WIDTHxHEIGHT, e.g. 640x480", frame);
  }
  if (o.frame_width < 1 || o.frame_height < 1) fail("--frame", "'{}': width and height must be positive", frame);
  return o;
}

void print_model(const PredictArgs& a, const hw::Device& d, ir::DType dtype, const ir::Graph& g,
                 const cost::LatencyPrediction& p) {
  const cost::PrePost pp = cost::estimate_pre_post(d, g, dtype, pipeline_options(a.frame));
  const cost::Energy network = cost::estimate_energy(d, p);
  const cost::Energy e = cost::frame_energy(network, pp);  // the network's alone for a classifier
  std::optional<cost::AveragePower> power;
  if (a.fps) power = cost::AveragePower{*a.fps, cost::average_power_mw(d, e, *a.fps)};
  if (a.json) {
    auto j = cost::to_json(g, d, dtype, p, e, power);
    if (pp.detector) {
      auto steps = decltype(j)::array();
      for (const cost::CpuStep& s : pp.steps)
        steps.push_back({{"name", s.name}, {"ms", s.ms}, {"energy_mj", s.energy_mj}, {"bytes", s.bytes}});
      j["network_ms"] = p.total_ms;
      j["pre_post"] = {{"processor", d.processors[pp.processor].name},
                       {"ms", pp.ms},
                       {"energy_mj", pp.energy_mj},
                       {"steps", steps},
                       {"source", pp.source}};
    }
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("model: {}\ndevice: {} ({}), {}\n\n", g.name(), d.name, d.description, ir::dtype_name(dtype));
  TextTable t({{"kernel"}, {"ops"}, {"on"}, {"ms", Align::Right}, {"share", Align::Right}, {"bound"}});
  for (const cost::KernelCost& k : p.kernels)
    t.add_row({g.node(k.nodes[0]).name, cost::kernel_ops(g, k),
               d.processors[k.processor].name + (k.fallback ? " (fallback)" : ""), fmt::format("{:.4f}", k.ms),
               fmt::format("{:.1f}%", p.total_ms > 0 ? 100 * k.ms / p.total_ms : 0.0),
               std::string(cost::bound_name(k.bound))});
  fmt::print("{}\n", t.str());
  fmt::print("latency: {:.3f} ms, {}\n", p.total_ms, p.source);
  if (pp.detector) {
    fmt::print("\npre/post-processing: {}\n", pp.source);
    TextTable s({{"step"}, {"ms", Align::Right}, {"mJ", Align::Right}});
    for (const cost::CpuStep& step : pp.steps)
      s.add_row({step.name, fmt::format("{:.4f}", step.ms), fmt::format("{:.5f}", step.energy_mj)});
    fmt::print("{}\n", s.str());
    fmt::print("frame:   {:.3f} ms = network {:.3f} + pre/post {:.3f} (one after another)\n", e.latency_ms, p.total_ms,
               pp.ms);
  }
  const std::string per = pp.detector ? "frame (network + pre/post)" : "inference";
  fmt::print("energy:  {:.4f} mJ per {} (compute {:.4f}, memory {:.4f}), {} from the profile's power\n", e.energy_mj,
             per, e.compute_mj, e.memory_mj, pp.detector ? "predicted and estimated" : "predicted");
  fmt::print("max FPS: {:.1f} (back to back, {})\n", e.max_fps, pp.detector ? "whole frames" : "predicted");
  if (power)
    fmt::print("average power at {:g} FPS: {:.1f} mW ({}, idle power between frames)\n", power->fps, power->mw,
               pp.detector ? "network predicted, pre/post estimated" : "predicted");
}

void predict_archs(const PredictArgs& a, const hw::Device& d, ir::DType dtype, const cost::LatencyModel& model) {
  const auto sp = target::resolve_space(a.space);
  const std::vector<space::ArchLine> archs = space::read_arch_list(a.archs, *sp);
  cost::ArchLatency fast(*sp, model, dtype);
  std::string csv = core::csv_line(a.energy ? std::vector<std::string>{"arch", "latency_ms", "energy_mj"}
                                            : std::vector<std::string>{"arch", "latency_ms"});
  const size_t step = archs.size() >= 20000 ? archs.size() / 10 : 0;  // progress on long lists only
  for (size_t i = 0; i < archs.size(); ++i) {
    std::vector<std::string> row = {archs[i].text};
    if (a.energy) {  // energy needs the breakdown: the slow path
      const cost::LatencyPrediction p = model.predict(sp->decode(archs[i].arch), dtype);
      row.push_back(core::format_number(p.total_ms));
      row.push_back(core::format_number(cost::estimate_energy(d, p).energy_mj));
    } else {
      row.push_back(core::format_number(fast.ms(archs[i].arch)));
    }
    csv += core::csv_line(row);
    if (step && (i + 1) % step == 0) fmt::print(stderr, "predicted {}/{} archs\n", i + 1, archs.size());
  }
  write_file_atomic(a.csv, csv);
  fmt::print("wrote {} ({} archs of {}; latency {}{})\n", a.csv, archs.size(), sp->name(), model.source(),
             a.energy ? ", energy from the profile's power" : "");
}

void predict_few_shot(const PredictArgs& a) {
  if (a.space.empty())
    fail("--predictor " + a.predictor,
         "a few-shot model predicts architectures of its space: give --space S --archs FILE "
         "--csv OUT instead of a model");
  if (!a.device.empty() || a.energy || !a.dtype.empty())
    fail("--predictor " + a.predictor,
         "a few-shot model is already one device's latency: drop --device, --dtype and --energy");
  const cost::FewShotModel model = cost::load_few_shot(a.predictor);
  const auto sp = target::resolve_space(a.space);
  cost::ArchFeatures features(*sp);
  if (features.names() != model.features)
    fail("--space " + a.space, "the model in {} was fitted on the {} space; its features differ from those of {}",
         a.predictor, model.space, sp->name());
  const std::vector<space::ArchLine> archs = space::read_arch_list(a.archs, *sp);
  std::string csv = core::csv_line({"arch", "latency_ms"});
  for (const space::ArchLine& l : archs)
    csv += core::csv_line({l.text, core::format_number(model.predict_ms(features, l.arch))});
  write_file_atomic(a.csv, csv);
  fmt::print("wrote {} ({} archs of {}; latency {})\n", a.csv, archs.size(), sp->name(), model.source());
}

const CommandRegistration reg(40, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("predict",
                                 "Predict latency (per-kernel breakdown), energy and FPS on a device, "
                                 "for a model or a list of archs");
  auto a = std::make_shared<PredictArgs>();
  cmd->add_option("model", a->model,
                  "a built-in model (efficientnet-b0, ...), <space>[@device]:<arch>, or a graph JSON file");
  cmd->add_option("--device", a->device,
                  "a built-in device (hwnas device list) or a device YAML file (not with a few-shot --predictor)");
  cmd->add_option("--model", a->kind,
                  fmt::format("latency model: {} (default: the --predictor file's kind, else roofline)",
                              fmt::join(cost::latency_model_kinds(), " | ")));
  cmd->add_option("--predictor", a->predictor,
                  "the predictor file of the lut / kernel models, or a few-shot model (hwnas predictor fit --prior)");
  cmd->add_option("--dtype", a->dtype, "f32 | int8 (default: the device's)");
  cmd->add_option("--fps", a->fps, "also print the average power at this frame rate")->check(CLI::PositiveNumber);
  cmd->add_option("--frame", a->frame,
                  "a detector's camera frame, resized to its input on the CPU (WIDTHxHEIGHT, default 640x480)");
  cmd->add_flag("--json", a->json, "print JSON: latency_ms, energy_mj, max_fps, source, kernels [...]");
  auto* space = cmd->add_option("--space", a->space, "the space of the archs in --archs (nb201, mbconv, ... or YAML)");
  auto* archs = cmd->add_option("--archs", a->archs, "a file with one arch string per line");
  auto* csv = cmd->add_option("--csv", a->csv, "the CSV to write: arch,latency_ms[,energy_mj]");
  cmd->add_flag("--energy", a->energy, "with --archs: add an energy_mj column (slower: builds every graph)");
  space->needs(archs, csv);
  archs->needs(space, csv);
  csv->needs(space, archs);
  cmd->callback([a] {
    if (a->model.empty() == a->space.empty())
      fail("hwnas predict", "give either a model or --space S --archs FILE --csv OUT (not both)");
    if (!a->space.empty() && (a->fps || a->json))
      fail("hwnas predict", "--fps and --json describe one model; a list of archs goes to --csv only");
    if (a->space.empty() && a->energy)
      fail("hwnas predict", "--energy adds a CSV column; one model always shows energy");
    if (!a->predictor.empty() && cost::is_few_shot_file(a->predictor)) return predict_few_shot(*a);
    if (a->device.empty())
      fail("--device",
           "which device? A built-in (hwnas device list) or a device YAML file (only a few-shot model "
           "from `hwnas predictor fit --prior` needs none)");
    const hw::Device d = hw::load_device(a->device);
    ir::DType dtype = d.default_dtype;
    if (!a->dtype.empty()) {
      const auto t = ir::dtype_from_name(a->dtype);
      if (!t || (*t != ir::DType::f32 && *t != ir::DType::i8))
        fail("--dtype", "'{}' is not a dtype predict knows; use f32 or int8", a->dtype);
      dtype = *t;
    }
    // Without --model a predictor file names its own kind; a --predictor that the chosen model
    // would not read is a mistake, not something to ignore.
    if (!a->predictor.empty() && (a->kind == "roofline" || a->kind == "calibrated"))
      fail("--predictor " + a->predictor,
           "the {} model reads no predictor file; drop --predictor, or use --model "
           "kernel | lut with it",
           a->kind);
    const auto model = cost::make_latency_model({.kind = a->kind, .path = a->predictor}, d);
    if (!a->space.empty()) return predict_archs(*a, d, dtype, *model);
    const ir::Graph g = target::resolve_model(a->model);
    print_model(*a, d, dtype, g, model->predict(g, dtype));
  });
});

}  // namespace
}  // namespace hwnas::cli
