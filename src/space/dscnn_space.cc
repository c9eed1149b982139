#include "hwnas/space/dscnn_space.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "labels.h"

namespace hwnas::space {
namespace {

// Decision indices.
constexpr int kMfcc = 0, kFrames = 1, kFirstKernel = 2, kFirstStride = 3, kFirst = 4, kDepth = 5, kBlocks = 6;

// The decisions added in the second version of the space, and the values that strings of the first
// version (which name none of them) stood for: the MLPerf front end and first conv.
constexpr std::string_view kAddedDecisions[] = {"frames", "first.kernel", "first.stride"};
constexpr std::string_view kFirstVersionDefaults = "frames=49,first.kernel=10x4,first.stride=2x2";

std::vector<std::string> hxw_labels(std::string_view option, const std::vector<DsCnnSpaceOptions::HxW>& values) {
  std::vector<std::string> out;
  for (const auto& [h, w] : values) {
    if (h <= 0 || w <= 0)
      fail(fmt::format("dscnn options: {}", option), "{}x{} is not a size; both must be positive", h, w);
    out.push_back(fmt::format("{}x{}", h, w));
  }
  return out;
}

// "10x4" -> {10, 4}: labels are read back because decode() works by label (after restrict()).
DsCnnSpaceOptions::HxW parse_hxw(const std::string& label) {
  int h = 0, w = 0;
  const char* end = label.data() + label.size();
  auto r = std::from_chars(label.data(), end, h);
  if (r.ec == std::errc() && r.ptr != end && *r.ptr == 'x') r = std::from_chars(r.ptr + 1, end, w);
  if (r.ec != std::errc() || r.ptr != end || h <= 0 || w <= 0)
    fail("dscnn", "'{}' is not <frames>x<coefficients> (e.g. 10x4)", label);
  return {h, w};
}

std::vector<Decision> dscnn_decisions(const DsCnnSpaceOptions& o) {
  if (o.depths.empty()) fail("dscnn", "needs at least one depth");
  std::vector<Decision> d = {{"mfcc", number_labels(o.mfcc)},
                             {"frames", number_labels(o.frames)},
                             {"first.kernel", hxw_labels("first_kernels", o.first_kernels)},
                             {"first.stride", hxw_labels("first_strides", o.first_strides)},
                             {"first.channels", number_labels(o.first_channels)},
                             {"depth", number_labels(o.depths)}};
  const int max_depth = *std::max_element(o.depths.begin(), o.depths.end());
  for (int b = 1; b <= max_depth; ++b) {
    d.push_back({fmt::format("block{}.channels", b), number_labels(o.channels)});
    d.push_back({fmt::format("block{}.kernel", b), number_labels(o.kernels)});
  }
  return d;
}

// Whether `s` (name=label,...) names decision `name`.
bool names(std::string_view s, std::string_view name) {
  for (size_t pos = 0; pos <= s.size();) {
    size_t end = s.find(',', pos);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view token = s.substr(pos, end - pos);
    if (token.substr(0, token.find('=')) == name) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

DsCnnSpace::DsCnnSpace(DsCnnSpaceOptions o) : SearchSpace("dscnn", dscnn_decisions(o)), o_(std::move(o)) {
  for (int d = kBlocks; d < num_decisions(); ++d) gate(d, kDepth, (d - kBlocks) / 2);
}

Arch DsCnnSpace::parse(std::string_view s) const {
  const bool first_version = names(s, "mfcc") && std::none_of(std::begin(kAddedDecisions), std::end(kAddedDecisions),
                                                              [&](std::string_view added) { return names(s, added); });
  if (!first_version) return SearchSpace::parse(s);
  // Appended, not prepended, so that error positions still point into the caller's string.
  return SearchSpace::parse(fmt::format("{},{}", s, kFirstVersionDefaults));
}

models::DsCnnOptions DsCnnSpace::options(const Arch& a) const {
  check(a);
  models::DsCnnOptions m;
  m.input_h = int_value(a, kFrames);
  m.input_w = int_value(a, kMfcc);
  std::tie(m.first_kernel_h, m.first_kernel_w) = parse_hxw(label(a, kFirstKernel));
  std::tie(m.first_stride_h, m.first_stride_w) = parse_hxw(label(a, kFirstStride));
  m.first_channels = int_value(a, kFirst);
  m.blocks.resize(int_value(a, kDepth));
  for (size_t b = 0; b < m.blocks.size(); ++b) {
    m.blocks[b].channels = int_value(a, kBlocks + 2 * static_cast<int>(b));
    m.blocks[b].kernel = int_value(a, kBlocks + 2 * static_cast<int>(b) + 1);
  }
  m.classes = o_.classes;
  m.name = "dscnn:" + to_string(a);
  return m;
}

ir::Graph DsCnnSpace::decode(const Arch& a) const { return models::dscnn(options(a)); }

}  // namespace hwnas::space
