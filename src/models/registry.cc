#include "hwnas/models/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/core/suggest.h"
#include "hwnas/models/dscnn.h"
#include "hwnas/models/efficientnet.h"
#include "hwnas/models/mobilenetv2.h"
#include "hwnas/models/ssdlite.h"

namespace hwnas::models {

namespace {

constexpr std::string_view kMobileNetV2Prefix = "mobilenetv2-";
constexpr std::string_view kEfficientNetPrefix = "efficientnet-b";
constexpr std::string_view kDsCnnPrefix = "dscnn-";
constexpr std::string_view kSsdLite = "ssdlite-mobilenetv2";

std::string where(std::string_view name) { return fmt::format("model '{}'", name); }

// The width of "mobilenetv2-<width>", or nullopt when the rest is not a positive number.
std::optional<double> width_after(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = name.substr(prefix.size());
  double w = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), w);
  if (ec != std::errc() || end != rest.data() + rest.size() || !std::isfinite(w) || !(w > 0)) return std::nullopt;
  return w;
}
std::optional<double> mobilenetv2_width(std::string_view name) { return width_after(name, kMobileNetV2Prefix); }
// "ssdlite-mobilenetv2-<width>": SSDLite on a thinner backbone (small detectors for small inputs).
std::optional<double> ssdlite_width(std::string_view name) { return width_after(name, std::string(kSsdLite) + "-"); }

// 0 keeps the model's default; anything else must be a real size.
int override_or(int value, int fallback, std::string_view name, std::string_view what) {
  if (value < 0)
    fail(where(name), "{} override must be positive (or 0 for the model's default {}), got {}", what, fallback, value);
  return value == 0 ? fallback : value;
}

[[noreturn]] void unknown(std::string_view name) {
  const std::vector<std::string> names = builtin_model_names();
  const std::string guess = closest_match(name, names);
  fail(where(name),
       "not a built-in model{}; known: {} (and mobilenetv2-<width>, ssdlite-mobilenetv2-<width> for any positive "
       "width)",
       guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess), fmt::join(names, ", "));
}

}  // namespace

std::vector<std::string> builtin_model_names() {
  std::vector<std::string> names;
  for (int b = 0; b <= 7; ++b) names.push_back(fmt::format("{}{}", kEfficientNetPrefix, b));
  for (double w : {1.4, 1.0, 0.75, 0.5, 0.35}) names.push_back(mobilenetv2_name(w));
  for (const char* size : {"mlperf", "s", "m", "l"}) names.push_back(fmt::format("{}{}", kDsCnnPrefix, size));
  names.emplace_back(kSsdLite);
  return names;
}

bool is_builtin_model(std::string_view name) {
  if (mobilenetv2_width(name) || ssdlite_width(name)) return true;
  const std::vector<std::string> names = builtin_model_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

ir::Graph builtin_model(std::string_view name, const ModelOverrides& ov) {
  if (!is_builtin_model(name)) unknown(name);
  const std::string graph_name(name);
  if (const auto width = mobilenetv2_width(name)) {
    const MobileNetV2Options d;
    return mobilenetv2({.width = *width,
                        .resolution = override_or(ov.resolution, d.resolution, name, "resolution"),
                        .classes = override_or(ov.classes, d.classes, name, "classes"),
                        .name = graph_name});
  }
  if (name.starts_with(kEfficientNetPrefix)) {
    EfficientNetOptions o = efficientnet_variant(name.back() - '0');
    o.resolution = override_or(ov.resolution, o.resolution, name, "resolution");
    o.classes = override_or(ov.classes, o.classes, name, "classes");
    return efficientnet(o);
  }
  if (name.starts_with(kDsCnnPrefix)) {
    DsCnnOptions o = dscnn_preset(name.substr(kDsCnnPrefix.size()));
    if (ov.resolution != 0)
      fail(where(name), "has no resolution to override: DS-CNN takes a {}x{} MFCC map; leave resolution at 0",
           o.input_h, o.input_w);
    o.classes = override_or(ov.classes, o.classes, name, "classes");
    o.name = graph_name;
    return dscnn(o);
  }
  SsdLiteOptions o;  // the only names left: ssdlite-mobilenetv2[-<width>]
  o.width = ssdlite_width(name).value_or(o.width);
  o.name = graph_name;
  o.resolution = override_or(ov.resolution, o.resolution, name, "resolution");
  o.classes = override_or(ov.classes, o.classes, name, "classes");
  return ssdlite(o);
}

}  // namespace hwnas::models
