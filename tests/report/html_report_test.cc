#include "hwnas/report/html_report.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "nb201_run_fixture.h"
#include "testing.h"
#include "xml_check.h"

namespace hwnas::report {
namespace {

using hwnas::testing::temp_dir;
using testing::check_xml;
using testing::write_nb201_run;

TEST(HtmlReport, RendersAWellFormedSelfContainedPage) {
  const auto run = write_nb201_run(temp_dir());
  const auto page = write_report(run.dir);
  EXPECT_EQ(page, run.dir / "report.html");
  const std::string html = read_file(page);
  const auto xml = check_xml(html);
  ASSERT_EQ(xml.error, "");
  EXPECT_EQ(xml.elements.front().name, "html");
  // Nothing fetched: no external scripts, styles, images or fonts.
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // the SVG namespace only
  EXPECT_EQ(xml.all("svg").size(), 1u);                                      // two objectives: one plot
  EXPECT_NE(html.find("<h1>nb201-raspi4</h1>"), std::string::npos);
  EXPECT_NE(html.find("evolution (seed: 1, population: 50)"), std::string::npos);
}

// The main sections keep their ids: links (report.html#pareto) and scripts/check_report.sh,
// which checks the page as Chromium renders it, name them.
TEST(HtmlReport, MainSectionsHaveStableIds) {
  const auto run = write_nb201_run(temp_dir());
  const auto xml = check_xml(render_report(load_experiment_output(run.dir)));
  ASSERT_EQ(xml.error, "");
  std::vector<std::string> ids;
  for (const auto* s : xml.all("section"))
    if (s->attrs.count("id")) ids.push_back(s->attrs.at("id"));
  EXPECT_EQ(ids, (std::vector<std::string>{"summary", "objectives", "pareto", "failed", "trials", "sources"}));
}

// The deploy: step's folders, with the keys search_deploy_npu.cc and search_deploy.cc write, set
// side by side; a figure a report lacks shows as "-"; a broken report.json is named.
TEST(HtmlReport, DeploymentsAreSetSideBySide) {
  const auto run = write_nb201_run(temp_dir());
  std::filesystem::create_directories(run.dir / "deploy");
  std::filesystem::create_directories(run.dir / "deploy-baseline");
  write_file_atomic(run.dir / "deploy" / "report.json",
                    R"({"deployed": "least power_mw #4", "arch": "r160-w0.5", "map": {"fp32": {"map50": 0.17760095},
                        "int8": {"map50": 0.1706756}}, "predicted": {"latency_ms": 6.2404, "power_mw": 17.0123},
                        "placement": {"nodes": 320, "on_primary": 320}})");
  write_file_atomic(run.dir / "deploy-baseline" / "report.json",
                    R"({"deployed": "baseline", "arch": "r160-w1.0", "accuracy": {"fp32": {"top1": 91.5},
                        "int8": {"top1": 91.25}}})");
  const std::string html = render_report(load_experiment_output(run.dir));
  ASSERT_EQ(check_xml(html).error, "");
  const size_t at = html.find("<section id=\"deploy\">");
  ASSERT_NE(at, std::string::npos);
  const std::string s = html.substr(at, html.find("</section>", at) - at);
  EXPECT_NE(s.find("<td>mAP@0.5 0.1776</td><td>mAP@0.5 0.1707</td><td class=\"n\">6.240</td>"
                   "<td class=\"n\">17.0</td><td class=\"n\">320 of 320</td>"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("<td>top-1 91.50%</td><td>top-1 91.25%</td><td class=\"n\">-</td><td class=\"n\">-</td>"
                   "<td class=\"n\">-</td>"),
            std::string::npos)
      << s;
  EXPECT_LT(s.find("<code>deploy/</code>"), s.find("<code>deploy-baseline/</code>"));

  write_file_atomic(run.dir / "deploy" / "report.json", "{\"deployed\": ");
  try {
    load_experiment_output(run.dir);
    ADD_FAILURE() << "a truncated report.json was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("deploy/report.json: not valid JSON"), std::string::npos) << e.what();
  }
}

