#include "qat_step.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/train/train_loader.h"
#include "table.h"
#include "train_bar.h"

namespace hwnas::cli {
namespace {

namespace fs = std::filesystem;

nlohmann::json comparison_json(const quant::DatasetComparison& c) {
  return {{"examples", c.fp32.examples()}, {"fp32_top1", c.fp32.top1()}, {"int8_top1", c.int8.top1()}};
}

std::string top1(const data::Accuracy& a) {
  return fmt::format("{:.2f}% ({} of {})", a.top1(), group_digits(a.correct()), group_digits(a.examples()));
}

}  // namespace

std::optional<train::TrainOptions> trained_options(const std::string& model_ref) {
  const fs::path metrics = fs::path(model_ref) / "metrics.json";
  if (!fs::is_regular_file(metrics)) return std::nullopt;
  const auto j = nlohmann::json::parse(read_file(metrics), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("options")) return std::nullopt;
  try {
    train::TrainOptions o = train::options_from_json(j["options"]);
    if (j.contains("seed") && j["seed"].is_number_unsigned()) o.seed = j["seed"].get<uint64_t>();
    return o;
  } catch (const Error& e) {
    throw e.within(metrics.string() + ": the training options QAT starts from");
  }
}

void check_qat_settings(const QatSettings& s, const data::Dataset& ds) {
  if (s.mode == train::QatMode::off) return;
  if (s.epochs < 1)
    fail("--qat-epochs " + std::to_string(s.epochs), "must be at least 1 (or turn fine-tuning off: --qat off)");
  if (!(s.lr >= 0) || !std::isfinite(s.lr))
    fail(fmt::format("--qat-lr {}", s.lr), "must be a positive learning rate (0: 1/10 of the training run's)");
  if (s.threads < 1) fail("--threads " + std::to_string(s.threads), "must be at least 1");
  if (s.check_examples < 0)
    fail("--qat-check-examples " + std::to_string(s.check_examples), "must be >= 0 (0: the whole validation split)");
  if (s.mode == train::QatMode::on && ds.size(data::Split::train) == 0)
    fail("--qat on", "{} has no train split to fine-tune on; use --qat off or auto", ds.reference());
}

QatOutcome quantization_aware(const std::string& model_ref, const ir::Graph& g, const runtime::Weights& w,
                              const data::Dataset& ds, data::Split split, const Quantized& ptq,
                              const QuantizeSettings& qs, const QatSettings& s, bool trained) {
  check_qat_settings(s, ds);
  QatOutcome o;
  o.settings = s;
  if (s.mode == train::QatMode::off) {
    o.decision = train::decide_qat(s.mode, 0, 0);
    return o;
  }
  if (s.mode == train::QatMode::automatic && (!trained || ds.size(data::Split::train) == 0)) {
    o.decision = {false, !trained ? "qat auto: the model has no trained weights to fine-tune"
                                  : "qat auto: " + ds.reference() + " has no train split to fine-tune on"};
    return o;
  }
  // The decision reads held-out data that calibration and training did not use: the validation
  // split. (With none, the evaluated split, and the output says so.)
  o.check_split = ds.size(data::Split::validation) > 0 ? data::Split::validation : split;
  const auto check_idx = quant::spaced_indices(ds.size(o.check_split), s.check_examples);
  const runtime::InferenceParams params = runtime::inference_params(g, w, /*fold=*/true);
  o.ptq_check = o.check_split == split && s.check_examples == qs.max_examples
                    ? ptq.cmp
                    : quant::compare_on_dataset(ptq.model, params, ds, o.check_split, check_idx);
  o.check_source =
      fmt::format("on {} {} examples of {}{}", group_digits(o.ptq_check.fp32.examples()),
                  data::split_name(o.check_split), ds.reference(),
                  o.check_split == split ? " (the dataset has no validation split: the evaluated split)" : "");
  o.decision = train::decide_qat(s.mode, o.ptq_check.fp32.top1(), o.ptq_check.int8.top1());
  if (!o.decision.run) return o;

  const std::optional<train::TrainOptions> run = trained_options(model_ref);
  o.options = train::qat_train_options(run.value_or(train::TrainOptions{}), s.epochs);
  o.options_from =
      run ? fmt::format("1/10 of the learning rate of {}'s training (metrics.json), its optimizer", model_ref)
          : "1/10 of the trainer's default learning rate (the model has no training run to read)";
  if (s.lr > 0) {
    o.options.lr = s.lr;
    o.options_from = "--qat-lr";
  }
  o.options.threads = s.threads;
  TrainBar bar(::isatty(STDERR_FILENO));
  o.qat = train::train_api().fine_tune_quantized(g, w, ds, ptq.ranges,
                                                 {.train = o.options, .per_channel_fc = !qs.per_tensor_fc},
                                                 [&](const train::TrainProgress& p) { bar.update(p); });
  o.qat_params = runtime::inference_params(g, o.qat->fine_tune.weights, /*fold=*/true);
  o.qat_check = quant::compare_on_dataset(o.qat->model, o.qat_params, ds, o.check_split, check_idx);
  o.qat_eval = quant::compare_on_dataset(o.qat->model, o.qat_params, ds, split,
                                         quant::spaced_indices(ds.size(split), qs.max_examples));
  o.qat_source =
      fmt::format("measured (quant int8 reference kernels, TFLite arithmetic, QAT weights, on {} {} examples of {})",
                  group_digits(o.qat_eval.int8.examples()), data::split_name(split), ds.reference());
  // Replace the post-training model only on evidence: a tie keeps the model closer to the trained one.
  o.kept = o.qat_check.int8.top1() > o.ptq_check.int8.top1();
  return o;
}

nlohmann::json QatOutcome::record() const {
  nlohmann::json j = {{"mode", train::qat_mode_name(settings.mode)},
                      {"epochs", settings.epochs},
                      {"ran", qat.has_value()},
                      {"reason", decision.reason},
                      {"auto_threshold_points", train::kQatAutoPoints}};
  if (ptq_check.fp32.examples() == 0) return j;
  j["check"] = comparison_json(ptq_check);
  j["check"]["split"] = data::split_name(check_split);
  j["check"]["source"] = "measured " + check_source;
  if (!qat) return j;
  const train::TrainResult& r = qat->fine_tune;
  nlohmann::json log = nlohmann::json::array();
  for (const train::EpochLog& e : r.log)
    log.push_back({{"epoch", e.epoch},
                   {"lr", e.lr},
                   {"train_loss", e.train_loss},
                   {"train_acc", e.train_acc},
                   {"val_loss", e.val_loss},
                   {"val_acc_simulated", e.val_acc},
                   {"seconds", e.seconds}});
  j["fine_tune"] = {{"epochs", options.epochs},
                    {"optimizer", train::optimizer_name(options.optimizer)},
                    {"lr", options.lr},
                    {"lr_from", options_from},
                    {"schedule", "cosine to 0, no warm-up"},
                    {"batch_size", options.batch_size},
                    {"weight_decay", options.weight_decay},
                    {"augment", options.augment},
                    {"seed", options.seed},
                    {"threads", options.threads},
                    {"best_epoch", r.best_epoch},
                    {"seconds", r.seconds},
                    {"batch_norm", "folded on frozen running statistics"},
                    {"activation_ranges", "frozen at the post-training calibration"},
                    {"log", log}};
  j["qat_check"] = comparison_json(qat_check);
  j["qat_eval"] = comparison_json(qat_eval);
  j["kept"] = kept ? "qat" : "ptq";
  return j;
}

std::string qat_summary(const QatOutcome& o) {
  if (o.ptq_check.fp32.examples() == 0) return o.decision.reason + "\n";
  std::string s = fmt::format("{} -- measured {}\n", o.decision.reason, o.check_source);
  if (!o.qat) return s;
  const train::TrainResult& r = o.qat->fine_tune;
  s += fmt::format(
      "qat: fine-tuned {} epochs with int8 simulated ({}, lr {:.3g} cosine to 0; {}), kept epoch {}, {:.1f} s\n",
      o.options.epochs, train::optimizer_name(o.options.optimizer), o.options.lr, o.options_from, r.best_epoch,
      r.seconds);
  s += fmt::format("int8 top-1 after QAT: {} -- {}\n", top1(o.qat_eval.int8), o.qat_source);
  s += fmt::format("held out ({} split): fp32 {}, PTQ int8 {}, QAT int8 {} -- measured\n",
                   data::split_name(o.check_split), top1(o.ptq_check.fp32), top1(o.ptq_check.int8),
                   top1(o.qat_check.int8));
  s += o.kept ? "kept: the QAT model (its held-out int8 top-1 is above PTQ's)\n"
              : fmt::format("kept: the PTQ model (QAT's held-out int8 top-1 {:.2f}% is not above PTQ's {:.2f}%)\n",
                            o.qat_check.int8.top1(), o.ptq_check.int8.top1());
  return s;
}

}  // namespace hwnas::cli
