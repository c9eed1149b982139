#include "hwnas/exp/experiment.h"
#include "hwnas/target/resolver.h"

#include "hwnas/core/error.h"
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
    e.space = target::resolve_space(config.space);  // "mbconv@npu-generic": restricted to a device
  } catch (const Error& err) {
    throw err.within(src.where(src.root()["space"], "space"));
  }
  const eval::MetricContext ctx{&src, e.space};
  for (const auto& spec : config.metrics) e.metrics.push_back(eval::make_metric(spec.name, spec.node, spec.path, ctx));
  e.config = std::move(config);
  return e;
}

}  // namespace hwnas::exp
