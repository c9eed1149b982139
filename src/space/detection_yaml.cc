#include "detection_yaml.h"

#include <charconv>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/space/detection_space.h"
#include "yaml_reader.h"

namespace hwnas::space {
namespace {

// A choice list, or one scalar for a fixed value.
template <typename T, typename Read>
std::vector<T> choices(const YamlReader& r, const YAML::Node& root, const std::string& key, std::vector<T> fallback,
                       Read read) {
  const YAML::Node n = root[key];
  if (!n.IsDefined()) return fallback;
  if (!n.IsSequence()) return {read(n, key)};
  if (n.size() == 0) r.fail(n, key, "is an empty choice list; give at least one choice");
  std::vector<T> out;
  for (size_t i = 0; i < n.size(); ++i) {
    T v = read(n[i], index_path(key, i));
    if (std::find(out.begin(), out.end(), v) != out.end())
      r.fail(n[i], index_path(key, i), fmt::format("choice '{}' is listed twice", n[i].Scalar()));
    out.push_back(v);
  }
  return out;
}

}  // namespace

std::unique_ptr<SearchSpace> read_detection_space(const YAML::Node& root, const std::string& file) {
  const YamlReader r(file);
  r.check_keys(root, "",
               {"name", "detector", "classes", "resolution", "width", "depth", "kernel", "expand", "activation", "se",
                "first_map_stride", "extras", "extra_channels", "anchors"});
  const YAML::Node det = r.required(root, "", "detector");
  if (r.string(det, "detector") != "ssdlite")
    r.fail(det, "detector", fmt::format("unknown detector '{}' (expected ssdlite)", det.Scalar()));
  DetectionSpaceOptions o;
  o.name = r.string(r.required(root, "", "name"), "name");
  o.classes = r.positive_int(r.required(root, "", "classes"), "classes");
  const auto positive = [&](const YAML::Node& n, const std::string& path) { return r.positive_int(n, path); };
  const auto count = [&](const YAML::Node& n, const std::string& path) {  // 0 allowed
    int v = -1;
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size()) v = -1;
    }
    if (v < 0) r.fail(n, path, fmt::format("expected a whole number >= 0, got {}", describe(n)));
    return v;
  };
  const auto number = [&](const YAML::Node& n, const std::string& path) {
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !(v > 0))
      r.fail(n, path, fmt::format("expected a positive number, got {}", describe(n)));
    return v;
  };
  o.resolutions = choices<int>(r, root, "resolution", o.resolutions, positive);
  o.widths = choices<double>(r, root, "width", o.widths, number);
  o.depths = choices<int>(r, root, "depth", o.depths, positive);
  o.kernels = choices<int>(r, root, "kernel", o.kernels, positive);
  o.expands = choices<int>(r, root, "expand", o.expands, positive);
  o.first_map_strides = choices<int>(r, root, "first_map_stride", o.first_map_strides, positive);
  o.extras = choices<int>(r, root, "extras", o.extras, count);
  o.extra_channels = choices<int>(r, root, "extra_channels", o.extra_channels, positive);
  o.anchors = choices<int>(r, root, "anchors", o.anchors, positive);
  if (const YAML::Node act = root["activation"]; act.IsDefined()) {
    const std::string s = r.string(act, "activation");
    const auto op = ir::op_from_name(s);
    if (!op || !ir::is_activation(*op))
      r.fail(act, "activation",
             fmt::format("unknown activation '{}' (expected relu, relu6, hardswish, swish); one for the backbone, "
                         "not a choice",
                         s));
    o.stem_act = *op;
    for (DetectionStage& st : o.stages) st.act = *op;
  }
  if (const YAML::Node se = root["se"]; se.IsDefined()) {
    const bool on = r.boolean(se, "se");
    for (DetectionStage& st : o.stages) st.se = on;
  }
  for (int f : o.first_map_strides)
    if (f != 8 && f != 16)
      r.fail(root["first_map_stride"], "first_map_stride", fmt::format("must be 8 or 16, got {}", f));
  for (int c : o.extra_channels)
    if (c % 2)
      r.fail(root["extra_channels"], "extra_channels",
             fmt::format("must be even (the 1x1 conv halves them), got {}", c));
  try {
    return std::make_unique<DetectionSpace>(std::move(o));
  } catch (const Error& e) {
    throw e.within(file);
  }
}

}  // namespace hwnas::space
