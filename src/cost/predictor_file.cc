#include "hwnas/cost/predictor_file.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/version.h"
#include "hwnas/cost/kernel_features.h"

namespace hwnas::cost {
namespace {

using nlohmann::json;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// A member of `j` (an object), or an error naming `where.key` and the type expected.
const json& member(const json& j, const std::string& where, const char* key) {
  if (!j.is_object()) fail(where, "expected an object");
  const auto it = j.find(key);
  if (it == j.end()) fail(where.empty() ? key : where + "." + key, "missing; every predictor file has it");
  return *it;
}

// Whether `v` is a whole number in T's range (12 or 12.0). nlohmann's get<int>() converts 1e300
// or 2^40 with a plain cast, which is undefined behaviour (found by fuzz/predictor_file_fuzzer.cc).
template <typename T>
bool integer_fits(const json& v) {
  constexpr auto lo = std::numeric_limits<T>::min();
  constexpr auto hi = std::numeric_limits<T>::max();
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= static_cast<uint64_t>(hi);
  if (v.is_number_integer()) return v.get<int64_t>() >= lo && v.get<int64_t>() <= hi;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::trunc(d) == d && d >= static_cast<double>(lo) && d <= static_cast<double>(hi);
}

template <typename T>
T typed(const json& j, const std::string& where, const char* key, const char* expected) {
  const json& v = member(j, where, key);
  const std::string at = where.empty() ? key : where + "." + key;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) fail(at, "expected {}, got {}", expected, v.dump());
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) fail(at, "expected {}, got {}", expected, v.dump());
  } else if constexpr (std::is_integral_v<T>) {
    if (!integer_fits<T>(v)) fail(at, "expected {}, got {}", expected, v.dump());
  } else {
    if (!v.is_number()) fail(at, "expected {}, got {}", expected, v.dump());
  }
  return v.get<T>();
}

ir::OpKind op_named(const json& v, const std::string& where) {
  if (!v.is_string()) fail(where, "expected an op name, got {}", v.dump());
  const auto op = ir::op_from_name(v.get<std::string>());
  if (!op) fail(where, "unknown op '{}'", v.get<std::string>());
  return *op;
}

}  // namespace

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

std::string base64_encode(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? static_cast<uint8_t>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string base64_decode(const std::string& text, const std::string& where) {
  if (text.size() % 4 != 0) fail(where, "not base64: length {} is not a multiple of 4", text.size());
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t v = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      uint32_t d = 0;
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
      } else {
        const char* p = (c == '\0' || pad > 0) ? nullptr : std::strchr(kAlphabet, c);
        if (p == nullptr) fail(where, "not base64: character {} ('{}') is not in the alphabet", i + k, c);
        d = static_cast<uint32_t>(p - kAlphabet);
      }
      v = (v << 6) | d;
    }
    for (int k = 0; k < 3 - pad; ++k) out += static_cast<char>((v >> (16 - 8 * k)) & 0xff);
  }
  return out;
}

nlohmann::json to_json(const PredictorFile& p) {
  json pairs = json::array(), tests = json::array();
  for (const auto& [a, b] : p.fusion.pairs) pairs.push_back({ir::op_name(a), ir::op_name(b)});
  for (const FusionTest& t : p.fusion_tests)
    tests.push_back({{"producer", t.producer},
                     {"consumer", t.consumer},
                     {"producer_ms", t.producer_ms},
                     {"consumer_ms", t.consumer_ms},
                     {"pair_ms", t.pair_ms},
                     {"fused", t.fused}});
  json groups = json::object();
  for (const auto& [name, g] : p.groups) {
    json trees = json::array();
    for (const std::string& t : g.trees) trees.push_back(base64_encode(t));
    groups[name] = {{"base", g.base},
                    {"trees", trees},
                    {"train_size", g.train_size},
                    {"validation",
                     {{"samples", g.validation_samples},
                      {"rel_rmse", g.validation_rel_rmse},
                      {"within_10", g.validation_within_10}}}};
  }
  json j = {{"format", kPredictorFormat},
            {"version", kPredictorVersion},
            {"kind", p.kind},
            {"device", p.device},
            {"backend", p.backend},
            {"threads", p.threads},
            {"dtype", ir::dtype_name(p.dtype)},
            {"hwnas_version", p.hwnas_version},
            {"created", p.created},
            {"fusion", {{"pairs", pairs}, {"tests", tests}}},
            {"features", p.features},
            {"whole_model",
             {{"scale", p.scale},
              {"kernel_overhead_ms", p.kernel_overhead_ms},
              {"offset_ms", p.offset_ms},
              {"weight_ms_per_mib", p.weight_ms_per_mib},
              {"weight_cache_mib", p.weight_cache_mib}}},
            {"groups", groups},
            {"lut", p.lut},
            {"training", p.training}};
  return j;
}

