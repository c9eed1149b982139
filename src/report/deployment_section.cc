#include "hwnas/report/deployment_section.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/report/markup.h"
#include "json_file.h"

namespace hwnas::report {
namespace {

namespace fs = std::filesystem;

// The number at `pointer`, if the report has one.
const nlohmann::json* number_at(const nlohmann::json& j, const char* pointer) {
  const nlohmann::json::json_pointer p(pointer);
  return j.contains(p) && j.at(p).is_number() ? &j.at(p) : nullptr;
}

// A detector's mAP@0.5 or a classifier's top-1, of the fp32 or the int8 model.
std::string accuracy(const nlohmann::json& j, const std::string& dtype) {
  if (const auto* v = number_at(j, ("/map/" + dtype + "/map50").c_str()))
    return fmt::format("mAP@0.5 {:.4f}", v->get<double>());
  if (const auto* v = number_at(j, ("/accuracy/" + dtype + "/top1").c_str()))
    return fmt::format("top-1 {:.2f}%", v->get<double>());
  return "-";
}

std::string figure(const nlohmann::json& j, const char* pointer, const char* format) {
  const auto* v = number_at(j, pointer);
  return v ? fmt::format(fmt::runtime(format), v->get<double>()) : "-";
}

}  // namespace

std::vector<Deployment> read_deployments(const fs::path& dir) {
  std::vector<Deployment> out;
  for (const char* folder : {"deploy", "deploy-baseline"}) {
    const fs::path file = dir / folder / "report.json";
    if (!fs::exists(file)) continue;
    constexpr std::string_view fix = "run the search again to redo its deploy: step";
    nlohmann::json j = read_json_file(file, fix);
    if (!j.is_object()) fail(file.string(), "is not a JSON object; {}", fix);
    out.push_back({folder, std::move(j)});
  }
  return out;
}

std::string deployment_section(const std::vector<Deployment>& deployments) {
  if (deployments.empty()) return "";
  std::string rows;
  for (const Deployment& d : deployments) {
    const nlohmann::json& j = d.report;
    const std::string placement =
        number_at(j, "/placement/nodes")
            ? fmt::format("{} of {}", figure(j, "/placement/on_primary", "{:g}"), figure(j, "/placement/nodes", "{:g}"))
            : "-";
    rows += fmt::format(
        "<tr><td><code>{}/</code></td><td>{}<br/><span class=\"arch\">{}</span></td><td>{}</td><td>{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        escape(d.folder), escape(j.value("deployed", d.folder)), escape(j.value("arch", "")), accuracy(j, "fp32"),
        accuracy(j, "int8"), figure(j, "/predicted/latency_ms", "{:.3f}"), figure(j, "/predicted/power_mw", "{:.1f}"),
        placement);
  }
  return "<section id=\"deploy\"><h2>Deployment</h2>\n<p class=\"sub\">Accuracy measured on the test split; "
         "latency (network only) and average power at the deploy's frame rate predicted; every figure and its "
         "source in each folder's report.json.</p>\n<table><thead><tr><th>folder</th><th>deployed</th>"
         "<th>fp32</th><th>int8</th><th>latency ms</th><th>mW</th><th>nodes on the NPU</th></tr></thead>"
         "<tbody>\n" +
         rows + "</tbody></table></section>\n";
}

}  // namespace hwnas::report
