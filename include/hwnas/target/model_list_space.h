#pragma once
// target::ModelListSpace: a search space that is a list of existing models, for the question
// "which of these models is best on this device?" (EfficientNet-B0..B3 on a phone). It has one
// decision, `model`, whose choices are the references themselves; an arch's string is the
// reference, so trials.csv, best.json and every other command name the model as the user did.
// Each reference is anything target::resolve_model takes (built-in names, <space>:<arch>, graph
// JSON, trained model directories), so a new kind of model reference works here unchanged.
// It lives in target/, not space/, because decoding goes through the resolver.
//
//   target::ModelListSpace s({"efficientnet-b0", "efficientnet-b1"});
//   s.size();                                  // 2: a grid search tries each once
//   s.to_string(s.parse("efficientnet-b1"));   // "efficientnet-b1"
//   ir::Graph g = s.decode(s.parse("efficientnet-b1"));
//
// The experiment file's form is `space: {models: [efficientnet-b0, efficientnet-b1]}`.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/space/search_space.h"

namespace hwnas::target {

class ModelListSpace : public space::SearchSpace {
 public:
  // Throws hwnas::Error for an empty list, a repeated reference, or one that does not resolve
  // (the resolver's message, naming the reference): a typo fails before any trial runs.
  explicit ModelListSpace(std::vector<std::string> refs);

  const std::vector<std::string>& models() const { return decisions()[0].choices; }
  std::string to_string(const space::Arch& a) const override;
  // The reference exactly as listed; anything else is an error listing the models.
  space::Arch parse(std::string_view s) const override;
  ir::Graph decode(const space::Arch& a) const override;
  std::unique_ptr<space::SearchSpace> clone() const override { return std::make_unique<ModelListSpace>(*this); }
};

// The space's name for a list: "models[efficientnet-b0, efficientnet-b1]" (a changed list is a
// different run for resume).
std::string model_list_name(const std::vector<std::string>& refs);

}  // namespace hwnas::target
