#pragma once
// A detection space file (`detector: ssdlite`, docs/spaces.md) read into a DetectionSpace;
// yaml_space.cc dispatches here when the file has a `detector:` key.
#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "hwnas/space/search_space.h"

namespace hwnas::space {

// Errors name `file`, the line and the key ("inspection.yaml:4: anchors[1]: expected ...").
std::unique_ptr<SearchSpace> read_detection_space(const YAML::Node& root, const std::string& file);

}  // namespace hwnas::space
