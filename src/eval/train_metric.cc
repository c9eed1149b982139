#include "hwnas/eval/train_metric.h"

#include <fmt/format.h>

#include "hwnas/eval/trainer_service.h"

namespace hwnas::eval {
namespace {

// FNV-1a, 64 bits: a short folder name for an arch string, stable across runs and machines
// (std::hash is neither).
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

std::string_view train_value_name(TrainValue v) {
  switch (v) {
    case TrainValue::ValTop1:
      return "val_top1";
    case TrainValue::Top1:
      return "top1";
    case TrainValue::ValMap50:
      return "val_map50";
    case TrainValue::Map50:
      return "map50";
    case TrainValue::Map:
      return "map";
  }
  return "?";
}

bool is_detection_value(TrainValue v) {
  return v == TrainValue::ValMap50 || v == TrainValue::Map50 || v == TrainValue::Map;
}

TrainMetric::TrainMetric(std::string name, CostClass cost, std::string dataset, nlohmann::json options,
                         TrainValue value, std::shared_ptr<const space::SearchSpace> space,
                         std::filesystem::path models, std::vector<int> continued_rungs)
    : Metric(std::move(name), cost),
      dataset_(std::move(dataset)),
      options_(std::move(options)),
      value_(value),
      space_(std::move(space)),
      models_(std::move(models)),
      rungs_(std::move(continued_rungs)) {}

std::string TrainMetric::source() const {
  const std::string epochs = options_.contains("epochs") ? options_["epochs"].dump() : "the trainer's default";
  const char* what = "validation top-1";
  if (value_ == TrainValue::Top1) what = "test top-1";
  if (value_ == TrainValue::ValMap50) what = "validation mAP@0.5";
  if (value_ == TrainValue::Map50) what = "test mAP@0.5";
  if (value_ == TrainValue::Map) what = "test mAP@[.5:.95]";
  return fmt::format("trained (hwnas trainer, libtorch; {} epochs on {}; {})", epochs, dataset_, what);
}

std::string TrainMetric::fingerprint() const {
  return fmt::format("train {} {} value {}", dataset_, options_.dump(), train_value_name(value_));
}

std::filesystem::path TrainMetric::model_folder(const std::string& arch_str, int epochs) const {
  return models_ / fmt::format("{:016x}-e{}", fnv1a(arch_str), epochs > 0 ? epochs : options_.value("epochs", 0));
}

double TrainMetric::evaluate(const space::Arch& arch, const std::string& arch_str) const {
  return evaluate_at(arch, arch_str, 0);
}

double TrainMetric::evaluate_at(const space::Arch& arch, const std::string& arch_str, int epochs) const {
  TrainJob job{.graph = space_->decode(arch), .dataset = dataset_, .options = options_, .epochs = epochs};
  if (!models_.empty()) job.out = model_folder(arch_str, epochs);
  if (epochs > 0 && !rungs_.empty() && !models_.empty()) {
    // A rung of a search that continues training: the schedule spans the last rung, and the
    // candidate goes on from the highest rung below this one that it was trained at.
    job.schedule_epochs = rungs_.back();
    for (const int r : rungs_)
      if (r < epochs && std::filesystem::exists(model_folder(arch_str, r))) job.resume_from = model_folder(arch_str, r);
  }
  const TrainOutcome r = train_candidate(job);
  switch (value_) {
    case TrainValue::Top1:
      return r.top1;
    case TrainValue::ValMap50:
      return r.val_map50;
    case TrainValue::Map50:
      return r.map50;
    case TrainValue::Map:
      return r.map;
    case TrainValue::ValTop1:
      break;
  }
  return r.val_top1;
}

}  // namespace hwnas::eval
