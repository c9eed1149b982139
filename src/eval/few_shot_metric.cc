#include "hwnas/eval/few_shot_metric.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::eval {

FewShotMetric::FewShotMetric(std::string name, CostClass cost, const std::filesystem::path& file,
                             std::shared_ptr<const space::SearchSpace> space)
    : Metric(std::move(name), cost), file_(file), model_(cost::load_few_shot(file)), space_(std::move(space)) {
  if (model_.space != space_->name())
    fail(file.string(),
         "the few-shot model was fitted on the {} space, but this experiment searches {} (fit one on {} "
         "with `hwnas predictor fit --prior`)",
         model_.space, space_->name(), space_->name());
  features_ = std::make_unique<cost::ArchFeatures>(*space_);
  // The same space name with other decisions (a YAML space, a restricted one): other features.
  if (features_->names() != model_.features)
    fail(file.string(),
         "the few-shot model's {} features are not those of the experiment's {} space ({}); refit it "
         "on this space",
         model_.features.size(), space_->name(), features_->names().size());
}

std::string FewShotMetric::source() const {
  // The model's own label, with the file that holds it: "predicted (few-shot prior model edgegpu.json: ...)".
  const std::string label = model_.source(), what = "few-shot prior model";
  const auto at = label.find(what);
  if (at == std::string::npos) return label;
  return label.substr(0, at + what.size()) + " " + file_.filename().string() + label.substr(at + what.size());
}

std::string FewShotMetric::fingerprint() const {
  // The weights and mean make every figure; the file name alone would miss a refit.
  return fmt::format("few_shot {} {}", file_.string(), nlohmann::json{model_.mean_ms, model_.weights}.dump());
}

double FewShotMetric::evaluate(const space::Arch& arch, const std::string&) const {
  std::vector<double> f;
  {
    std::lock_guard lock(mutex_);
    f = features_->of(arch);
  }
  return model_.predict_ms(f);
}

std::unique_ptr<Metric> make_few_shot_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                             const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"model", "predictor", "cost"});
  if (!node["predictor"])
    src.fail(node, path, "a few_shot model needs 'predictor:' (the model file `hwnas predictor fit --prior` writes)");
  const auto file = src.resolve_path(src.get_string(node["predictor"], path + ".predictor"), path + ".predictor");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    src.fail(node["predictor"], path + ".predictor",
             fmt::format("no such file: {} (fit one with `hwnas predictor fit --prior ... --out {}`)", file.string(),
                         file.filename().string()));
  const CostClass cost = parse_cost_class(node, path, src, CostClass::Cheap);
  try {
    return std::make_unique<FewShotMetric>(name, cost, file, ctx.space);
  } catch (const Error& e) {
    throw e.within(src.where(node["predictor"], path + ".predictor"));
  }
}

}  // namespace hwnas::eval