TEST(HtmlReport, PlotsEveryEvaluatedTrialWithTheFrontHighlighted) {
  const auto run = write_nb201_run(temp_dir());
  const auto xml = check_xml(render_report(load_experiment_output(run.dir)));
  ASSERT_EQ(xml.error, "");
  // Circles: one per non-failed trial, plus 3 legend swatches (trials, infeasible, front).
  EXPECT_EQ(xml.all("circle").size(), 300u - 6u + 3u);
  int front_dots = 0, tooltips_on_front = 0;
  for (const auto* c : xml.all("circle")) front_dots += c->attrs.count("r") && c->attrs.at("r") == "4.5";
  for (const auto* t : xml.all("title")) tooltips_on_front += t->text.find("(Pareto front)") != std::string::npos;
  EXPECT_EQ(front_dots, static_cast<int>(run.front.size()) + 1);
  EXPECT_EQ(tooltips_on_front, static_cast<int>(run.front.size()));
  // With two objectives every front member is on the step line: one H and one V per step.
  const auto paths = xml.all("path");
  ASSERT_EQ(paths.size(), 1u);
  const std::string d = paths[0]->attrs.at("d");
  EXPECT_EQ(std::count(d.begin(), d.end(), 'H'), static_cast<long>(run.front.size()) - 1);
  // The latency limit (30 ms, hard) is a dashed vertical line with the right side shaded.
  int dashed_vertical = 0;
  for (const auto* l : xml.all("line"))
    dashed_vertical += l->attrs.count("stroke-dasharray") && l->attrs.at("x1") == l->attrs.at("x2") &&
                       l->attrs.at("y1") != l->attrs.at("y2");
  EXPECT_EQ(dashed_vertical, 1);
  bool legend = false;
  for (const auto* t : xml.all("text")) legend |= t->text == "latency_ms &lt;= 30 (hard)";
  EXPECT_TRUE(legend);
  bool axis_label = false;
  for (const auto* t : xml.all("text")) axis_label |= t->text == "latency (ms)";
  EXPECT_TRUE(axis_label);
}

// The rows of the trial table (the sortable one), as (id, has front class).
std::vector<std::pair<std::string, bool>> trial_rows(const testing::XmlCheck& xml) {
  std::vector<std::pair<std::string, bool>> rows;
  bool in_sortable = false;
  int table_depth = -1;
  for (size_t i = 0; i < xml.elements.size(); ++i) {
    const auto& e = xml.elements[i];
    if (e.name == "table") {
      in_sortable = e.attrs.count("class") && e.attrs.at("class") == "sortable";
      table_depth = e.depth;
    } else if (in_sortable && e.name == "tr" && e.depth == table_depth + 2 && i + 1 < xml.elements.size() &&
               xml.elements[i + 1].name == "td") {
      rows.emplace_back(xml.elements[i + 1].text, e.attrs.count("class") > 0);
    }
  }
  return rows;
}

TEST(HtmlReport, TrialTableListsTheFrontFirstThenTheRestById) {
  const auto run = write_nb201_run(temp_dir());
  const auto xml = check_xml(render_report(load_experiment_output(run.dir)));
  ASSERT_EQ(xml.error, "");
  const auto rows = trial_rows(xml);
  ASSERT_EQ(rows.size(), 300u);
  for (size_t i = 0; i < run.front.size(); ++i) {
    EXPECT_EQ(rows[i].first, std::to_string(run.front[i]));
    EXPECT_TRUE(rows[i].second);
  }
  EXPECT_FALSE(rows[run.front.size()].second);
  EXPECT_EQ(rows.back().first, "300");
}

