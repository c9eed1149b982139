#pragma once
// The JSON file loaders (ir::load_graph, cost::load_predictor, cost::load_few_shot) parse the
// text with nlohmann and turn its parse errors into hwnas::Error; the fuzz targets do the same
// without exceptions, so that their time goes to the hwnas reader behind the JSON parser.
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hwnas::fuzz {

inline std::optional<nlohmann::json> parse_json(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;  // the loader's "not JSON" Error
  return j;
}

}  // namespace hwnas::fuzz
