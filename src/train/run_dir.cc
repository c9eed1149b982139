#include "hwnas/train/run_dir.h"

#include <unistd.h>

#include <cmath>
#include <functional>

#include <nlohmann/json.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/ir/serialize.h"

namespace hwnas::train {
namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json options_json(const TrainOptions& o);

}  // namespace

std::string train_log_csv(const TrainResult& r) {
  std::string s = core::csv_line({"epoch", "lr", "train_loss", "train_acc", "val_loss", "val_acc", "seconds"});
  for (const EpochLog& e : r.log)
    s += core::csv_line({std::to_string(e.epoch), core::format_number(e.lr), core::format_number(e.train_loss),
                         core::format_number(e.train_acc), core::format_number(e.val_loss),
                         core::format_number(e.val_acc), core::format_number(e.seconds)});
  return s;
}

std::string metrics_json(const TrainResult& r, const RunInfo& info) {
  const TrainOptions& o = info.options;
  nlohmann::json per_class = nlohmann::json::array();
  for (double v : r.test.per_class()) per_class.push_back(number_or_null(v));
  nlohmann::json j = {
      {"top1", r.test.examples() ? nlohmann::json(r.test.top1()) : nlohmann::json()},
      {"top1_source", "test split, libtorch eval mode, weights of the best validation epoch"},
      {"test_examples", r.test_examples},
      {"test_per_class", per_class},
      {"test_confusion", r.test.confusion},
      {"val_top1", r.val_top1},
      {"validation", r.validation_from},
      {"best_epoch", r.best_epoch},
      {"epochs", static_cast<int>(r.log.size())},
      {"stopped_early", r.stopped_early},
      {"seconds", r.seconds},
      {"model", info.model},
      {"dataset", info.dataset},
      {"params", info.params},
      {"seed", o.seed},
      {"threads", o.threads},
      {"train_examples", r.train_examples},
      {"val_examples", r.val_examples},
      {"options", options_json(o)},
  };
  return j.dump(2) + "\n";
}

