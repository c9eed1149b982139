#include "hwnas/exp/deploy_config.h"

#include <vector>

#include <fmt/format.h>

namespace hwnas::exp {

DeployConfig parse_deploy(const YamlSource& src, const YAML::Node& node) {
  src.require_map(node, "deploy");
  src.check_keys(node, "deploy",
                 {"target", "device", "dataset", "inputs", "calibration_samples", "qat", "qat_epochs", "fps",
                  "baseline"});
  DeployConfig d;
  if (node["target"]) {
    d.target = src.get_string(node["target"], "deploy.target");
    if (d.target != "cortex-m7" && d.target != "npu")
      src.fail(node["target"], "deploy.target",
               fmt::format("unknown target '{}'; the targets are: cortex-m7, npu", d.target));
  }
  const bool npu = d.target == "npu";
  // Each target's own keys: the other's are an error, not silently ignored.
  for (const char* key :
       npu ? std::vector<const char*>{"inputs", "qat", "qat_epochs"} : std::vector<const char*>{"fps", "baseline"})
    if (node[key])
      src.fail(node[key], fmt::format("deploy.{}", key),
               fmt::format("is an option of target {}, not of {}", npu ? "cortex-m7" : "npu", d.target));
  if (node["device"]) d.device = src.get_string(node["device"], "deploy.device");
  else if (npu) src.fail(node, "deploy", "target npu needs 'device: <NPU profile>', e.g. device: ethos-u55-128");
  if (node["baseline"]) d.baseline = src.get_string(node["baseline"], "deploy.baseline");
  if (node["fps"]) {
    d.fps = src.get_double(node["fps"], "deploy.fps");
    if (!(d.fps > 0 && d.fps <= 10000)) src.fail(node["fps"], "deploy.fps", "must be a frame rate in (0, 10000]");
  }
  if (!node["dataset"])
    src.fail(node, "deploy",
             "needs 'dataset: <kind>:<path>': it calibrates the int8 ranges, measures the int8 accuracy and gives "
             "the inputs run on the target");
  const std::string ref = src.get_string(node["dataset"], "deploy.dataset");
  const size_t colon = ref.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == ref.size())
    src.fail(node["dataset"], "deploy.dataset",
             fmt::format("'{}' is not <kind>:<path>, e.g. speech-commands:data/kws", ref));
  d.dataset = ref.substr(0, colon + 1) + src.resolve_path(ref.substr(colon + 1), "deploy.dataset").string();
  if (node["inputs"]) {
    d.inputs = src.get_int(node["inputs"], "deploy.inputs");
    if (d.inputs < 1 || d.inputs > 100000) src.fail(node["inputs"], "deploy.inputs", "must be between 1 and 100000");
  }
  if (node["calibration_samples"]) {
    d.calibration_samples = src.get_int(node["calibration_samples"], "deploy.calibration_samples");
    if (d.calibration_samples < 1)
      src.fail(node["calibration_samples"], "deploy.calibration_samples", "must be at least 1");
  }
  if (node["qat"]) {
    d.qat = src.get_string(node["qat"], "deploy.qat");
    if (d.qat != "auto" && d.qat != "on" && d.qat != "off")
      src.fail(node["qat"], "deploy.qat",
               fmt::format("'{}' is not one of auto (fine-tune when int8 loses more than a point), on, off", d.qat));
  }
  if (node["qat_epochs"]) {
    d.qat_epochs = src.get_int(node["qat_epochs"], "deploy.qat_epochs");
    if (d.qat_epochs < 1) src.fail(node["qat_epochs"], "deploy.qat_epochs", "must be at least 1 (or qat: off)");
  }
  return d;
}

}  // namespace hwnas::exp
