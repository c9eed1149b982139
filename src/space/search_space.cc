#include "hwnas/space/search_space.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"

namespace hwnas::space {
namespace {

constexpr double kNotANumber = std::numeric_limits<double>::quiet_NaN();

double parse_number(std::string_view label) {
  double v = 0;
  const auto [end, ec] = std::from_chars(label.data(), label.data() + label.size(), v);
  if (ec != std::errc() || end != label.data() + label.size() || label.empty()) return kNotANumber;
  return v;
}

std::vector<double> numeric_values(const Decision& d) {
  std::vector<double> v;
  v.reserve(d.choices.size());
  for (const auto& c : d.choices) v.push_back(parse_number(c));
  return v;
}

}  // namespace

int Decision::find(std::string_view label) const {
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i] == label) return static_cast<int>(i);
  return -1;
}

size_t ArchHash::operator()(const Arch& a) const {
  size_t h = 1469598103934665603ull;  // FNV-1a over the indices
  for (int c : a.choice) h = (h ^ static_cast<size_t>(c)) * 1099511628211ull;
  return h;
}

SearchSpace::SearchSpace(std::string name, std::vector<Decision> decisions)
    : name_(std::move(name)), decisions_(std::move(decisions)) {
  std::set<std::string_view> names;
  for (const auto& d : decisions_) {
    if (d.choices.empty()) fail(fmt::format("{}: {}", name_, d.name), "a decision needs at least one choice");
    if (!names.insert(d.name).second) fail(fmt::format("{}: {}", name_, d.name), "decision name is used twice");
    if (std::set<std::string_view>(d.choices.begin(), d.choices.end()).size() != d.choices.size())
      fail(fmt::format("{}: {}", name_, d.name), "choices {} repeat a label", d.choices);
    values_.push_back(numeric_values(d));
  }
  gates_.resize(decisions_.size());
  is_depth_.resize(decisions_.size());
}

int SearchSpace::decision_index(std::string_view name) const {
  for (int d = 0; d < num_decisions(); ++d)
    if (decisions_[d].name == name) return d;
  return -1;
}

void SearchSpace::gate(int d, int depth, int block) {
  if (depth < 0 || depth >= d || gates_[depth].depth >= 0)
    fail(fmt::format("{}: {}", name_, decisions_[d].name), "a gate must be an earlier, ungated decision (got index {})",
         depth);
  for (size_t c = 0; c < values_[depth].size(); ++c)
    if (std::isnan(values_[depth][c]))
      fail(fmt::format("{}: {}", name_, decisions_[depth].name), "a depth needs numeric choices, got '{}'",
           decisions_[depth].choices[c]);
  gates_[d] = {depth, block};
  is_depth_[depth] = true;
  update_depth_weights();
}

double SearchSpace::value(const Arch& a, int d) const {
  const double v = values_[d][a.choice[d]];
  if (std::isnan(v)) fail(fmt::format("{}: {}", name_, decisions_[d].name), "choice '{}' is not a number", label(a, d));
  return v;
}

bool SearchSpace::active(const Arch& a, int d) const {
  const Gate& g = gates_[d];
  return g.depth < 0 || value(a, g.depth) > g.block;
}

void SearchSpace::update_depth_weights() {
  depth_weights_.assign(decisions_.size(), {});
  for (int g = 0; g < num_decisions(); ++g) {
    if (!is_depth_[g]) continue;
    for (size_t c = 0; c < decisions_[g].choices.size(); ++c) {
      double w = 1;
      for (int d = g + 1; d < num_decisions(); ++d)
        if (gates_[d].depth == g && values_[g][c] > gates_[d].block)
          w *= static_cast<double>(decisions_[d].choices.size());
      depth_weights_[g].push_back(w);
    }
  }
}

double SearchSpace::size() const {
  // Gated decisions multiply into the weight of their depth's choices; the rest multiply.
  double n = 1;
  for (int d = 0; d < num_decisions(); ++d) {
    if (gates_[d].depth >= 0) continue;
    if (!is_depth_[d]) {
      n *= static_cast<double>(decisions_[d].choices.size());
      continue;
    }
    double sum = 0;
    for (double w : depth_weights_[d]) sum += w;
    n *= sum;
  }
  return n;
}

std::vector<Arch> SearchSpace::enumerate(size_t limit) const {
  const double n = size();
  if (n > static_cast<double>(limit))
    fail(name_,
         "has {:.6g} architectures, more than the enumeration limit of {}; sample instead, "
         "or restrict() decisions first",
         n, limit);
  std::vector<Arch> out;
  out.reserve(static_cast<size_t>(n));
  Arch a{std::vector<int>(decisions_.size(), 0)};
  // Depth-first over decisions in order; inactive ones stay at 0 (activity depends only on
  // earlier decisions), which gives each network once, in lexicographic order.
  auto rec = [&](auto&& self, int d) -> void {
    if (d == num_decisions()) {
      out.push_back(a);
      return;
    }
    if (!active(a, d)) {
      a.choice[d] = 0;
      self(self, d + 1);
      return;
    }
    for (size_t c = 0; c < decisions_[d].choices.size(); ++c) {
      a.choice[d] = static_cast<int>(c);
      self(self, d + 1);
    }
  };
  rec(rec, 0);
  return out;
}

Arch SearchSpace::sample(Rng& rng) const {
  Arch a{std::vector<int>(decisions_.size(), 0)};
  for (int d = 0; d < num_decisions(); ++d) {
    if (!active(a, d)) continue;
    const int n = static_cast<int>(decisions_[d].choices.size());
    if (!is_depth_[d]) {
      a.choice[d] = rng.uniform_int(n);
      continue;
    }
    // A depth is drawn in proportion to the networks behind it, so that every network is
    // equally likely.
    const std::vector<double>& weights = depth_weights_[d];
    double total = 0;
    for (double w : weights) total += w;
    double u = rng.uniform() * total;
    int c = 0;
    while (c + 1 < n && u >= weights[c]) u -= weights[c++];
    a.choice[d] = c;
  }
  return a;
}

