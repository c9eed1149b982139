#include "hwnas/exp/trial_request.h"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"

namespace hwnas::exp {
namespace {

constexpr std::string_view kOutcomes[] = {"ok", "failed", "timed_out", "crashed"};

// JSON has no NaN or infinity (nlohmann would write null); they travel as strings.
nlohmann::json number(double v) {
  if (std::isfinite(v)) return v;
  return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
}

double number(const nlohmann::json& j, const std::string& what) {
  if (j.is_number()) return j.get<double>();
  if (j == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (j == "inf") return std::numeric_limits<double>::infinity();
  if (j == "-inf") return -std::numeric_limits<double>::infinity();
  fail("trial JSON", "{}: expected a number, got {}", what, j.dump());
}

const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) fail("trial JSON", "expected an object, got {}", j.dump());
  const auto it = j.find(key);
  if (it == j.end()) fail("trial JSON", "missing field '{}' in {}", key, j.dump());
  return *it;
}

template <class T>
T get(const nlohmann::json& j, const char* key) {
  try {
    return field(j, key).get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("trial JSON", "field '{}' has the wrong type: {}", key, field(j, key).dump());
  }
}

}  // namespace

std::string_view trial_outcome_name(TrialOutcome s) { return kOutcomes[static_cast<int>(s)]; }

nlohmann::json to_json(const TrialRequest& r) {
  return {{"id", r.id}, {"arch", r.arch}, {"metrics", r.metrics}, {"epochs", r.epochs}, {"timeout_s", r.timeout_s}};
}

nlohmann::json to_json(const TrialResult& r) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [name, v] : r.values) values[name] = number(v);
  return {{"id", r.id},
          {"status", trial_outcome_name(r.status)},
          {"values", values},
          {"error", r.error},
          {"seconds", r.seconds}};
}

TrialRequest request_from_json(const nlohmann::json& j) {
  TrialRequest r;
  r.id = get<int64_t>(j, "id");
  r.arch = get<std::string>(j, "arch");
  r.metrics = get<std::vector<std::string>>(j, "metrics");
  r.epochs = get<int>(j, "epochs");
  r.timeout_s = number(field(j, "timeout_s"), "timeout_s");
  return r;
}

TrialResult result_from_json(const nlohmann::json& j) {
  TrialResult r;
  r.id = get<int64_t>(j, "id");
  const auto status = get<std::string>(j, "status");
  const auto* it = std::find(std::begin(kOutcomes), std::end(kOutcomes), status);
  if (it == std::end(kOutcomes)) fail("trial JSON", "unknown status '{}' (ok, failed, timed_out, crashed)", status);
  r.status = static_cast<TrialOutcome>(it - std::begin(kOutcomes));
  const auto& values = field(j, "values");
  if (!values.is_object()) fail("trial JSON", "field 'values' must be an object, got {}", values.dump());
  for (const auto& [name, v] : values.items()) r.values[name] = number(v, "values." + name);
  r.error = get<std::string>(j, "error");
  r.seconds = number(field(j, "seconds"), "seconds");
  return r;
}

}  // namespace hwnas::exp
