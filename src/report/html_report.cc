#include "hwnas/report/html_report.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/version.h"
#include "hwnas/report/comparison_section.h"
#include "hwnas/report/deployment_section.h"
#include "hwnas/report/markup.h"
#include "hwnas/report/metric_label.h"
#include "hwnas/report/pareto_plot.h"

namespace hwnas::report {
namespace {

constexpr const char* kCss = R"css(
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #dfe3e8; --soft: #f5f7f9; --front: #d1495b; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 40px; }
header { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 18px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--muted); font-weight: 600; }
h1 { font-size: 26px; margin: 2px 0 6px; }
h2 { font-size: 17px; margin: 0 0 10px; }
.sub { color: var(--muted); margin: 0; }
.sub b { color: var(--ink); font-weight: 600; }
code, .arch { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 20px; margin: 0 0 18px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px;
  background: none; border: 0; padding: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 24px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .d { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.card .arch { display: block; margin-top: 4px; color: var(--ink); font-size: 11px; word-break: break-all; }
.figs { display: flex; flex-wrap: wrap; gap: 18px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
ul.plain { margin: 0; padding-left: 18px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; font-size: 12px; position: sticky; top: 0; }
td.n, th.n { text-align: right; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort=ascending]::after { content: " \25B2"; font-size: 9px; }
table.sortable th[aria-sort=descending]::after { content: " \25BC"; font-size: 9px; }
.scroll { max-height: 640px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
tr.front td { background: #fdf1f2; }
.scroll table { font-size: 12.5px; }
.scroll td.arch { white-space: nowrap; }
td.err { min-width: 360px; font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; font-weight: 600; }
.b-ok { background: #e3f4ea; color: #1e6b3a; } .b-failed { background: #fde2e1; color: #9b1c1c; }
.b-infeasible { background: #fdf0dc; color: #8a5a00; } .b-front { background: var(--front); color: #fff; }
.err { color: #9b1c1c; }
footer { color: var(--muted); font-size: 12px; }
)css";

// Clicking a header sorts the table by that column: numbers by value (data-v), text by text.
// Written without '<' and '&' so the page stays well-formed XML.
constexpr const char* kSortJs = R"js(
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var key = function (row) { var c = row.cells[col]; return c.dataset.v === undefined ? c.textContent : c.dataset.v; };
      var body = table.tBodies[0];
      var rows = Array.from(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var c = (isNaN(nx) || isNaN(ny)) ? String(x).localeCompare(String(y)) : nx - ny;
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
)js";

// Values for people: two decimals from 1 up (94.37 %, 12.35 ms), three significant digits
// below (0.0113 ms); the exact value stays in the data-v attribute and in trials.csv.
std::string show(double v) {
  if (v == 0) return "0";
  if (std::abs(v) >= 1000) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

std::string with_unit(double v, const std::string& metric) {
  const std::string unit = metric_unit(metric);
  return show(v) + (unit.empty() ? "" : (unit == "%" ? "" : " ") + unit);
}

std::string td_number(std::optional<double> v) {
  if (!v) return R"(<td class="n" data-v=""></td>)";
  return fmt::format(R"(<td class="n" data-v="{}">{}</td>)", core::format_number(*v), show(*v));
}

std::string status_badge(search::TrialStatus s) {
  const std::string name(search::trial_status_name(s));
  return fmt::format(R"(<span class="badge b-{0}">{0}</span>)", name);
}

std::string source_of(const ExperimentOutput& run, const std::string& metric) {
  const auto it = run.sources.find(metric);
  return it == run.sources.end() ? "not recorded" : it->second;
}

std::string card(const std::string& key, const std::string& value, const std::string& detail) {
  return fmt::format(R"(<div class="card"><div class="k">{}</div><div class="v">{}</div><div class="d">{}</div></div>)"
                     "\n",
                     key, value, detail);
}

std::string summary_cards(const ExperimentOutput& run) {
  using search::TrialStatus;
  const int ok = run.count(TrialStatus::Ok), failed = run.count(TrialStatus::Failed),
            infeasible = run.count(TrialStatus::Infeasible), pruned = run.count(TrialStatus::Pruned);
  std::string budget = run.budget_trials ? fmt::format(" of {}", *run.budget_trials) : "";
  std::string s = R"(<section id="summary" class="cards">)"
                  "\n";
  s += card("Trials", fmt::format("{}{}", run.trials.size(), budget),
            escape(fmt::format("{} ok · {} infeasible · {} failed{}{}", ok, infeasible, failed,
                               pruned ? fmt::format(" · {} pruned at a lower fidelity", pruned) : "",
                               run.skipped ? fmt::format(" · {} skipped on cheap metrics", *run.skipped) : "")));
  s += card("Pareto front", fmt::format("{}", run.front.size()),
            run.front_from_file ? "feasible non-dominated trials (pareto.csv)"
                                : "computed from trials.csv (pareto.csv not written yet)");
  for (size_t o = 0; o < run.objectives.size(); ++o) {
    const auto& obj = run.objectives[o];
    const std::string key = escape(fmt::format("Best {} ({})", metric_label(obj.metric), obj.maximize ? "max" : "min"));
    const auto best = run.best_index(o);
    if (!best) {
      s += card(key, "–", "no ok trial yet");
      continue;
    }
    const search::Trial& t = run.trials[*best];
    std::string detail = fmt::format("trial {} · {}", t.id, source_of(run, obj.metric));
    if (t.penalty > 0) detail += " · soft penalty " + core::format_number(t.penalty);
    s += card(key, escape(with_unit(t.metrics.at(obj.metric), obj.metric)),
              escape(detail) + fmt::format(R"(<span class="arch">{}</span>)", escape(t.arch_str)));
  }
  const double seconds = std::accumulate(run.trials.begin(), run.trials.end(), 0.0,
                                         [](double a, const search::Trial& t) { return a + t.seconds; });
  s += card("Evaluation time", fmt::format("{} s", show(seconds)),
            run.trials.empty() ? "measured wall time"
                               : fmt::format("measured wall time, {} s per trial", show(seconds / run.trials.size())));
  return s + "</section>\n";
}

std::string setup_section(const ExperimentOutput& run) {
  std::string s = "<section id=\"objectives\"><h2>Objectives and constraints</h2><ul class=\"plain\">\n";
  for (const auto& o : run.objectives)
    s += fmt::format("<li>{} <b>{}</b> — {}</li>\n", o.maximize ? "maximise" : "minimise",
                     escape(metric_label(o.metric)), escape(source_of(run, o.metric)));
  for (const auto& c : run.constraints)
    s += fmt::format("<li>constraint <b>{}</b>{}</li>\n", escape(c.describe()),
                     c.hard() ? ": trials beyond it are infeasible" : ": trials beyond it pay the penalty");
  if (run.constraints.empty()) s += "<li>no constraints</li>\n";
  return s + "</ul></section>\n";
}

std::string plots_section(const ExperimentOutput& run, const std::vector<PlotAxes>& axes) {
  std::string s = "<section id=\"pareto\"><h2>Pareto plots</h2>\n";
  if (axes.empty()) return s + "<p>Only one metric in this run: nothing to plot against.</p></section>\n";
  const bool single = axes.size() == 1;
  s += "<div class=\"figs\">\n";
  // One plot gets the full width; several go side by side, two per row on a wide screen.
  const int width = single ? 880 : 520, height = single ? 520 : 400;
  for (const auto& a : axes) {
    const ParetoPlot p = pareto_plot(run, a, width, height);
    if (p.svg.empty()) {
      s += "<p>" + escape(p.caption) + "</p>\n";
      continue;
    }
    s += fmt::format("<figure style=\"width: {}px\">\n", width) + p.svg + "<figcaption>" + escape(p.caption) +
         " Hover a point for its trial.</figcaption></figure>\n";
  }
  return s + "</div></section>\n";
}

std::string failed_section(const ExperimentOutput& run) {
  std::string rows;
  int n = 0;
  for (const auto& t : run.trials) {
    if (t.status != search::TrialStatus::Failed) continue;
    ++n;
    rows += fmt::format("<tr><td class=\"n\">{}</td><td class=\"arch\">{}</td><td class=\"err\">{}</td></tr>\n", t.id,
                        escape(t.arch_str), escape(t.error.empty() ? "(no error recorded)" : t.error));
  }
  std::string s = fmt::format("<section id=\"failed\"><h2>Failed trials ({})</h2>\n", n);
  if (n == 0) return s + "<p>None: every trial was evaluated.</p></section>\n";
  return s + "<table><thead><tr><th class=\"n\">id</th><th>architecture</th><th>error</th></tr></thead><tbody>\n" +
         rows + "</tbody></table></section>\n";
}

std::string trials_section(const ExperimentOutput& run) {
  const std::set<size_t> front(run.front.begin(), run.front.end());
  std::vector<size_t> order(run.front.begin(), run.front.end());
  for (size_t i = 0; i < run.trials.size(); ++i)
    if (!front.count(i)) order.push_back(i);

  std::string s = fmt::format(
      "<section id=\"trials\"><h2>All trials ({})</h2>\n<p class=\"sub\">The Pareto front first, then every other trial by id. Click "
      "a column to sort; hover a metric's name for its source.</p>\n<div class=\"scroll\"><table class=\"sortable\">"
      "<thead><tr><th class=\"n\">id</th><th>front</th><th>architecture</th>",
      run.trials.size());
  for (const auto& m : run.metrics)
    s += fmt::format("<th class=\"n\" title=\"{}\">{}</th>", escape(source_of(run, m)), escape(metric_label(m)));
  s += "<th>status</th><th class=\"n\">penalty</th><th class=\"n\">seconds</th><th>error</th></tr></thead><tbody>\n";
  for (size_t i : order) {
    const search::Trial& t = run.trials[i];
    const bool on_front = front.count(i) > 0;
    s += fmt::format("<tr{}><td class=\"n\" data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td class=\"arch\">{}</td>",
                     on_front ? " class=\"front\"" : "", t.id, t.id, on_front ? 0 : 1,
                     on_front ? "<span class=\"badge b-front\">front</span>" : "", escape(t.arch_str));
    for (const auto& m : run.metrics) {
      const auto it = t.metrics.find(m);
      s += td_number(it == t.metrics.end() ? std::nullopt : std::optional<double>(it->second));
    }
    s += fmt::format("<td>{}</td>{}{}<td class=\"err\">{}</td></tr>\n", status_badge(t.status), td_number(t.penalty),
                     td_number(t.seconds), escape(t.error));
  }
  return s + "</tbody></table></div></section>\n";
}

std::string sources_section(const ExperimentOutput& run) {
  std::string s =
      "<section id=\"sources\"><h2>Where the figures come from</h2>\n<table><thead><tr><th>metric</th><th>source</th><th>cost "
      "class</th></tr></thead><tbody>\n";
  for (const auto& m : run.metrics) {
    const auto cost = run.cost.find(m);
    s += fmt::format("<tr><td><b>{}</b> <code>{}</code></td><td>{}</td><td>{}</td></tr>\n", escape(metric_label(m)),
                     escape(m), escape(source_of(run, m)),
                     cost == run.cost.end() ? "not given (expensive by default)" : escape(cost->second));
  }
  s += "</tbody></table>\n<ul class=\"plain\">\n";
  s += "<li><b>seconds</b>: measured wall time of each trial's evaluation, as recorded by the runner.</li>\n";
  s += "<li><b>penalty</b>: soft-constraint penalty computed by the runner from the constraints above.</li>\n";
  s += fmt::format("<li>Read from <code>{}</code>: {}.</li>\n", escape(run.dir.string()),
                   escape(fmt::format("{}", fmt::join(run.files_read, ", "))));
  return s + "</ul></section>\n";
}

}  // namespace

std::string render_report(const ExperimentOutput& run, const ReportOptions& options) {
  if (options.x.empty() != options.y.empty())
    fail(options.x.empty() ? "--y" : "--x", "given without {}; give a metric for each axis, or neither",
         options.x.empty() ? "--x" : "--y");
  const std::vector<PlotAxes> axes =
      options.x.empty() ? default_plot_axes(run) : std::vector<PlotAxes>{{options.x, options.y}};

  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  h += "<title>" + escape("hwnas report: " + run.name) + "</title>\n<style>" + kCss + "</style></head>\n<body><main>\n";
  h += "<header><div class=\"kicker\">hwnas search report</div><h1>" + escape(run.name) + "</h1>\n";
  h += fmt::format("<p class=\"sub\">space <b>{}</b> · strategy <b>{}</b>{} · folder <code>{}</code></p></header>\n",
                   escape(run.space.empty() ? "not recorded" : run.space), escape(run.strategy),
                   run.budget_seconds ? escape(fmt::format(" · time budget {} s", show(*run.budget_seconds))) : "",
                   escape(run.dir.string()));
  h += summary_cards(run);
  if (run.comparison) h += comparison_section(*run.comparison);
  h += deployment_section(run.deployments);
  h += setup_section(run) + plots_section(run, axes) + failed_section(run) + trials_section(run) + sources_section(run);
  h += "<footer>Written by <code>hwnas report</code> (hwnas " + std::string(version()) +
       ") from the run's output files only; a self-contained "
       "page that needs no network.</footer>\n</main>\n<script>" +
       std::string(kSortJs) + "</script>\n</body></html>\n";
  return h;
}

std::filesystem::path write_report(const std::filesystem::path& dir, const ReportOptions& options) {
  const ExperimentOutput run = load_experiment_output(dir);
  const std::filesystem::path out = options.out.empty() ? dir / "report.html" : options.out;
  write_file_atomic(out, render_report(run, options));
  return out;
}

}  // namespace hwnas::report
