#pragma once
// The HTML report of a run: one self-contained page (inline CSS and SVG, a few lines of inline
// JavaScript to sort the trial table; nothing fetched from the network) with the experiment
// summary, the best trial per objective, a Pareto plot per pair of objectives, the failed
// trials, every trial (front first) and where each figure came from. The page is well-formed
// XML as well as HTML, so tools and tests can parse it. The main sections have stable ids
// (summary, objectives, pareto, failed, trials, sources) for links and for
// scripts/check_report.sh, which checks the page as headless Chromium renders it.
//
//   // at the end of a search, or from `hwnas report <dir>`:
//   std::filesystem::path page = report::write_report("runs/nb201-raspi4");   // .../report.html
//   report::write_report(dir, {.out = "r.html", .x = "flops_M", .y = "accuracy"});
#include <filesystem>
#include <string>

#include "hwnas/report/experiment_output.h"

namespace hwnas::report {

struct ReportOptions {
  std::filesystem::path out = {};  // default: <dir>/report.html
  std::string x = {}, y = {};      // both or neither: draw only this pair (default: each pair of objectives)
};

std::string render_report(const ExperimentOutput& run, const ReportOptions& options = {});

// Loads the folder (load_experiment_output), renders and writes the page atomically; returns
// its path. Throws hwnas::Error for bad folders (see load_experiment_output), for an x
// without a y (or the reverse) and for axes that are not metrics of the run.
std::filesystem::path write_report(const std::filesystem::path& dir, const ReportOptions& options = {});

}  // namespace hwnas::report