Arch SearchSpace::mutate(const Arch& a, Rng& rng) const {
  check(a);
  std::vector<int> candidates;
  for (int d = 0; d < num_decisions(); ++d)
    if (decisions_[d].choices.size() > 1 && active(a, d)) candidates.push_back(d);
  if (candidates.empty()) fail(name_, "has a single architecture; there is nothing to mutate");
  const int d = candidates[rng.uniform_int(static_cast<int>(candidates.size()))];
  int c = rng.uniform_int(static_cast<int>(decisions_[d].choices.size()) - 1);
  if (c >= a.choice[d]) ++c;  // any choice but the current one, uniformly
  Arch m = a;
  m.choice[d] = c;
  return canonical(m);
}

std::vector<Arch> SearchSpace::neighbours(const Arch& a) const {
  check(a);
  std::vector<Arch> out;
  for (int d = 0; d < num_decisions(); ++d) {
    if (!active(a, d)) continue;
    for (size_t c = 0; c < decisions_[d].choices.size(); ++c) {
      if (static_cast<int>(c) == a.choice[d]) continue;
      Arch m = a;
      m.choice[d] = static_cast<int>(c);
      out.push_back(canonical(m));
    }
  }
  return out;
}

Arch SearchSpace::canonical(const Arch& a) const {
  check(a);
  Arch c = a;
  for (int d = 0; d < num_decisions(); ++d)
    if (!active(c, d)) c.choice[d] = 0;
  return c;
}

void SearchSpace::check(const Arch& a) const {
  if (a.choice.size() != decisions_.size())
    fail(name_, "architecture has {} choices, expected one per decision ({})", a.choice.size(), decisions_.size());
  for (int d = 0; d < num_decisions(); ++d) {
    const int n = static_cast<int>(decisions_[d].choices.size());
    if (a.choice[d] < 0 || a.choice[d] >= n)
      fail(fmt::format("{}: {}", name_, decisions_[d].name), "choice index {} is out of range 0..{}", a.choice[d],
           n - 1);
  }
}

std::string SearchSpace::to_string(const Arch& a) const {
  check(a);
  std::string s;
  for (int d = 0; d < num_decisions(); ++d) {
    if (!active(a, d)) continue;
    if (!s.empty()) s.push_back(',');
    s.append(decisions_[d].name).push_back('=');
    s.append(label(a, d));
  }
  return s;
}

void SearchSpace::fail_at(size_t pos, const std::string& message) const {
  throw Error(fmt::format("{}: position {}", name_, pos), message);
}

int SearchSpace::choice_at(int d, std::string_view label, size_t pos) const {
  const int c = decisions_[d].find(label);
  if (c < 0)
    fail_at(pos, fmt::format("'{}' has no choice '{}' (choices: {})", decisions_[d].name, label,
                             fmt::join(decisions_[d].choices, ", ")));
  return c;
}

Arch SearchSpace::parse(std::string_view s) const {
  Arch a{std::vector<int>(decisions_.size(), 0)};
  std::vector<size_t> given(decisions_.size(), std::string_view::npos);  // position, per decision
  size_t pos = 0;
  while (pos <= s.size() && !s.empty()) {
    size_t end = s.find(',', pos);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view token = s.substr(pos, end - pos);
    const size_t eq = token.find('=');
    if (eq == std::string_view::npos) fail_at(pos, fmt::format("expected name=choice, got '{}'", token));
    const std::string_view name = token.substr(0, eq);
    const int d = decision_index(name);
    if (d < 0) {
      std::vector<std::string_view> names;
      for (const auto& dec : decisions_) names.push_back(dec.name);
      fail_at(pos, fmt::format("unknown decision '{}' (decisions: {})", name, fmt::join(names, ", ")));
    }
    if (given[d] != std::string_view::npos)
      fail_at(pos, fmt::format("decision '{}' is given twice (first at position {})", name, given[d]));
    given[d] = pos;
    a.choice[d] = choice_at(d, token.substr(eq + 1), pos + eq + 1);
    pos = end + 1;
  }
  for (int d = 0; d < num_decisions(); ++d) {
    const bool is_active = active(a, d);
    if (is_active && given[d] == std::string_view::npos)
      fail(name_, "architecture '{}' does not set decision '{}' (choices: {})", s, decisions_[d].name,
           fmt::join(decisions_[d].choices, ", "));
    if (!is_active && given[d] != std::string_view::npos)
      fail_at(given[d], fmt::format("decision '{}' does not apply to this architecture (it is inactive); "
                                    "remove it",
                                    decisions_[d].name));
  }
  return a;
}

void SearchSpace::restrict(int d, const std::vector<std::string>& keep) {
  if (d < 0 || d >= num_decisions()) fail(name_, "restrict: no decision with index {}", d);
  Decision& dec = decisions_[d];
  for (const auto& k : keep)
    if (dec.find(k) < 0)
      fail(fmt::format("{}: {}", name_, dec.name), "cannot keep '{}': not a choice (choices: {})", k,
           fmt::join(dec.choices, ", "));
  std::vector<std::string> kept;
  for (const auto& c : dec.choices)
    if (std::find(keep.begin(), keep.end(), c) != keep.end()) kept.push_back(c);
  if (kept.empty()) fail(fmt::format("{}: {}", name_, dec.name), "restrict would leave no choice");
  dec.choices = std::move(kept);
  values_[d] = numeric_values(dec);
  update_depth_weights();
}

}  // namespace hwnas::space
