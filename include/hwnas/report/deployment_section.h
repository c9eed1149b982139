#pragma once
// The deployments of a run in its report. The deploy: step of `hwnas search` writes
// <output>/deploy/ (the trial it deployed) and, with a baseline, <output>/deploy-baseline/, each
// with a report.json; this section sets their measured accuracy (fp32 and int8), predicted
// latency and power and NPU placement side by side. A figure a report does not have shows as "-"
// (a Cortex-M7 deployment has no power, a classifier no mAP).
//
//   std::vector<report::Deployment> d = report::read_deployments("runs/detector-npu");
//   std::string html = report::deployment_section(d);   // "" when there is none
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hwnas::report {

struct Deployment {
  std::string folder;     // "deploy", "deploy-baseline"
  nlohmann::json report;  // its report.json
};

// <dir>/deploy/report.json, then <dir>/deploy-baseline/report.json, those that exist; throws
// hwnas::Error naming the file when one is not valid JSON.
std::vector<Deployment> read_deployments(const std::filesystem::path& dir);

std::string deployment_section(const std::vector<Deployment>& deployments);

}  // namespace hwnas::report
