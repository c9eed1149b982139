// hwnas measure | run: ground truth on this host.
//
//   hwnas measure efficientnet-b0 --backend xnnpack --threads 2
//   hwnas measure mobilenetv2-1.0 --json --budget-s 5
//   hwnas measure mobilenetv2-1.0 --dtype int8
//   hwnas measure runs/kws --remote ssh://pi@raspberrypi.local --ssh-key ~/.ssh/id_ed25519
//   hwnas run mobilenetv2-1.0 --input in.npy --output out.npy --seed 1 --save-weights w.hwnasw
//   hwnas run mobilenetv2-1.0 --input in.npy --output out2.npy --weights w.hwnasw --backend xnnpack
//
// `measure` times a model under the protocol of measure/timing.h (warm-up, repeat until the
// 95% CI of the median is within +-1% or the budget is spent; noisy runs are flagged).
// With --remote the same measurement runs on a Linux board over SSH (measure/remote.h): the
// options below are passed on as they are, a model file or directory is copied there.
// `run` runs one input given in the ONNX layout (NCHW float32 .npy) and writes the output
// (NCHW for images) so hwnas and an ONNX runtime can be compared on the same weights.
// Weights come from --weights (an hwnas weight file), else the model's own (a trained model
// directory: target/model_weights.h), else --seed (deterministic init).
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/measure/measure_model.h"
#include "hwnas/measure/remote.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/runtime/npy.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "hwnas/target/restrict_space.h"

