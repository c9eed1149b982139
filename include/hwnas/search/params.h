#pragma once
// Reads a strategy's parameters (StrategyConfig::params) against the list of parameters the
// strategy knows, with defaults and ranges, so every strategy rejects a misspelt or
// out-of-range parameter the same way: the error names the parameter and lists valid ones.
//
//   search::Params p("evolution", config.params, {
//       {"population", 50, 2, 1e6, "archs kept alive (aging)"},
//       {"sample_size", 10, 1, 1e6, "tournament size"}});
//   int population = p.integer("population");
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas::search {

struct ParamSpec {
  std::string name;
  double default_value;
  double min;
  double max;
  std::string help;
};

class Params {
 public:
  // Throws hwnas::Error("strategy.<name>", ...) for an unknown parameter (listing the valid
  // ones) or a value outside [min, max].
  Params(std::string strategy, const std::map<std::string, double>& given, std::vector<ParamSpec> specs);

  double number(std::string_view name) const;  // the given value or the default
  int integer(std::string_view name) const;    // throws if the value is not a whole number
  bool flag(std::string_view name) const;      // 0 or 1
  bool given(std::string_view name) const;

 private:
  const ParamSpec& spec(std::string_view name) const;

  std::string strategy_;
  std::map<std::string, double> given_;
  std::vector<ParamSpec> specs_;
};

}  // namespace hwnas::search
