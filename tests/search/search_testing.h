#pragma once
// Test fixtures of the search module: small spaces, NB201 metrics read from the shared
// tables, and an ask/tell loop that applies cheap metrics the way the experiment runner does
// (a candidate the cheap metrics reject is told Infeasible and costs no budget).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/models/nb201.h"
#include "hwnas/search/factory.h"
#include "hwnas/search/pareto.h"
#include "hwnas/space/search_space.h"
#include "testing.h"

namespace hwnas::search::testing {

// `decisions` decisions "d0", "d1", ... with `choices` choices labelled "0", "1", ...
class ToySpace : public space::SearchSpace {
 public:
  ToySpace(int decisions, int choices) : SearchSpace("toy", make(decisions, choices)) {}
  ir::Graph decode(const space::Arch&) const override { fail("toy", "toy archs have no graph"); }
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<ToySpace>(*this); }

 private:
  static std::vector<space::Decision> make(int decisions, int choices) {
    std::vector<space::Decision> ds(decisions);
    for (int d = 0; d < decisions; ++d) {
      ds[d].name = "d" + std::to_string(d);
      for (int c = 0; c < choices; ++c) ds[d].choices.push_back(std::to_string(c));
    }
    return ds;
  }
};

// NB201's 6 edges x 5 ops, choice index = models::Nb201Op, strings in NB201's own form.
class Nb201TableSpace : public space::SearchSpace {
 public:
  Nb201TableSpace() : SearchSpace("nb201-table", make()) {}
  std::string to_string(const space::Arch& a) const override {
    models::Nb201Cell cell;
    for (int e = 0; e < 6; ++e) cell[e] = static_cast<models::Nb201Op>(a.choice[e]);
    return models::nb201_string(cell);
  }
  space::Arch parse(std::string_view s) const override {
    models::Nb201Cell cell = models::parse_nb201(s);
    space::Arch a;
    for (auto op : cell) a.choice.push_back(static_cast<int>(op));
    return a;
  }
  ir::Graph decode(const space::Arch&) const override { fail("nb201-table", "no graph in tests"); }
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<Nb201TableSpace>(*this); }

 private:
  static std::vector<space::Decision> make() {
    std::vector<space::Decision> ds(6);
    for (int e = 0; e < 6; ++e) {
      ds[e].name =
          "edge_" + std::to_string(models::kNb201Edges[e].to) + "_" + std::to_string(models::kNb201Edges[e].from);
      for (int op = 0; op < models::kNb201NumOps; ++op)
        ds[e].choices.emplace_back(models::nb201_op_name(static_cast<models::Nb201Op>(op)));
    }
    return ds;
  }
};

// One metric column of an NB201 table, keyed by arch string.
inline std::unordered_map<std::string, double> nb201_column(const std::string& file, const std::string& column) {
  core::CsvTable t = core::read_csv(hwnas::testing::shared_data() / "nb201" / file);
  int key = t.column("arch_str"), col = t.column(column);
  std::unordered_map<std::string, double> m;
  for (size_t r = 0; r < t.rows.size(); ++r)
    if (auto v = t.number_or_empty(r, col)) m[t.rows[r][key]] = *v;
  return m;
}

using Evaluate = std::function<Trial(const space::Arch&)>;

// Asks and tells until `budget` Ok/Failed trials or the strategy is done; returns every
// trial told, Infeasible ones included (those cost nothing).
inline std::vector<Trial> run(Strategy& s, const SearchProblem& p, const Evaluate& evaluate, int budget) {
  std::vector<Trial> told;
  int spent = 0;
  while (spent < budget) {
    auto a = s.ask();
    if (!a) break;
    Trial t;
    std::optional<std::map<std::string, double>> cheap;
    if (p.cheap) cheap = p.cheap(*a);
    if (p.cheap && !cheap) {
      t.arch = *a;
      t.status = TrialStatus::Infeasible;
    } else {
      t = evaluate(*a);
      t.arch = *a;
      if (cheap) t.metrics.insert(cheap->begin(), cheap->end());
      ++spent;
    }
    t.id = static_cast<int64_t>(told.size());
    t.arch_str = p.space->to_string(*a);
    s.tell(t);
    told.push_back(t);
  }
  return told;
}

// A problem without cheap metrics (designated initialisers would warn about the missing field).
inline SearchProblem problem(const space::SearchSpace& space, std::vector<Objective> objectives, int budget = 100) {
  SearchProblem p;
  p.space = &space;
  p.objectives = std::move(objectives);
  p.budget = budget;
  return p;
}

inline StrategyConfig config(std::string name, uint64_t seed = 0, std::map<std::string, double> params = {}) {
  StrategyConfig c;
  c.name = std::move(name);
  c.seed = seed;
  c.params = std::move(params);
  return c;
}

inline Trial ok_trial(std::map<std::string, double> metrics) {
  Trial t;
  t.metrics = std::move(metrics);
  return t;
}

}  // namespace hwnas::search::testing
