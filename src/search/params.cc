#include "hwnas/search/params.h"

#include <cmath>

#include "hwnas/core/error.h"

namespace hwnas::search {

Params::Params(std::string strategy, const std::map<std::string, double>& given, std::vector<ParamSpec> specs)
    : strategy_(std::move(strategy)), given_(given), specs_(std::move(specs)) {
  for (const auto& [name, value] : given_) {
    bool known = false;
    for (const ParamSpec& s : specs_) {
      if (s.name != name) continue;
      known = true;
      if (!(value >= s.min && value <= s.max))  // also rejects NaN
        fail("strategy." + name, "{} is out of range for {} (allowed {} .. {}: {})", value, strategy_, s.min, s.max,
             s.help);
    }
    if (!known) {
      std::string valid;
      for (const ParamSpec& s : specs_) valid += (valid.empty() ? "" : ", ") + s.name;
      fail("strategy." + name, "unknown parameter of strategy {} (valid: {})", strategy_,
           valid.empty() ? "none" : valid);
    }
  }
}

const ParamSpec& Params::spec(std::string_view name) const {
  for (const ParamSpec& s : specs_)
    if (s.name == name) return s;
  fail("strategy." + std::string(name), "{} has no parameter of this name (internal error)", strategy_);
}

bool Params::given(std::string_view name) const { return given_.count(std::string(name)) > 0; }

double Params::number(std::string_view name) const {
  const ParamSpec& s = spec(name);
  auto it = given_.find(s.name);
  return it == given_.end() ? s.default_value : it->second;
}

int Params::integer(std::string_view name) const {
  double v = number(name);
  if (v != std::floor(v)) fail("strategy." + std::string(name), "{} must be a whole number, got {}", strategy_, v);
  return static_cast<int>(v);
}

bool Params::flag(std::string_view name) const {
  double v = number(name);
  if (v != 0 && v != 1) fail("strategy." + std::string(name), "{} must be 0 or 1, got {}", strategy_, v);
  return v == 1;
}

}  // namespace hwnas::search