TEST(HtmlReport, SummaryShowsBestTrialsFailuresAndSources) {
  const auto run = write_nb201_run(temp_dir());
  const std::string html = render_report(load_experiment_output(run.dir));
  const auto& best = run.by_id(run.best_accuracy_id);
  // Best accuracy card: the fixture's brute-force best, two decimals, with its arch string.
  EXPECT_NE(html.find(fmt::format("<div class=\"v\">{:.2f}</div>", best.accuracy)), std::string::npos);
  EXPECT_NE(html.find(fmt::format("trial {} · looked up (table nb201_cifar10.csv:test_acc_200ep)", best.id)),
            std::string::npos);
  // Best latency: below 1 ms the page shows 3 significant digits (NB201 cells of mostly
  // "none" edges run in ~0.01 ms on the Pi 4), else 2 decimals.
  const double fastest = run.by_id(run.best_latency_id).latency_ms;
  const std::string shown = fastest < 1 ? fmt::format("{:.3g}", fastest) : fmt::format("{:.2f}", fastest);
  EXPECT_NE(html.find("<div class=\"v\">" + shown + " ms</div>"), std::string::npos) << shown;
  EXPECT_NE(html.find("<div class=\"v\">300 of 300</div>"), std::string::npos);
  EXPECT_NE(html.find(fmt::format("{} ok · {} infeasible · 6 failed · 0 skipped on cheap metrics", run.count("ok"),
                                  run.count("infeasible"))),
            std::string::npos);
  EXPECT_NE(html.find("<h2>Failed trials (6)</h2>"), std::string::npos);
  EXPECT_NE(html.find("evaluation timed out after 60 s"), std::string::npos);
  EXPECT_NE(html.find("looked up (table nb201_latency.csv:raspi4_latency_ms)"), std::string::npos);
  EXPECT_NE(html.find("trials.csv (300 rows), pareto.csv"), std::string::npos);
}

TEST(HtmlReport, ChosenAxesAndEscaping) {
  const auto run = write_nb201_run(temp_dir(), 60);
  // A hostile run name and error text must come out escaped.
  std::string yaml = read_file(run.dir / "experiment.yaml");
  yaml.replace(0, yaml.find('\n'), "name: \"<script>alert('x')</script> & co\"");
  write_file_atomic(run.dir / "experiment.yaml", yaml);
  const auto out = run.dir / "sub.html";
  write_report(run.dir, {.out = out, .x = "flops_M", .y = "accuracy"});
  const std::string html = read_file(out);
  ASSERT_EQ(check_xml(html).error, "");
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find(">flops (M)</text>"), std::string::npos);
  // flops_M has a soft limit (150): drawn, with its own legend; no step line? accuracy is an
  // objective but flops_M is not, so the pair has no goal on x.
  EXPECT_NE(html.find("flops_M &lt;= 150 (soft, weight 0.01)"), std::string::npos);
  EXPECT_NE(html.find("no step line"), std::string::npos);
}

TEST(HtmlReport, ARunWithNoTrialsYetStillGetsAPage) {
  const auto run = write_nb201_run(temp_dir(), 5);
  const std::string trials = read_file(run.dir / "trials.csv");
  write_file_atomic(run.dir / "trials.csv", trials.substr(0, trials.find('\n') + 1));  // header only
  std::filesystem::remove(run.dir / "pareto.csv");
  std::filesystem::remove(run.dir / "best.json");
  const std::string html = read_file(write_report(run.dir));
  const auto xml = check_xml(html);
  ASSERT_EQ(xml.error, "");
  EXPECT_TRUE(xml.all("svg").empty());
  EXPECT_NE(html.find("No trial has values for both latency_ms and accuracy yet."), std::string::npos);
  EXPECT_NE(html.find("<div class=\"v\">0 of 300</div>"), std::string::npos);
  EXPECT_NE(html.find("no ok trial yet"), std::string::npos);
}

TEST(HtmlReport, BadOptionsAreNamed) {
  const auto run = write_nb201_run(temp_dir(), 20);
  EXPECT_HWNAS_ERROR(write_report(run.dir, {.x = "flops_M"}), "--x: given without --y");
  EXPECT_HWNAS_ERROR(write_report(run.dir, {.x = "flops", .y = "accuracy"}),
                     "'flops' is not a metric of this run (metrics: accuracy, latency_ms, flops_M)");
  EXPECT_HWNAS_ERROR(write_report(run.dir / "missing"), "no such directory");
}

}  // namespace
}  // namespace hwnas::report
