// hwnas quantize: int8 post-training quantization of a model on a dataset (docs/quant.md).
//
//   hwnas quantize runs/kws --dataset speech-commands:kws --calibration-samples 200 --out runs/kws-int8
//   hwnas quantize runs/c10 --dataset cifar10:/data/c10 --max-examples 1000 --json
//
// Calibrates every tensor's range on examples of the train split (the validation split, then
// the evaluated split, when the dataset has none), quantizes as TFLite's int8 spec does, then
// measures top-1 on the evaluated split in fp32 (reference kernels) and int8 (quant's kernels),
// and ranks the layers by the SQNR they lose. --out writes the quantized model folder.
// --qat (default auto) fine-tunes the model with int8 simulated when int8 loses more than a point
// on the validation split (qat_step.h); --out then also gets qat.json, what was decided and run.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/quant/dataset_eval.h"
#include "hwnas/quant/error_analysis.h"
#include "hwnas/quant/model_folder.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "qat_step.h"
#include "quantize_step.h"
#include "table.h"

namespace hwnas::cli {
namespace {

struct QuantizeArgs {
  std::string model, dataset, split = "test", policy = "minmax", out;
  int64_t calibration_samples = 200, max_examples = 0, analysis_samples = 32;
  double percentile = 99.99;
  bool per_tensor_fc = false, json = false;
  int rows = 10;
  models::ModelOverrides overrides;
  data::OpenOptions open;
  uint64_t seed = 0;
  std::string qat = "auto";
  QatSettings qat_settings;
};

std::string db(double v) { return std::isinf(v) ? (v > 0 ? "exact" : "-inf") : fmt::format("{:.1f}", v); }

nlohmann::json db_json(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

void add_quantize(CLI::App& app) {
  auto* cmd = app.add_subcommand("quantize", "int8 post-training quantization: calibrate, compare with fp32, save");
  auto a = std::make_shared<QuantizeArgs>();
  cmd->add_option("model", a->model,
                  "a trained model directory (hwnas train --out), a built-in model, <space>[@device]:<arch>, or a "
                  "graph JSON file")
      ->required();
  cmd->add_option("--dataset", a->dataset,
                  "<kind>:<path>, kind one of speech-commands, fashion-mnist, cifar10, image-folder")
      ->required();
  cmd->add_option("--split", a->split, "the split evaluated: train, validation or test")->capture_default_str();
  cmd->add_option("--calibration-samples", a->calibration_samples,
                  "examples of the train split (evenly spaced) that set the ranges")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--calibration", a->policy, "range policy: minmax, moving_average or percentile")
      ->check(CLI::IsMember({"minmax", "moving_average", "percentile"}))
      ->capture_default_str();
  cmd->add_option("--percentile", a->percentile, "--calibration percentile: the upper quantile kept, in percent")
      ->check(CLI::Range(50.0001, 100.0))
      ->capture_default_str();
  cmd->add_flag("--per-tensor-fc", a->per_tensor_fc, "one weight scale per FC layer (default: per output channel)");
  cmd->add_option("--max-examples", a->max_examples,
                  "evaluate this many examples, evenly spaced over the split (default: all)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--analysis-samples", a->analysis_samples, "examples of the split for the per-layer SQNR")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--rows", a->rows, "layers in the SQNR table, worst first (0: all)")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--out", a->out, "write the quantized model folder (model.json, quant.json, weights_int8.bin)");
  cmd->add_option("--resolution", a->overrides.resolution, "built-in models: input height and width")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--classes", a->overrides.classes, "built-in models: number of output classes")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", a->seed, "seed of the random weights of a model without its own")->capture_default_str();
  auto& m = a->open.speech.mfcc;
  cmd->add_option("--window-ms", m.window_ms, "speech-commands: MFCC window")->capture_default_str();
  cmd->add_option("--stride-ms", m.stride_ms, "speech-commands: MFCC stride")->capture_default_str();
  cmd->add_option("--mel-bands", m.mel_bands, "speech-commands: mel bands")->capture_default_str();
  cmd->add_option("--coefficients", m.coefficients, "speech-commands: MFCC coefficients kept")->capture_default_str();
  auto& im = a->open.image;
  cmd->add_option("--resize", im.resize, "image-folder: resize (the shorter side when --crop is given)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--crop", im.crop, "image-folder: centre crop to this size")->check(CLI::Range(1, 100000));
  cmd->add_option("--mean", im.mean, "image datasets: per-channel mean of [0,1] pixels")->delimiter(',');
  cmd->add_option("--std", im.std, "image datasets: per-channel std")->delimiter(',');
  cmd->add_option("--qat", a->qat,
                  "quantization-aware fine-tuning: auto (when int8 loses more than 1 point of top-1 on the "
                  "validation split), on or off")
      ->capture_default_str();
  QatSettings& qs = a->qat_settings;
  cmd->add_option("--qat-epochs", qs.epochs, "epochs of quantization-aware fine-tuning")->capture_default_str();
  cmd->add_option("--qat-lr", qs.lr, "its peak learning rate (cosine to 0; default: 1/10 of the training run's)");
  cmd->add_option("--qat-check-examples", qs.check_examples,
                  "validation examples, evenly spaced, that the auto decision measures (default: all)");
  cmd->add_option("--threads", qs.threads, "libtorch threads of the fine-tuning")->capture_default_str();
  cmd->add_flag("--json", a->json, "print JSON: fp32 and int8 top1, agreement, output SQNR, layers, sources");
  cmd->callback([a] {
    const data::Split split = data::parse_split(a->split);
    a->qat_settings.mode = train::parse_qat_mode(a->qat);
    const auto ds = data::open_dataset(a->dataset, a->open);
    if (ds->size(split) == 0) fail(ds->reference(), "has no {} split", data::split_name(split));
    check_qat_settings(a->qat_settings, *ds);  // before the long part
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    const std::optional<runtime::Weights> own = target::model_weights(a->model, g);
    const runtime::Weights w = own ? *own : runtime::init_weights(g, {.seed = a->seed});
    const std::string weights = target::weights_source(a->model, own.has_value(), a->seed);
    if (!own)
      fmt::print(stderr,
                 "WARNING: '{}' has no trained weights: quantizing UNTRAINED RANDOM INITIALISATION (seed {}); "
                 "expect chance-level accuracy. Give a trained model directory (hwnas train --out DIR).\n",
                 a->model, a->seed);
    const runtime::InferenceParams params = runtime::inference_params(g, w, /*fold=*/true);
    const QuantizeSettings settings{.calibration_samples = a->calibration_samples,
                                    .policy = a->policy,
                                    .percentile = a->percentile,
                                    .per_tensor_fc = a->per_tensor_fc,
                                    .max_examples = a->max_examples};
    const Quantized q = quantize_on_dataset(g, params, *ds, split, settings);
    const QatOutcome qat =
        quantization_aware(a->model, g, w, *ds, split, q, settings, a->qat_settings, own.has_value());
    // The model kept (QAT's when it ran and beat PTQ on held-out data) is the one analysed and written.
    const quant::QuantizedModel& qm = qat.model(q);
    const runtime::InferenceParams& kept_params = qat.kept ? qat.qat_params : params;
    const quant::DatasetComparison& cmp = q.cmp;
    const auto ana_idx = quant::spaced_indices(ds->size(split), a->analysis_samples);
    const quant::ErrorReport rep =
        quant::analyze_errors(qm, kept_params, quant::dataset_samples(g, *ds, split, ana_idx));
    if (!a->out.empty()) {
      quant::save_quantized_model(a->out, qm);
      write_file_atomic(std::filesystem::path(a->out) / "qat.json", qat.record().dump(2) + "\n");
      if (qat.kept)
        runtime::save_weights(std::filesystem::path(a->out) / "qat_weights.hwnasw", g, qat.qat->fine_tune.weights);
    }

    const std::string& cal_source = q.calibration_source;
    const std::string& fp32_source = q.fp32_source;
    const std::string& int8_source = q.int8_source;
    const std::string sqnr_source = fmt::format("int8 dequantized vs fp32 reference on {} {} examples", ana_idx.size(),
                                                data::split_name(split));
    const double agree = q.agreement();
    const size_t rows = a->rows == 0 ? rep.ranked.size() : std::min<size_t>(a->rows, rep.ranked.size());
    if (a->json) {
      nlohmann::json layers = nlohmann::json::array();
      for (int i : rep.ranked) {
        const quant::LayerError& e = rep.layers[i];
        layers.push_back({{"name", e.name}, {"op", e.op}, {"sqnr_db", db_json(e.sqnr_db)},
                          {"isolated_sqnr_db", db_json(e.isolated_sqnr_db)}, {"range", {e.lo, e.hi}},
                          {"clipped", e.clipped}, {"reason", e.reason}});
      }
      nlohmann::json j = {{"model", a->model},
                          {"weights", weights},
                          {"trained", own.has_value()},
                          {"dataset", ds->reference()},
                          {"split", data::split_name(split)},
                          {"examples", cmp.fp32.examples()},
                          {"fp32", {{"top1", cmp.fp32.top1()}, {"source", fp32_source}}},
                          {"int8", {{"top1", cmp.int8.top1()}, {"source", int8_source}}},
                          {"agreement", agree},
                          {"calibration",
                           {{"policy", a->policy},
                            {"samples", q.calibration_examples},
                            {"split", data::split_name(q.calibration_split)},
                            {"source", cal_source}}},
                          {"output_sqnr_db", db_json(rep.output_sqnr_db)},
                          {"sqnr_source", sqnr_source},
                          {"layers", layers},
                          {"qat", qat.record()}};
      if (qat.qat) j["int8_qat"] = {{"top1", qat.qat_eval.int8.top1()}, {"source", qat.qat_source}};
      if (!a->out.empty()) j["out"] = a->out;
      fmt::print("{}\n", j.dump(2));
      return;
    }
    fmt::print("model: {} ({})\n", a->model, g.name());
    fmt::print("weights: {}\n",
               own ? weights : "UNTRAINED -- " + weights + "; these figures say nothing about the architecture");
    fmt::print("calibration: {}\n", cal_source);
    fmt::print("fp32 top-1: {:.2f}% ({} of {}) -- {}\n", cmp.fp32.top1(), group_digits(cmp.fp32.correct()),
               group_digits(cmp.fp32.examples()), fp32_source);
    fmt::print("int8 top-1: {:.2f}% ({} of {}) -- {}\n", cmp.int8.top1(), group_digits(cmp.int8.correct()),
               group_digits(cmp.int8.examples()), int8_source);
    fmt::print("same prediction: {:.2f}% of examples (fp32 vs int8)\n", agree);
    fmt::print("{}", qat_summary(qat));
    fmt::print("output SQNR: {} dB -- {}\n", db(rep.output_sqnr_db), sqnr_source);
    TextTable t({{"layer"}, {"op"}, {"SQNR dB", Align::Right}, {"alone dB", Align::Right}, {"why / what to try"}});
    for (size_t r = 0; r < rows; ++r) {
      const quant::LayerError& e = rep.layers[rep.ranked[r]];
      t.add_row({e.name, e.op, db(e.sqnr_db), db(e.isolated_sqnr_db), e.reason});
    }
    fmt::print("\nlayers losing most (alone: the layer's int8 kernel on exactly quantized inputs; {} of {}):\n{}",
               rows, rep.layers.size(), t.str());
    if (!a->out.empty())
      fmt::print("\nwrote {} (model.json, quant.json, weights_int8.bin, qat.json{}; the {} model)\n", a->out,
                 qat.kept ? ", qat_weights.hwnasw" : "", qat.kept ? "QAT" : "post-training");
  });
}

// After eval (48): quantization evaluates both models.
CommandRegistration quantize_reg(49, add_quantize);

}  // namespace
}  // namespace hwnas::cli
