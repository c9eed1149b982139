// The torch-free part of trainer.h (options, schedule, split subsets): compiled into both
// hwnas_train and the CLI's hwnas_train_loader, which checks options before loading the plugin.
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <string>
#include <type_traits>

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/train/trainer.h"

namespace hwnas::train {

std::string_view optimizer_name(Optimizer o) {
  switch (o) {
    case Optimizer::sgd:
      return "sgd";
    case Optimizer::adam:
      return "adam";
    case Optimizer::adamw:
      return "adamw";
  }
  return "?";
}

Optimizer parse_optimizer(std::string_view name) {
  for (Optimizer o : {Optimizer::sgd, Optimizer::adam, Optimizer::adamw})
    if (optimizer_name(o) == name) return o;
  fail("optimizer '" + std::string(name) + "'", "unknown; use one of sgd, adam, adamw");
}

void check_options(const TrainOptions& o) {
  auto need = [](bool ok, const char* what, const std::string& fix) {
    if (!ok) fail(std::string("train option ") + what, "{}", fix);
  };
  need(o.epochs >= 1, "epochs", fmt::format("must be at least 1, got {}", o.epochs));
  need(o.batch_size >= 1, "batch_size", fmt::format("must be at least 1, got {}", o.batch_size));
  need(o.eval_batch_size >= 1, "eval_batch_size", fmt::format("must be at least 1, got {}", o.eval_batch_size));
  need(o.lr > 0 && std::isfinite(o.lr), "lr", fmt::format("must be a positive number, got {}", o.lr));
  need(o.momentum >= 0 && o.momentum < 1, "momentum", fmt::format("must be in [0, 1), got {}", o.momentum));
  need(o.weight_decay >= 0, "weight_decay", fmt::format("must be >= 0, got {}", o.weight_decay));
  need(o.schedule_epochs >= 0, "schedule_epochs",
       fmt::format("must be >= 0 (0: the schedule spans `epochs`), got {}", o.schedule_epochs));
  const int horizon = o.schedule_epochs > 0 ? o.schedule_epochs : o.epochs;
  need(o.warmup_epochs >= 0 && o.warmup_epochs < horizon, "warmup_epochs",
       fmt::format("must be in [0, {}), got {}", horizon, o.warmup_epochs));
  need(o.label_smoothing >= 0 && o.label_smoothing < 1, "label_smoothing",
       fmt::format("must be in [0, 1), got {}", o.label_smoothing));
  need(o.patience >= 0, "patience", fmt::format("must be >= 0 (0: no early stopping), got {}", o.patience));
  need(o.threads >= 1, "threads", fmt::format("must be at least 1, got {}", o.threads));
  need(o.max_examples >= 0, "max_examples", fmt::format("must be >= 0 (0: all), got {}", o.max_examples));
}

namespace {

// Sets `field` from `v`; a value of another type is an Error naming the option.
template <typename T>
void read(const nlohmann::json& v, const std::string& key, T& field) {
  try {
    field = v.get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("train option '" + key + "'", "{} is not a {}", v.dump(),
         std::is_same_v<T, bool>          ? "true/false"
         : std::is_same_v<T, std::string> ? "name"
                                          : "number");
  }
}

using Reader = void (*)(TrainOptions&, const nlohmann::json&);
#define HWNAS_OPTION(name)                                                           \
  {                                                                                  \
#name, [](TrainOptions & o, const nlohmann::json& v) { read(v, #name, o.name); } \
  }
const std::map<std::string, Reader> kReaders = {
    HWNAS_OPTION(epochs),
    HWNAS_OPTION(batch_size),
    HWNAS_OPTION(lr),
    HWNAS_OPTION(momentum),
    HWNAS_OPTION(nesterov),
    HWNAS_OPTION(weight_decay),
    HWNAS_OPTION(warmup_epochs),
    HWNAS_OPTION(cosine),
    HWNAS_OPTION(schedule_epochs),
    HWNAS_OPTION(label_smoothing),
    HWNAS_OPTION(augment),
    HWNAS_OPTION(patience),
    HWNAS_OPTION(seed),
    HWNAS_OPTION(threads),
    HWNAS_OPTION(max_examples),
    HWNAS_OPTION(eval_batch_size),
    {"optimizer",
     [](TrainOptions& o, const nlohmann::json& v) {
       std::string name;
       read(v, "optimizer", name);
       o.optimizer = parse_optimizer(name);
     }},
};
#undef HWNAS_OPTION

}  // namespace

TrainOptions options_from_json(const nlohmann::json& j) {
  TrainOptions o;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto reader = kReaders.find(it.key());
    if (reader == kReaders.end()) {
      std::vector<std::string> names;
      for (const auto& [name, r] : kReaders) names.push_back(name);
      fail("train option '" + it.key() + "'", "unknown; the trainer's options are {}", fmt::join(names, ", "));
    }
    reader->second(o, it.value());
  }
  check_options(o);
  return o;
}

double learning_rate(const TrainOptions& o, int64_t step, int64_t steps_per_epoch) {
  const double warm = o.warmup_epochs * static_cast<double>(steps_per_epoch);
  const int horizon = o.schedule_epochs > 0 ? o.schedule_epochs : o.epochs;
  const double total = static_cast<double>(horizon) * static_cast<double>(steps_per_epoch);
  const double s = static_cast<double>(step);
  if (s < warm) return o.lr * (s + 1) / warm;
  if (!o.cosine || total <= warm) return o.lr;
  return o.lr * 0.5 * (1 + std::cos(std::numbers::pi * (s - warm) / (total - warm)));
}

std::vector<int64_t> split_indices(int64_t size, int64_t max_examples, uint64_t seed) {
  std::vector<int64_t> idx(static_cast<size_t>(size));
  for (int64_t i = 0; i < size; ++i) idx[static_cast<size_t>(i)] = i;
  if (max_examples <= 0 || max_examples >= size) return idx;
  Rng rng(seed);
  rng.shuffle(idx);
  idx.resize(static_cast<size_t>(max_examples));
  std::sort(idx.begin(), idx.end());
  return idx;
}

}  // namespace hwnas::train
