// Wires eval's trainer seam (eval/trainer_service.h) to the trainer in the interop plugin
// (train/plugin_api.h): eval sits below the plugin loader and cannot load it itself. The train
// metric's options arrive as JSON, with the names of `hwnas train`'s flags in snake case.
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/eval/trainer_service.h"
#include "hwnas/ir/stats.h"
#include "hwnas/train/run_dir.h"
#include "hwnas/train/train_loader.h"
#include "train_curves.h"

namespace hwnas::cli {
namespace {

// Datasets are opened once per process and front end (a search trains many networks on the same
// one), with the front end fitted to each network's input (a DS-CNN space varies the MFCC frames
// and coefficients); the key is the whole fitted MFCC front end, so two networks share features
// only when every setting of them agrees.
std::shared_ptr<const data::Dataset> dataset(const std::string& ref, const ir::Graph& g) {
  std::array<int, 3> hwc{};
  if (const std::vector<int> in = g.inputs(); in.size() == 1 && g.node(in[0]).shape.rank() == 4) {
    const ir::Shape& s = g.node(in[0]).shape;
    hwc = {static_cast<int>(s.h()), static_cast<int>(s.w()), static_cast<int>(s.c())};
  }
  const data::OpenOptions options = data::fit_front_end(ref, hwc);
  static std::mutex mutex;
  static std::map<std::pair<std::string, data::MfccOptions>, std::shared_ptr<const data::Dataset>> open;
  std::lock_guard lock(mutex);
  auto& ds = open[{ref, options.speech.mfcc}];
  if (!ds) ds = data::open_dataset(ref, options);
  return ds;
}

// A train metric's options split into the trainer's and a detector's (train/detector.h).
std::pair<nlohmann::json, nlohmann::json> split_options(const nlohmann::json& options) {
  nlohmann::json trainer = nlohmann::json::object(), detector = nlohmann::json::object();
  if (!options.is_object()) return {options, detector};
  for (const auto& [key, value] : options.items()) (train::is_detector_option(key) ? detector : trainer)[key] = value;
  return {trainer, detector};
}

// COCO folders are read once per process (a search trains many detectors on the same one).
std::shared_ptr<const data::Coco> coco(const std::string& ref) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const data::Coco>> open;
  std::lock_guard lock(mutex);
  auto& c = open[ref];
  if (!c) c = std::make_shared<const data::Coco>(data::read_coco(data::detection_dataset_dir(ref)));
  return c;
}

eval::TrainOutcome train_detector_with_plugin(const eval::TrainJob& job) {
  const auto [trainer, detector_json] = split_options(job.options);
  train::TrainOptions o = train::options_from_json(trainer);
  if (job.epochs > 0) o.epochs = job.epochs;
  if (job.schedule_epochs > 0) o.schedule_epochs = job.schedule_epochs;
  const train::DetectorOptions detector = train::detector_options_from_json(detector_json);
  const auto c = coco(job.dataset);
  // A detector run has no checkpoint to continue from (run_dir.h): each rung trains from scratch.
  const train::DetectorResult r = train::train_api().train_detector(job.graph, *c, o, detector, {});
  if (!job.out.empty())
    train::write_detector_run_dir(job.out, job.graph, r,
                                  {.model = job.graph.name(),
                                   .dataset = job.dataset,
                                   .options = o,
                                   .params = ir::compute_stats(job.graph).params},
                                  detector, c->class_names, /*overwrite=*/true);
  return {.val_map50 = r.val_map50,
          .map50 = r.test.map50,
          .map = r.test.map,
          .epochs = static_cast<int>(r.log.size()),
          .seconds = r.seconds,
          .trainer = fmt::format("hwnas detector trainer (libtorch, {}, {} thread(s))",
                                 train::optimizer_name(o.optimizer), o.threads)};
}

eval::TrainOutcome train_with_plugin(const eval::TrainJob& job) {
  if (data::is_detection_dataset(job.dataset)) return train_detector_with_plugin(job);
  train::TrainOptions o = train::options_from_json(job.options);
  if (job.epochs > 0) o.epochs = job.epochs;
  if (job.schedule_epochs > 0) o.schedule_epochs = job.schedule_epochs;
  const auto ds = dataset(job.dataset, job.graph);
  std::optional<train::TrainResult> earlier;
  if (!job.resume_from.empty() && train::has_checkpoint(job.resume_from))
    earlier = train::read_run_dir(job.resume_from, job.graph);
  const train::TrainResult r = train::train_api().train(job.graph, *ds, o, {}, earlier ? &*earlier : nullptr);
  if (!job.out.empty()) {
    const std::string title = fmt::format("{} on {}: val top-1 {:.2f}% (epoch {} of {})", job.graph.name(),
                                          ds->reference(), r.val_top1, r.best_epoch, r.log.size());
    train::write_run_dir(job.out, job.graph, r,
                         {.model = job.graph.name(),
                          .dataset = ds->reference(),
                          .options = o,
                          .params = ir::compute_stats(job.graph).params},
                         curves_svg(r, title), /*overwrite=*/true);
  }
  return {.top1 = r.test.top1(),
          .val_top1 = r.val_top1,
          .epochs = static_cast<int>(r.log.size()),
          .seconds = r.seconds,
          .trainer =
              fmt::format("hwnas trainer (libtorch, {}, {} thread(s))", train::optimizer_name(o.optimizer), o.threads)};
}

void check_train_options(const nlohmann::json& options) {
  const auto [trainer, detector] = split_options(options);
  train::options_from_json(trainer);
  train::detector_options_from_json(detector);
}

const bool kRegistered = (eval::register_trainer(&train_with_plugin, &check_train_options), true);

}  // namespace
}  // namespace hwnas::cli