namespace {

// Writes a folder whole: `fill` writes into a temporary sibling, which is renamed to `dir` when
// complete, so that a killed run never leaves half a model folder.
void write_folder(const std::filesystem::path& dir, bool overwrite,
                  const std::function<void(const std::filesystem::path& tmp)>& fill) {
  namespace fs = std::filesystem;
  if (fs::exists(dir) && !overwrite)
    fail(dir.string(), "already exists; pass --overwrite to replace it, or choose another --out");
  const fs::path target = fs::absolute(dir).lexically_normal();
  const fs::path parent = target.has_filename() ? target.parent_path() : target.parent_path().parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) fail(parent.string(), "cannot create the folder: {}", ec.message());
  const fs::path tmp = parent / fmt::format(".{}.tmp-{}", target.filename().string(), getpid());
  fs::remove_all(tmp, ec);
  try {
    fs::create_directory(tmp);
    fill(tmp);
    if (fs::exists(target)) fs::remove_all(target);
    fs::rename(tmp, target);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    fail(target.string(), "cannot write the training output: {}", e.what());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

nlohmann::json options_json(const TrainOptions& o) {
  return {{"epochs", o.epochs},
          {"batch_size", o.batch_size},
          {"optimizer", std::string(optimizer_name(o.optimizer))},
          {"lr", o.lr},
          {"momentum", o.momentum},
          {"nesterov", o.nesterov},
          {"weight_decay", o.weight_decay},
          {"warmup_epochs", o.warmup_epochs},
          {"cosine", o.cosine},
          {"label_smoothing", o.label_smoothing},
          {"augment", o.augment},
          {"patience", o.patience},
          {"max_examples", o.max_examples}};
}

}  // namespace

void write_run_dir(const std::filesystem::path& dir, const ir::Graph& g, const TrainResult& r, const RunInfo& info,
                   const std::string& curves_svg, bool overwrite) {
  namespace fs = std::filesystem;
  write_folder(dir, overwrite, [&](const fs::path& tmp) {
    ir::save_graph(g, tmp / "model.json");
    runtime::save_weights(tmp / "weights.hwnasw", g, r.weights);
    write_file_atomic(tmp / "train_log.csv", train_log_csv(r));
    write_file_atomic(tmp / "metrics.json", metrics_json(r, info));
    write_file_atomic(tmp / "curves.svg", curves_svg);
    if (!r.optimizer_state.empty()) {
      fs::create_directory(tmp / "checkpoint");
      runtime::save_weights(tmp / "checkpoint" / "last.hwnasw", g, r.last_weights);
      write_file_atomic(tmp / "checkpoint" / "optimizer.pt", r.optimizer_state);
    }
  });
}

std::string detector_log_csv(const DetectorResult& r) {
  std::string s =
      core::csv_line({"epoch", "lr", "train_loss", "box_loss", "class_loss", "val_map50", "val_map", "seconds"});
  for (const DetectorEpochLog& e : r.log)
    s += core::csv_line({std::to_string(e.epoch), core::format_number(e.lr), core::format_number(e.train_loss),
                         core::format_number(e.box_loss), core::format_number(e.class_loss),
                         core::format_number(e.val_map50), core::format_number(e.val_map),
                         core::format_number(e.seconds)});
  return s;
}

std::string detector_metrics_json(const DetectorResult& r, const RunInfo& info,
                                  const std::vector<std::string>& class_names) {
  nlohmann::json per_class = nlohmann::json::object();
  for (size_t c = 0; c < class_names.size() && c < r.test.ap.size(); ++c)
    per_class[class_names[c]] = {{"ap50", number_or_null(r.test.ap[c][0])},
                                 {"objects", c < r.test_objects.size() ? r.test_objects[c] : 0}};
  nlohmann::json j = {
      {"map50", number_or_null(r.test.map50)},
      {"map", number_or_null(r.test.map)},
      {"map_source",
       "test split, libtorch eval mode, weights of the best validation epoch (COCO mAP, "
       "data/detection_map.h)"},
      {"test_images", r.test_images},
      {"test_per_class", per_class},
      {"val_map50", r.val_map50},
      {"best_epoch", r.best_epoch},
      {"epochs", static_cast<int>(r.log.size())},
      {"stopped_early", r.stopped_early},
      {"seconds", r.seconds},
      {"model", info.model},
      {"dataset", info.dataset},
      {"params", info.params},
      {"seed", info.options.seed},
      {"threads", info.options.threads},
      {"train_images", r.train_images},
      {"val_images", r.val_images},
      {"options", options_json(info.options)},
  };
  return j.dump(2) + "\n";
}

void write_detector_run_dir(const std::filesystem::path& dir, const ir::Graph& g, const DetectorResult& r,
                            const RunInfo& info, const DetectorOptions& detector,
                            const std::vector<std::string>& class_names, bool overwrite) {
  namespace fs = std::filesystem;
  write_folder(dir, overwrite, [&](const fs::path& tmp) {
    ir::save_graph(g, tmp / "model.json");
    runtime::save_weights(tmp / "weights.hwnasw", g, r.weights);
    write_file_atomic(tmp / "train_log.csv", detector_log_csv(r));
    write_file_atomic(tmp / "metrics.json", detector_metrics_json(r, info, class_names));
    write_file_atomic(tmp / "detector.json", detector_options_json(detector).dump(2) + "\n");
  });
}

std::optional<DetectorOptions> read_detector_options(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "detector.json";
  if (!std::filesystem::is_regular_file(file)) return std::nullopt;
  try {
    return detector_options_from_json(nlohmann::json::parse(read_file(file)));
  } catch (const nlohmann::json::exception& e) {
    fail(file.string(), "unreadable detector options ({}); train the model again", e.what());
  }
}

bool has_checkpoint(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  return fs::is_regular_file(dir / "checkpoint" / "optimizer.pt") && fs::is_regular_file(dir / "metrics.json");
}

TrainResult read_run_dir(const std::filesystem::path& dir, const ir::Graph& g) {
  if (!has_checkpoint(dir))
    fail(dir.string(),
         "is not a training run with a checkpoint (checkpoint/optimizer.pt and metrics.json); "
         "train it again with `hwnas train --out`");
  TrainResult r;
  const std::filesystem::path metrics = dir / "metrics.json";
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(metrics));
    r.val_top1 = j.at("val_top1").get<double>();
    r.best_epoch = j.at("best_epoch").get<int>();
    r.stopped_early = j.at("stopped_early").get<bool>();
    r.seconds = j.at("seconds").get<double>();
    r.validation_from = j.at("validation").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    fail(metrics.string(), "unreadable training metrics ({}); train the model again", e.what());
  }
  const core::CsvTable log = core::read_csv(dir / "train_log.csv");
  for (size_t i = 0; i < log.rows.size(); ++i) {
    auto num = [&](const char* column) { return log.number(i, log.column(column)); };
    r.log.push_back({.epoch = static_cast<int>(num("epoch")),
                     .lr = num("lr"),
                     .train_loss = num("train_loss"),
                     .train_acc = num("train_acc"),
                     .val_loss = num("val_loss"),
                     .val_acc = num("val_acc"),
                     .seconds = num("seconds")});
  }
  r.weights = runtime::load_weights(dir / "weights.hwnasw", g);
  r.last_weights = runtime::load_weights(dir / "checkpoint" / "last.hwnasw", g);
  r.optimizer_state = read_file(dir / "checkpoint" / "optimizer.pt");
  return r;
}

}  // namespace hwnas::train
