#include <fmt/format.h>
#include <fmt/ranges.h>

#include "builtin_spaces.h"
#include "hwnas/core/error.h"
#include "hwnas/space/detection_space.h"
#include "hwnas/space/dscnn_space.h"
#include "hwnas/space/efficientnet_space.h"
#include "hwnas/space/mbconv_space.h"
#include "hwnas/space/nb201_space.h"
#include "hwnas/space/search_space.h"
#include "hwnas/space/yaml_space.h"

namespace hwnas::space {
namespace {

void no_resolution_override(std::string_view space, const models::ModelOverrides& o, std::string_view instead) {
  if (o.resolution != 0)
    fail(fmt::format("space '{}'", space), "cannot override the resolution to {}: {}", o.resolution, instead);
}

}  // namespace

std::vector<std::string> builtin_space_names() {
  return {"nb201", "mbconv", "dscnn", "efficientnet", "ssdlite-mbconv"};
}

std::unique_ptr<SearchSpace> make_builtin_space(std::string_view name, const models::ModelOverrides& o) {
  if (name == "nb201") {
    models::Nb201Options n;
    if (o.classes) n.classes = o.classes;
    if (o.resolution) n.resolution = o.resolution;
    return std::make_unique<Nb201Space>(n);
  }
  if (name == "mbconv") {
    no_resolution_override(name, o, "it is a decision of the space; write it in the arch (r160 ... r224)");
    MbConvSpaceOptions m;
    if (o.classes) m.classes = o.classes;
    return std::make_unique<MbConvSpace>(m);
  }
  if (name == "dscnn") {
    no_resolution_override(name, o, "the input is the 'frames' decision by the 'mfcc' decision");
    DsCnnSpaceOptions d;
    if (o.classes) d.classes = o.classes;
    return std::make_unique<DsCnnSpace>(d);
  }
  if (name == "efficientnet") {
    no_resolution_override(name, o, "each variant has its published resolution; use efficientnet-b<k> with it");
    return std::make_unique<EfficientNetSpace>(o.classes ? o.classes : 1000);
  }
  if (name == "ssdlite-mbconv") {
    no_resolution_override(name, o, "it is a decision of the space; write it in the arch (r192 ... r320)");
    DetectionSpaceOptions d;  // COCO's 90 classes by default; --classes counts the dataset's, not the background
    if (o.classes) d.classes = o.classes;
    return std::make_unique<DetectionSpace>(d);
  }
  return nullptr;
}

std::unique_ptr<SearchSpace> make_space(std::string_view name_or_path) {
  if (is_yaml_path(name_or_path)) return load_yaml_space(std::filesystem::path(name_or_path));
  if (auto s = make_builtin_space(name_or_path, {})) return s;
  fail(fmt::format("space '{}'", name_or_path), "unknown search space (built-in: {}; or a .yaml/.yml space file)",
       fmt::join(builtin_space_names(), ", "));
}

}  // namespace hwnas::space