namespace hwnas::cli {
namespace {

struct CommonArgs {
  std::string model;
  models::ModelOverrides overrides;
  std::string backend = "xnnpack";
  int threads = 1;
  uint64_t seed = 0;
  std::string weights;  // empty: init from seed
};

void add_common(CLI::App& cmd, CommonArgs& a) {
  cmd.add_option(
         "model", a.model,
         "a built-in model (efficientnet-b0, mobilenetv2-1.0, ...), <space>[@device]:<arch>, a graph JSON file, or a "
         "trained model directory (its weights are used)")
      ->required();
  cmd.add_option("--resolution", a.overrides.resolution, "input height and width (default: the model's own)")
      ->check(CLI::Range(1, 100000));
  cmd.add_option("--classes", a.overrides.classes, "number of output classes (default: the model's own)")
      ->check(CLI::Range(1, 1000000));
  cmd.add_option(
         "--backend", a.backend,
         "the runtime: xnnpack, reference (the oracle), opencv (OpenCV DNN on the ONNX export) or torch (libtorch)")
      ->check(CLI::IsMember(runtime::backend_names()))
      ->capture_default_str();
  cmd.add_option("--threads", a.threads, "worker threads (xnnpack)")->check(CLI::Range(1, 1024))->capture_default_str();
  cmd.add_option("--seed", a.seed, "seed of the initial weights (and of measure's input values)")
      ->capture_default_str();
  cmd.add_option("--weights", a.weights, "an hwnas weight file (.hwnasw) instead of seeded weights");
}

// --weights, else the model's own (a trained model directory), else none (init from --seed).
std::optional<runtime::Weights> load_weights_arg(const CommonArgs& a, const ir::Graph& g) {
  if (a.weights.empty()) return target::model_weights(a.model, g);
  return runtime::load_weights(a.weights, g);
}

std::string weights_text(const CommonArgs& a, bool have) {
  if (!a.weights.empty()) return "weights " + a.weights;
  return target::weights_source(a.model, have, a.seed);
}

struct RemoteArgs {
  std::string url;  // empty: measure here
  measure::RemoteOptions options;
};

void add_remote(CLI::App& cmd, RemoteArgs& r) {
  cmd.add_option("--remote", r.url,
                 "measure on a Linux board over SSH, ssh://[user@]host[:port]; it needs hwnas installed (README)");
  cmd.add_option("--ssh-key", r.options.ssh.key, "the private key to log in with (ssh -i)");
  // One value per --ssh-option, so that the model after it is not read as a second one.
  cmd.add_option("--ssh-option", r.options.ssh.options, "an ssh_config option KEY=VALUE (ssh -o); repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--remote-hwnas", r.options.hwnas, "the hwnas program on the board")->capture_default_str();
  cmd.add_option("--remote-timeout", r.options.timeout_s, "seconds the remote measurement (and each copy) may take")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

// The measurement options as `hwnas measure` on the board takes them; the model and --weights
// go separately (they may be local files to copy).
std::vector<std::string> forwarded_args(const CommonArgs& a, double budget, bool no_pin, const std::string& dtype) {
  std::vector<std::string> v = {"--backend",  a.backend,
                                "--threads",  std::to_string(a.threads),
                                "--seed",     std::to_string(a.seed),
                                "--dtype",    dtype,
                                "--budget-s", fmt::format("{:g}", budget)};
  if (no_pin) v.push_back("--no-pin");
  if (a.overrides.resolution > 0) v.insert(v.end(), {"--resolution", std::to_string(a.overrides.resolution)});
  if (a.overrides.classes > 0) v.insert(v.end(), {"--classes", std::to_string(a.overrides.classes)});
  return v;
}

void add_measure(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "measure",
      "Measure a model's latency on this host or, with --remote, a board over SSH (timing protocol, noise flagged)");
  auto a = std::make_shared<CommonArgs>();
  auto budget = std::make_shared<double>(10.0);
  auto json = std::make_shared<bool>(false);
  auto no_pin = std::make_shared<bool>(false);
  auto dtype = std::make_shared<std::string>("f32");
  auto remote = std::make_shared<RemoteArgs>();
  add_common(*cmd, *a);
  cmd->add_option("--dtype", *dtype, "f32 | int8 (xnnpack: int8 where this XNNPACK quantizes an op, f32 elsewhere)")
      ->check(CLI::IsMember({"f32", "int8"}))
      ->capture_default_str();
  cmd->add_option("--budget-s", *budget, "time budget in seconds before giving up on +-1% (default 10)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", *json, "print JSON: median_ms, p10_ms, p90_ms, cv, runs, backend, threads, noisy, ...");
  cmd->add_flag("--no-pin", *no_pin, "do not pin to CPUs (sched_setaffinity)");
  add_remote(*cmd, *remote);
  cmd->callback([a, budget, json, no_pin, dtype, remote] {
    if (!remote->url.empty()) {
      remote->options.ssh.target = measure::parse_ssh_url(remote->url);
      const auto r = measure::measure_remote({.model = a->model,
                                              .args = forwarded_args(*a, *budget, *no_pin, *dtype),
                                              .weights = a->weights},
                                             remote->options);
      if (*json) fmt::print("{}\n", r.json.dump(2));
      else fmt::print("{}\n", measure::to_text(r));
      return;
    }
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    measure::MeasureOptions o;
    o.backend = a->backend;
    o.threads = a->threads;
    o.dtype = *ir::dtype_from_name(*dtype);
    o.seed = a->seed;
    o.pin = !*no_pin;
    o.timing.budget_s = *budget;
    const measure::Measurement m = measure::measure_model(g, o, load_weights_arg(*a, g));
    if (*json) fmt::print("{}\n", measure::to_json(m).dump(2));
    else fmt::print("{}\n", measure::to_text(m));
  });
}

void add_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run a model on one NCHW float32 .npy input and write the output .npy");
  auto a = std::make_shared<CommonArgs>();
  a->backend = "reference";
  auto input = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto save_weights = std::make_shared<std::string>();
  add_common(*cmd, *a);
  cmd->add_option("--input", *input, "input .npy, float32, NCHW (ONNX layout) for image models")->required();
  cmd->add_option("--output", *output, "output .npy (NCHW for 4-D outputs, else as is)")->required();
  cmd->add_option("--save-weights", *save_weights, "also write the weights used to this .hwnasw file");
  cmd->callback([a, input, output, save_weights] {
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    if (g.inputs().size() != 1 || g.outputs().size() != 1)
      fail("model '" + a->model + "'", "has {} inputs and {} outputs; run handles one of each", g.inputs().size(),
           g.outputs().size());
    runtime::Tensor x = runtime::read_npy(*input);
    const ir::Shape& want = g.node(g.inputs()[0]).shape;
    if (want.rank() == 4) {
      const ir::Shape nchw{want[0], want[3], want[1], want[2]};
      if (!(x.shape == nchw))
        fail(*input, "has shape {}, the model takes {} (NCHW float32)", x.shape.str(), nchw.str());
      x = runtime::nchw_to_nhwc(x);
    } else if (!(x.shape == want)) {
      fail(*input, "has shape {}, the model takes {}", x.shape.str(), want.str());
    }
    const auto loaded = load_weights_arg(*a, g);
    const runtime::Weights w = loaded ? *loaded : runtime::init_weights(g, {.seed = a->seed});
    if (!save_weights->empty()) runtime::save_weights(*save_weights, g, w);
    auto model = runtime::make_backend(a->backend)->prepare(g, w, {.threads = a->threads});
    runtime::Tensor y = runtime::run(*model, {x})[0];
    if (y.shape.rank() == 4) y = runtime::nhwc_to_nchw(y);
    runtime::write_npy(*output, y);
    fmt::print("{}: wrote {} {} (computed by {}; {})\n", g.name(), *output, y.shape.str(), a->backend,
               weights_text(*a, loaded.has_value()));
  });
}

CommandRegistration measure_reg(30, add_measure);
CommandRegistration run_reg(35, add_run);

}  // namespace
}  // namespace hwnas::cli