PredictorFile predictor_from_json(const nlohmann::json& j, const std::string& file) {
  try {
    if (!j.is_object()) fail("", "expected a JSON object (a predictor file from `hwnas predictor build`)");
    const auto format = typed<std::string>(j, "", "format", "a string");
    if (format != kPredictorFormat)
      fail("format", "'{}' is not a latency predictor (expected '{}'; write one with `hwnas predictor build`)", format,
           kPredictorFormat);
    const int version = typed<int>(j, "", "version", "an integer");
    if (version != kPredictorVersion)
      fail("version",
           "version {} is not supported (this hwnas {} reads version {}); rebuild it with `hwnas predictor build`",
           version, std::string(hwnas::version()), kPredictorVersion);
    PredictorFile p;
    p.kind = typed<std::string>(j, "", "kind", "\"kernel\" or \"lut\"");
    if (p.kind != "kernel" && p.kind != "lut") fail("kind", "'{}' is not \"kernel\" or \"lut\"", p.kind);
    p.device = typed<std::string>(j, "", "device", "a device name");
    p.backend = typed<std::string>(j, "", "backend", "a backend name");
    p.threads = typed<int>(j, "", "threads", "an integer");
    const auto dtype = ir::dtype_from_name(typed<std::string>(j, "", "dtype", "a dtype name"));
    if (!dtype) fail("dtype", "unknown dtype '{}' (f32, f16, int8, int32)", j["dtype"].get<std::string>());
    p.dtype = *dtype;
    p.hwnas_version = typed<std::string>(j, "", "hwnas_version", "a version string");
    p.created = typed<std::string>(j, "", "created", "a date");

    const json& fusion = member(j, "", "fusion");
    const json& pairs = member(fusion, "fusion", "pairs");
    if (!pairs.is_array()) fail("fusion.pairs", "expected a list of [producer, consumer] op names");
    for (size_t i = 0; i < pairs.size(); ++i) {
      const std::string at = fmt::format("fusion.pairs[{}]", i);
      if (!pairs[i].is_array() || pairs[i].size() != 2)
        fail(at, "expected [producer, consumer], got {}", pairs[i].dump());
      p.fusion.add(op_named(pairs[i][0], at), op_named(pairs[i][1], at));
    }
    const json& tests = member(fusion, "fusion", "tests");
    if (!tests.is_array()) fail("fusion.tests", "expected a list");
    for (size_t i = 0; i < tests.size(); ++i) {
      const std::string at = fmt::format("fusion.tests[{}]", i);
      p.fusion_tests.push_back(
          {typed<std::string>(tests[i], at, "producer", "an op name"),
           typed<std::string>(tests[i], at, "consumer", "an op name"), typed<double>(tests[i], at, "producer_ms", "ms"),
           typed<double>(tests[i], at, "consumer_ms", "ms"), typed<double>(tests[i], at, "pair_ms", "ms"),
           typed<bool>(tests[i], at, "fused", "true/false")});
    }
    const json& features = member(j, "", "features");
    if (!features.is_array()) fail("features", "expected a list of feature names");
    for (const json& f : features) p.features.push_back(f.is_string() ? f.get<std::string>() : f.dump());
    if (p.features != kernel_feature_names())
      fail("features",
           "[{}] differ from this hwnas's kernel features [{}]; rebuild the predictor with `hwnas predictor build`",
           fmt::join(p.features, ", "), fmt::join(kernel_feature_names(), ", "));
    const json& whole = member(j, "", "whole_model");
    p.scale = typed<double>(whole, "whole_model", "scale", "a number");
    p.kernel_overhead_ms = typed<double>(whole, "whole_model", "kernel_overhead_ms", "a number (ms)");
    p.offset_ms = typed<double>(whole, "whole_model", "offset_ms", "a number (ms)");
    if (whole.contains("weight_ms_per_mib"))  // files written before it existed have no cold-weight term
      p.weight_ms_per_mib = typed<double>(whole, "whole_model", "weight_ms_per_mib", "a number (ms per MiB)");
    if (whole.contains("weight_cache_mib"))
      p.weight_cache_mib = typed<double>(whole, "whole_model", "weight_cache_mib", "a number (MiB)");

    const json& groups = member(j, "", "groups");
    if (!groups.is_object()) fail("groups", "expected an object of kernel groups");
    for (const auto& [name, g] : groups.items()) {
      const std::string at = "groups." + name;
      const auto& known = kernel_groups();
      if (std::find(known.begin(), known.end(), name) == known.end())
        fail(at, "unknown kernel group (groups: {})", fmt::join(known, ", "));
      GroupModel m;
      const json& base = member(g, at, "base");
      if (!base.is_array() || base.size() != 3) fail(at + ".base", "expected [ms per MAC, ms per byte, ms]");
      for (size_t k = 0; k < 3; ++k) {
        if (!base[k].is_number()) fail(at + ".base", "expected numbers, got {}", base[k].dump());
        m.base[k] = base[k].get<double>();
      }
      const json& trees = member(g, at, "trees");
      if (!trees.is_array() || trees.empty()) fail(at + ".trees", "expected a non-empty list of base64 XGBoost models");
      for (size_t t = 0; t < trees.size(); ++t) {
        const std::string tat = fmt::format("{}.trees[{}]", at, t);
        if (!trees[t].is_string()) fail(tat, "expected a base64 string");
        m.trees.push_back(base64_decode(trees[t].get<std::string>(), tat));
      }
      m.train_size = typed<int>(g, at, "train_size", "an integer");
      const json& v = member(g, at, "validation");
      m.validation_samples = typed<int>(v, at + ".validation", "samples", "an integer");
      m.validation_rel_rmse = typed<double>(v, at + ".validation", "rel_rmse", "a number");
      m.validation_within_10 = typed<double>(v, at + ".validation", "within_10", "a share");
      p.groups[name] = std::move(m);
    }
    const json& lut = member(j, "", "lut");
    if (!lut.is_object()) fail("lut", "expected an object of kernel key -> ms");
    for (const auto& [key, ms] : lut.items()) {
      if (!ms.is_number()) fail("lut." + key, "expected ms, got {}", ms.dump());
      p.lut[key] = ms.get<double>();
    }
    if (p.kind == "kernel" && p.groups.empty()) fail("groups", "a kernel predictor needs at least one group");
    if (p.kind == "lut" && p.lut.empty()) fail("lut", "a lut predictor needs at least one entry");
    p.training = member(j, "", "training");
    return p;
  } catch (const Error& e) {
    throw e.within(file);
  }
}

PredictorFile load_predictor(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    fail(path.string(), "not JSON ({}); a predictor file is written by `hwnas predictor build`", e.what());
  }
  return predictor_from_json(j, path.string());
}

void save_predictor(const PredictorFile& p, const std::filesystem::path& path) {
  write_file_atomic(path, to_json(p).dump(1) + "\n");
}

}  // namespace hwnas::cost
