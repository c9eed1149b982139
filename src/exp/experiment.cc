#include "hwnas/exp/experiment.h"
#include "hwnas/target/resolver.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/eval/model_table_metric.h"
#include "hwnas/target/model_list_space.h"
#include "hwnas/target/restrict_space.h"

namespace hwnas::exp {

const eval::Metric& Experiment::metric(const std::string& name) const {
  for (const auto& m : metrics)
    if (m->name() == name) return *m;
  fail(config.source.file(), "no metric named '{}'", name);
}

Experiment build_experiment(ExperimentConfig config) {
  Experiment e;
  const YamlSource& src = config.source;
  try {
    if (!config.models.empty()) e.space = std::make_shared<target::ModelListSpace>(config.models);
    else e.space = target::resolve_space(config.space);  // "mbconv@npu-generic": restricted to a device
  } catch (const Error& err) {
    throw err.within(src.where(src.root()["space"], "space"));
  }
  eval::MetricContext ctx{&src, e.space, config.output / "models"};
  if (config.fidelity && config.fidelity->continue_training) ctx.continued_rungs = config.fidelity->epochs;
  for (const auto& spec : config.metrics) {
    e.metrics.push_back(eval::make_metric(spec.name, spec.node, spec.path, ctx));
    // A list of models is known in full: a model missing from a table fails here, before any
    // measurement, instead of as one failed trial in the comparison.
    if (const auto* t = dynamic_cast<const eval::ModelTableMetric*>(e.metrics.back().get())) try {
        t->check_models(config.models);
      } catch (const Error& err) {
        const YAML::Node at = spec.node["published"] ? spec.node["published"] : spec.node["measurements"];
        throw err.within(src.where(at, spec.path + (spec.node["published"] ? ".published" : ".measurements")));
      }
  }
  // A baseline the deploy compares with is checked now, not after hours of search.
  if (config.deploy && !config.deploy->baseline.empty()) try {
      e.space->parse(config.deploy->baseline);
    } catch (const Error& err) {
      throw err.within(src.where(src.root()["deploy"]["baseline"], "deploy.baseline"));
    }
  if (config.fidelity) {
    // The rungs are ranked by a metric that changes with training: anything else would rank
    // every rung the same and make the lower fidelities a waste.
    const YAML::Node node = src.root()["fidelity"];
    const YAML::Node at = node["metric"] ? node["metric"] : node;
    const eval::Metric& m = e.metric(config.fidelity->metric);
    if (!m.has_fidelity())
      src.fail(at, node["metric"] ? "fidelity.metric" : "fidelity",
               fmt::format("ranks the rungs by '{}', which does not depend on training epochs; rank by a metric "
                           "that does (a train: metric, or a table with columns: {{epochs: column}})",
                           m.name()));
    if (m.cost() != eval::CostClass::Expensive)
      src.fail(at, node["metric"] ? "fidelity.metric" : "fidelity",
               fmt::format("ranks the rungs by '{}', a cheap metric; a multi-fidelity search needs an expensive one",
                           m.name()));
  }
  e.config = std::move(config);
  return e;
}

}  // namespace hwnas::exp
