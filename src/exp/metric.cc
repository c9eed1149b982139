#include "hwnas/exp/metric.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/exp/table_metric.h"

namespace hwnas::exp {

std::string_view cost_class_name(CostClass c) { return c == CostClass::Cheap ? "cheap" : "expensive"; }

CostClass parse_cost_class(const YAML::Node& node, const std::string& path, const YamlSource& src,
                           CostClass fallback) {
  if (!node["cost"]) return fallback;
  const std::string v = src.get_string(node["cost"], path + ".cost");
  if (v == "cheap") return CostClass::Cheap;
  if (v == "expensive") return CostClass::Expensive;
  src.fail(node["cost"], path + ".cost", fmt::format("'{}' is not a cost class; use cheap or expensive", v));
}

namespace {

std::unique_ptr<Metric> make_table_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                          const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"table", "key", "column", "cost"});
  for (const char* k : {"key", "column"})
    if (!node[k]) src.fail(node, path, fmt::format("a table metric needs '{}:' (the CSV column to {})", k,
                                                   std::string_view(k) == "key" ? "match archs by" : "read"));
  const std::string file = src.get_string(node["table"], path + ".table");
  const std::filesystem::path table = src.resolve_path(file, path + ".table");
  const CostClass cost = parse_cost_class(node, path, src, CostClass::Expensive);
  const std::string key = src.get_string(node["key"], path + ".key");
  const std::string column = src.get_string(node["column"], path + ".column");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(table, ec))
    src.fail(node["table"], path + ".table", fmt::format("no such file: {}", table.string()));
  try {
    return std::make_unique<TableMetric>(name, cost, table, key, column, *ctx.space);
  } catch (const Error& e) {
    const bool about_key = e.message().find(fmt::format("'{}'", key)) != std::string::npos;
    const bool about_column = e.message().find(fmt::format("'{}'", column)) != std::string::npos;
    const std::string sub = about_key ? ".key" : about_column ? ".column" : ".table";
    throw e.within(src.where(node[sub.substr(1)], path + sub));
  }
}

}  // namespace

std::unique_ptr<Metric> make_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                    const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.require_map(node, path);
  if (node["table"]) return make_table_metric(name, node, path, ctx);
  for (const char* kind : {"model", "memory"})
    if (node[kind])
      src.fail(node[kind], join_path(path, kind),
               fmt::format("{} metrics are not available yet in this build; use a table metric "
                           "({{table: file.csv, key: arch_str, column: name}}) for now",
                           std::string_view(kind) == "model" ? "cost-model" : "memory"));
  src.fail(node, path, "a metric needs one of 'table:' (CSV lookup), 'model:' (cost model) or 'memory:'");
}

}  // namespace hwnas::exp
