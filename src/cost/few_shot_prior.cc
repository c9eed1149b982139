#include "hwnas/cost/few_shot_prior.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/suggest.h"
#include "hwnas/cost/predictor_file.h"  // base64
#include "hwnas/learn/ridge.h"

namespace hwnas::cost {
namespace {

// A decision's kind: its name with every run of digits as '*' ("stage2.block1.kernel" ->
// "stage*.block*.kernel"), so that count keys add up over blocks but not over kinds.
std::string decision_kind(std::string_view name) {
  std::string kind;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) {
      kind += name[i];
    } else if (i == 0 || !std::isdigit(static_cast<unsigned char>(name[i - 1]))) {
      kind += '*';
    }
  }
  return kind;
}

// Two independent 64-bit streams (SplitMix64's finaliser on different seeds): a 128-bit
// signature, so two different live graphs of a space collide with probability ~2^-128.
struct Hasher {
  uint64_t a = 0x243f6a8885a308d3ull, b = 0x13198a2e03707344ull;
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  void add(uint64_t v) {
    a = mix(a ^ (v + 0x9e3779b97f4a7c15ull));
    b = mix(b + v * 0xff51afd7ed558ccdull + 0xc4ceb9fe1a85ec53ull);
  }
  void add(const ir::Shape& s) {
    add(static_cast<uint64_t>(s.rank()));
    for (int i = 0; i < s.rank(); ++i) add(static_cast<uint64_t>(s[i]));
  }
  void add(const ir::Attrs& t) {
    for (int v : {t.kernel_h,
                  t.kernel_w,
                  t.stride_h,
                  t.stride_w,
                  t.dilation_h,
                  t.dilation_w,
                  static_cast<int>(t.padding),
                  t.pad_top,
                  t.pad_left,
                  t.pad_bottom,
                  t.pad_right,
                  t.out_channels,
                  t.groups,
                  t.multiplier,
                  static_cast<int>(t.bias),
                  static_cast<int>(t.count_include_pad),
                  t.axis,
                  t.out_h,
                  t.out_w,
                  static_cast<int>(t.mode),
                  static_cast<int>(t.align_corners)})
      add(static_cast<uint64_t>(static_cast<int64_t>(v)));
    add(std::bit_cast<uint32_t>(t.epsilon));
    add(std::bit_cast<uint32_t>(t.value));
    add(t.shape);
  }
};

double dot(const std::vector<double>& w, const std::vector<double>& x, size_t offset = 0) {
  double s = 0;
  for (size_t j = 0; j < w.size(); ++j) s += w[j] * x[offset + j];
  return s;
}

std::vector<double> slice(const std::vector<double>& x, size_t offset, size_t size) {
  return {x.begin() + static_cast<std::ptrdiff_t>(offset), x.begin() + static_cast<std::ptrdiff_t>(offset + size)};
}

int column_or_suggest(const core::CsvTable& t, std::string_view name) {
  if (const auto c = t.find_column(name)) return *c;
  const std::string close = closest_match(name, t.header);
  fail(t.source, "no column '{}'{} (columns: {})", name,
       close.empty() ? "" : fmt::format(" (did you mean '{}'?)", close), fmt::join(t.header, ", "));
}

// The guard learn::ridge of the prior fits: negligible against thousands of rows, but it keeps a
// feature that no row of a table exercises at weight 0 instead of making the fit singular.
constexpr double kPriorGuard = 1e-6;

}  // namespace

// ---- features ----------------------------------------------------------------------------

ArchFeatures::ArchFeatures(const space::SearchSpace& space, ArchFeaturesOptions o)
    : space_(space.clone()), options_(o) {
  const auto& decisions = space_->decisions();
  std::vector<std::string> keys;
  names_.push_back("choices:bias");
  for (const space::Decision& d : decisions) {
    choice_column_.emplace_back(d.choices.size(), -1);
    count_key_.emplace_back(d.choices.size(), -1);
    for (size_t c = 1; c < d.choices.size(); ++c) {
      choice_column_.back()[c] = static_cast<int>(names_.size());
      names_.push_back(d.name + "=" + d.choices[c]);
      const std::string key = decision_kind(d.name) + "=" + d.choices[c];
      const auto it = std::find(keys.begin(), keys.end(), key);
      count_key_.back()[c] = static_cast<int>(it - keys.begin());
      if (it == keys.end()) keys.push_back(key);
    }
  }
  choices_size_ = names_.size();
  counts_size_ = 1 + keys.size();
  names_.push_back("counts:bias");
  for (const std::string& k : keys) names_.push_back("count:" + k);
  names_.push_back("live:bias");
  for (const std::string& k : keys) names_.push_back("live:" + k);
}

ArchFeatures::Signature ArchFeatures::live_signature(const space::Arch& a) {
  if (const auto it = signatures_.find(a); it != signatures_.end()) return it->second;
  const ir::Graph g = space_->decode(a);
  ++decodes_;
  const std::vector<bool> live = g.live();
  std::vector<int> renumbered(g.size(), -1);
  Hasher h;
  int next = 0;
  for (int id = 0; id < g.size(); ++id) {
    if (!live[id]) continue;
    renumbered[id] = next++;
    const ir::Node& n = g.node(id);
    h.add(static_cast<uint64_t>(n.op));
    h.add(static_cast<uint64_t>(n.dtype));
    h.add(n.shape);
    h.add(n.attrs);
    h.add(n.inputs.size());
    // A Zero node reads only its input's shape, so its input may be dead: -1 then.
    for (int in : n.inputs) h.add(static_cast<uint64_t>(static_cast<int64_t>(renumbered[in])));
  }
  for (int o : g.outputs()) h.add(static_cast<uint64_t>(renumbered[o]));
  if (signatures_.size() >= options_.cache_limit) signatures_.clear();
  return signatures_[a] = {h.a, h.b};
}

std::vector<double> ArchFeatures::of(const space::Arch& arch) {
  const space::Arch a = space_->canonical(arch);  // also checks the indices
  if (const auto it = features_.find(a); it != features_.end()) return it->second;
  std::vector<double> f(names_.size(), 0.0);
  f[0] = 1;
  f[counts_offset()] = 1;
  f[live_offset()] = 1;
  const Signature whole = live_signature(a);
  for (int d = 0; d < space_->num_decisions(); ++d) {
    const int c = a.choice[d];
    if (c == 0) continue;
    f[choice_column_[d][c]] = 1;
    const size_t key = 1 + static_cast<size_t>(count_key_[d][c]);
    f[counts_offset() + key] += 1;
    space::Arch reference = a;
    reference.choice[d] = 0;
    if (!(live_signature(reference) == whole)) f[live_offset() + key] += 1;
  }
  if (features_.size() >= options_.cache_limit) features_.clear();
  return features_[a] = f;
}

// ---- prior -------------------------------------------------------------------------------

std::vector<std::string> default_prior_columns(const core::CsvTable& table, std::string_view target) {
  std::vector<std::string> out;
  for (const std::string& c : table.header)
    if (c != target && c.size() >= 10 && c.ends_with("latency_ms")) out.push_back(c);
  return out;
}

DevicePrior fit_prior(const core::CsvTable& table, ArchFeatures& features, std::string_view arch_column,
                      const std::vector<std::string>& columns) {
  if (columns.empty())
    fail(table.source, "no prior device columns (a prior needs at least one other device's latencies)");
  const int arch = column_or_suggest(table, arch_column);
  std::vector<int> cols;
  for (const std::string& c : columns) cols.push_back(column_or_suggest(table, c));
  std::vector<std::vector<double>> x;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    try {
      x.push_back(features.of(features.space().parse(table.rows[r][arch])));
    } catch (const Error& e) {
      throw e.within(fmt::format("{}:{}: column '{}' (is this a table of the {} space?)", table.source,
                                 table.line_of(r), table.header[arch], features.space().name()));
    }
  }
  DevicePrior prior{features.space().name(), table.source, {}};
  const size_t nc = features.choices_size(), nk = features.counts_size();
  for (size_t k = 0; k < cols.size(); ++k) {
    PriorDevice d;
    d.column = columns[k];
    std::vector<size_t> rows;
    std::vector<double> y;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto v = table.number_or_empty(r, cols[k]);
      if (!v) continue;
      if (!(*v > 0) || !std::isfinite(*v))
        fail(fmt::format("{}:{}", table.source, table.line_of(r)), "column '{}': latency {} ms is not positive",
             d.column, *v);
      rows.push_back(r);
      y.push_back(*v);
    }
    if (rows.empty()) fail(table.source, "column '{}' has no latencies to learn a prior from", d.column);
    d.rows = static_cast<int>(rows.size());
    for (double v : y) d.mean_ms += v / static_cast<double>(y.size());
    for (double& v : y) v /= d.mean_ms;
    auto fit = [&](size_t offset, size_t size) {
      learn::RidgeRows m;
      for (size_t r : rows) m.push_back(slice(x[r], offset, size));
      return learn::ridge(m, y, kPriorGuard, std::vector<double>(size, 0.0));
    };
    d.choices = fit(0, nc);
    d.counts = fit(features.counts_offset(), nk);
    d.live = fit(features.live_offset(), nk);
    {  // joint: choices and live counts together (the live bias is the choices bias)
      learn::RidgeRows m;
      for (size_t r : rows) {
        std::vector<double> z = slice(x[r], 0, nc);
        for (size_t j = 1; j < nk; ++j) z.push_back(x[r][features.live_offset() + j]);
        m.push_back(std::move(z));
      }
      const std::vector<double> w = learn::ridge(m, y, kPriorGuard, std::vector<double>(nc + nk - 1, 0.0));
      d.joint.assign(features.names().size(), 0.0);
      std::copy(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(nc), d.joint.begin());
      for (size_t j = 1; j < nk; ++j) d.joint[features.live_offset() + j] = w[nc + j - 1];
    }
    auto mse = [&](const std::vector<double>& w, size_t offset) {
      double sum = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        const double r = dot(w, x[rows[i]], offset) - y[i];
        sum += r * r;
      }
      return sum / static_cast<double>(rows.size());
    };
    d.counts_mse = mse(d.counts, features.counts_offset());
    d.live_mse = mse(d.live, features.live_offset());
    prior.devices.push_back(std::move(d));
  }
  return prior;
}

// ---- few-shot fit ------------------------------------------------------------------------

namespace {

// The mean of `weights` over the prior devices of one kind (compiled: live counts describe it
// better than counts), or over all of them when none is of that kind.
std::vector<double> kind_centre(const DevicePrior& prior, std::vector<double> PriorDevice::*weights, bool compiled) {
  std::vector<const PriorDevice*> kind;
  for (const PriorDevice& d : prior.devices)
    if (d.compiled() == compiled) kind.push_back(&d);
  if (kind.empty())
    for (const PriorDevice& d : prior.devices) kind.push_back(&d);
  std::vector<double> centre((kind.front()->*weights).size(), 0.0);
  for (const PriorDevice* d : kind)
    for (size_t j = 0; j < centre.size(); ++j) centre[j] += (d->*weights)[j] / static_cast<double>(kind.size());
  return centre;
}

// One candidate: w = sum_j v_j basis_j over the whole feature vector, v by learn::ridge toward `centre`.
struct Candidate {
  std::string name;
  std::vector<std::vector<double>> basis;  // each over ArchFeatures::names()
  std::vector<double> centre;              // one per basis vector
  const std::vector<double>* lambdas;
};

// `block` (size n at `offset`) as a vector over all features.
std::vector<double> widen(const std::vector<double>& block, size_t offset, size_t total) {
  std::vector<double> w(total, 0.0);
  std::copy(block.begin(), block.end(), w.begin() + static_cast<std::ptrdiff_t>(offset));
  return w;
}

// A learn::ridge over the unit vectors of one block (a free weight per feature) toward `centre`.
Candidate free_block(std::string name, size_t offset, const std::vector<double>& centre, size_t total,
                     const std::vector<double>& lambdas) {
  Candidate c{std::move(name), {}, centre, &lambdas};
  for (size_t j = 0; j < centre.size(); ++j) {
    c.basis.emplace_back(total, 0.0);
    c.basis.back()[offset + j] = 1;
  }
  return c;
}

// A learn::ridge over the prior devices' models of one map, centred on their even mix.
Candidate blend(std::string name, const DevicePrior& prior, std::vector<double> PriorDevice::*weights, size_t offset,
                size_t total, const std::vector<double>& lambdas) {
  Candidate c{std::move(name), {}, {}, &lambdas};
  for (const PriorDevice& d : prior.devices) {
    c.basis.push_back(widen(d.*weights, offset, total));
    c.centre.push_back(1.0 / static_cast<double>(prior.devices.size()));
  }
  return c;
}

std::vector<Candidate> candidates(const DevicePrior& prior, const ArchFeatures& f, const PriorFitOptions& o) {
  const size_t total = f.names().size();
  std::vector<Candidate> c;
  c.push_back(blend("blend", prior, &PriorDevice::choices, 0, total, o.blend_lambdas));
  c.push_back(free_block("live", f.live_offset(), kind_centre(prior, &PriorDevice::live, true), total, o.live_lambdas));
  c.push_back(
      free_block("counts", f.counts_offset(), kind_centre(prior, &PriorDevice::counts, false), total, o.count_lambdas));
  c.push_back(blend("live-blend", prior, &PriorDevice::live, f.live_offset(), total, o.blend_lambdas));
  c.push_back(blend("counts-blend", prior, &PriorDevice::counts, f.counts_offset(), total, o.blend_lambdas));
  for (const PriorDevice& d : prior.devices) {
    Candidate s{"scaled:" + d.column, {std::vector<double>(total, 0.0), d.joint}, {0.0, 1.0}, &o.scaled_lambdas};
    s.basis[0][0] = 1;  // choices:bias, the offset a
    c.push_back(std::move(s));
  }
  return c;
}

// Weights proportional to (min_j err_j / err_i)^2, summing to 1; when some errors are 0, those
// share everything.
std::vector<double> inverse_square_weights(const std::vector<double>& errors) {
  const double best = *std::min_element(errors.begin(), errors.end());
  std::vector<double> w;
  double sum = 0;
  for (double e : errors) {
    w.push_back(best > 0 ? (best / e) * (best / e) : (e == 0 ? 1.0 : 0.0));
    sum += w.back();
  }
  for (double& v : w) v /= sum;
  return w;
}

// The mixing weights of the candidates: inverse squared LOO error within each family (the name
// before ':', so the scaled:<k> candidates are one family), and between families by the
// inverse squared LOO error of each family's mix (its members' LOO residuals mixed the same
// way). A family of many similar candidates thus weighs as one: mixing all candidates flat
// let five scaled devices outvote the live form on compiled targets (NB201, seeds 1-20:
// mean 0.9344 flat, 0.9356 by family, and no seed under 0.93 instead of 2).
std::vector<double> mix_by_family(const std::vector<Candidate>& cands, const std::vector<learn::RidgeFit>& fits) {
  std::vector<std::string> families;
  std::vector<size_t> family_of;
  for (const Candidate& c : cands) {
    const std::string f = c.name.substr(0, c.name.find(':'));
    const auto it = std::find(families.begin(), families.end(), f);
    family_of.push_back(static_cast<size_t>(it - families.begin()));
    if (it == families.end()) families.push_back(f);
  }
  std::vector<double> alpha(cands.size(), 0.0), family_errors;
  for (size_t f = 0; f < families.size(); ++f) {
    std::vector<size_t> members;
    std::vector<double> errors;
    for (size_t c = 0; c < cands.size(); ++c)
      if (family_of[c] == f) {
        members.push_back(c);
        errors.push_back(fits[c].loo_mse);
      }
    const std::vector<double> within = inverse_square_weights(errors);
    double mse = 0;
    const size_t n = fits[members.front()].loo_residuals.size();
    for (size_t i = 0; i < n; ++i) {
      double r = 0;
      for (size_t m = 0; m < members.size(); ++m) r += within[m] * fits[members[m]].loo_residuals[i];
      mse += r * r / static_cast<double>(n);
    }
    family_errors.push_back(mse);
    for (size_t m = 0; m < members.size(); ++m) alpha[members[m]] = within[m];
  }
  const std::vector<double> between = inverse_square_weights(family_errors);
  for (size_t c = 0; c < cands.size(); ++c) alpha[c] *= between[family_of[c]];
  return alpha;
}

// The residual stage's floor on the linear prediction (units of mean_ms): a linear form can go
// to 0 or below far from its rows, where log(measured / linear) would mean nothing.
constexpr double kLinearFloor = 0.05;

// What the trees see of an architecture: its features and the log of the linear prediction
// (floored, units of mean_ms). The latter lets a split say "large models" in one step; on the
// NB201 n-sweep it gained 0.4-1.2 points within +-10% on edgegpu, raspi4 and s7.
std::vector<float> residual_row(const std::vector<double>& f, double linear) {
  std::vector<float> row(f.begin(), f.end());
  row.push_back(static_cast<float>(std::log(std::max(linear, kLinearFloor))));
  return row;
}

// The residual trees on log(y / linear prediction) of the fit's rows (y in units of the mean),
// or nothing when there are too few rows or CV sees no gain (m.residual_cv says which).
void fit_residual(FewShotModel& m, const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                  const learn::ResidualOptions& o) {
  std::vector<std::vector<float>> rows;
  std::vector<double> targets;
  for (size_t i = 0; i < x.size(); ++i) {
    const double linear = dot(m.weights, x[i]);
    rows.push_back(residual_row(x[i], linear));
    targets.push_back(std::log(y[i] / std::max(linear, kLinearFloor)));
  }
  m.residual = learn::BoostedResidual::fit(rows, targets, o, m.residual_cv);
  if (!m.residual && m.residual_cv.folds > 0)
    m.provenance["residual"] = {{"kept", false},
                                {"rows", m.residual_cv.rows},
                                {"cv_rms", m.residual_cv.cv_rms},
                                {"linear_rms", m.residual_cv.base_rms},
                                {"rounds", m.residual_cv.rounds},
                                {"depth", m.residual_cv.depth}};
}

}  // namespace

FewShotModel fit_few_shot(const DevicePrior& prior, ArchFeatures& features, const std::vector<space::Arch>& archs,
                          const std::vector<double>& measured_ms, const PriorFitOptions& o) {
  const char* where = "few-shot fit";
  if (archs.size() != measured_ms.size())
    fail(where, "{} architectures for {} measurements: they must match", archs.size(), measured_ms.size());
  if (archs.size() < 3)
    fail(where, "needs at least 3 measured architectures (leave-one-out chooses the learn::ridge strength), got {}",
         archs.size());
  if (prior.devices.empty()) fail(where, "the prior has no devices");
  if (prior.space != features.space().name())
    fail(where, "the prior was fitted on the {} space, the architectures are of {}", prior.space,
         features.space().name());
  const size_t nc = features.choices_size(), nk = features.counts_size(), total = features.names().size();
  for (const PriorDevice& d : prior.devices)
    if (d.choices.size() != nc || d.counts.size() != nk || d.live.size() != nk || d.joint.size() != total)
      fail(where, "prior device '{}' has weights for other features than the {} space's", d.column, prior.space);
  double mean = 0;
  for (size_t i = 0; i < measured_ms.size(); ++i) {
    if (!(measured_ms[i] > 0) || !std::isfinite(measured_ms[i]))
      fail(where, "measurement {} is {} ms; latencies must be positive and finite", i, measured_ms[i]);
    mean += measured_ms[i] / static_cast<double>(measured_ms.size());
  }
  std::vector<double> y;
  for (double v : measured_ms) y.push_back(v / mean);
  std::vector<std::vector<double>> x;
  for (const space::Arch& a : archs) x.push_back(features.of(a));

  const std::vector<Candidate> cands = candidates(prior, features, o);
  std::vector<learn::RidgeFit> fits;
  for (const Candidate& c : cands) {
    learn::RidgeRows rows;
    for (const auto& f : x) {
      std::vector<double> z;
      for (const auto& b : c.basis) z.push_back(dot(b, f));
      rows.push_back(std::move(z));
    }
    fits.push_back(learn::ridge_loo(rows, y, *c.lambdas, c.centre));
  }

  const std::vector<double> alpha = mix_by_family(cands, fits);
  FewShotModel m;
  m.space = prior.space;
  m.features = features.names();
  m.mean_ms = mean;
  m.weights.assign(total, 0.0);
  for (size_t c = 0; c < cands.size(); ++c) {
    m.candidates.push_back({cands[c].name, fits[c].lambda, fits[c].loo_mse, alpha[c]});
    for (size_t j = 0; j < cands[c].basis.size(); ++j)
      for (size_t e = 0; e < total; ++e) m.weights[e] += alpha[c] * fits[c].weights[j] * cands[c].basis[j][e];
  }
  nlohmann::json columns = nlohmann::json::array(), rows = nlohmann::json::array();
  for (const PriorDevice& d : prior.devices) {
    columns.push_back(d.column);
    rows.push_back(d.rows);
  }
  m.provenance = {{"prior", {{"file", prior.source}, {"columns", columns}, {"rows", rows}}},
                  {"samples", measured_ms.size()}};
  fit_residual(m, x, y, o.residual);
  return m;
}

std::string FewShotModel::source() const {
  // The provenance is free-form (a file may have been edited): only strings are quoted.
  auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  const nlohmann::json none;
  auto at = [&](const nlohmann::json& j, const char* key) -> const nlohmann::json& {
    return j.is_object() && j.contains(key) ? j.at(key) : none;
  };
  std::string what = "few-shot prior model";
  if (const auto& n = at(provenance, "samples"); !n.is_null()) what += ": " + text(n) + " measurements";
  if (const auto& c = at(at(provenance, "measurements"), "column"); !c.is_null()) what += " of " + text(c);
  if (const auto& cs = at(at(provenance, "prior"), "columns"); cs.is_array()) {
    std::vector<std::string> columns;
    for (const auto& c : cs) columns.push_back(text(c));
    what += fmt::format(", prior {}", fmt::join(columns, ", "));
  }
  if (residual) what += " + XGBoost residual (" + describe(residual_cv) + ")";
  return "predicted (" + what + ")";
}

double FewShotModel::predict_ms(const std::vector<double>& f) const { return predict_many_ms({f}).front(); }

std::vector<double> FewShotModel::predict_many_ms(const std::vector<std::vector<double>>& rows) const {
  std::vector<double> out;
  out.reserve(rows.size());
  for (const auto& f : rows) {
    if (f.size() != weights.size())
      fail("few-shot model", "{} features given, the model has {} weights", f.size(), weights.size());
    out.push_back(dot(weights, f));
  }
  if (!residual) {
    for (double& p : out) p *= mean_ms;
    return out;
  }
  std::vector<std::vector<float>> x;
  x.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) x.push_back(residual_row(rows[i], out[i]));
  const std::vector<double> r = residual->predict(x);
  for (size_t i = 0; i < out.size(); ++i) out[i] = mean_ms * std::max(out[i], kLinearFloor) * std::exp(r[i]);
  return out;
}

double FewShotModel::predict_ms(ArchFeatures& f, const space::Arch& a) const {
  if (f.names() != features)
    fail("few-shot model", "it was fitted on the features of the {} space, not those of {}", space, f.space().name());
  return predict_ms(f.of(a));
}

// ---- file --------------------------------------------------------------------------------

nlohmann::json to_json(const FewShotModel& m) {
  nlohmann::json c = nlohmann::json::array();
  for (const FewShotCandidate& x : m.candidates)
    c.push_back({{"name", x.name}, {"lambda", x.lambda}, {"loo_mse", x.loo_mse}, {"alpha", x.alpha}});
  nlohmann::json j = {{"format", kFewShotFormat}, {"version", m.residual ? 2 : 1}, {"space", m.space},
                      {"mean_ms", m.mean_ms},     {"features", m.features},        {"weights", m.weights},
                      {"candidates", c},          {"provenance", m.provenance}};
  if (m.residual) {
    const learn::BoostedShape& b = m.residual->shape();
    j["residual"] = {{"format", "xgboost-ubj-base64"},
                     {"model", base64_encode(m.residual->save())},
                     {"features", b.features},
                     {"rounds", b.rounds},
                     {"depth", b.depth},
                     {"learning_rate", b.learning_rate},
                     {"cv",
                      {{"folds", m.residual_cv.folds},
                       {"rows", m.residual_cv.rows},
                       {"rms", m.residual_cv.cv_rms},
                       {"linear_rms", m.residual_cv.base_rms}}}};
  }
  return j;
}

namespace {

// The "residual" section of a version-2 file; errors name the file and the key.
void residual_from_json(FewShotModel& m, const nlohmann::json& r, const std::string& source) {
  const std::string where = source + ": residual";
  auto need = [&](const nlohmann::json& j, const char* key, auto kind, const std::string& at) {
    if (!j.is_object() || !j.contains(key))
      fail(at, "missing key '{}' (refit the model with `hwnas predictor fit --prior`)", key);
    if (!(j.at(key).*kind)()) fail(at + "." + key, "is {}, of the wrong type", j.at(key).dump().substr(0, 40));
    return j.at(key);
  };
  using J = nlohmann::json;
  if (need(r, "format", &J::is_string, where) != "xgboost-ubj-base64")
    fail(where + ".format", "is {}, expected \"xgboost-ubj-base64\"", r.at("format").dump());
  learn::BoostedShape shape;
  shape.features = need(r, "features", &J::is_number_unsigned, where).get<size_t>();
  shape.rounds = need(r, "rounds", &J::is_number_integer, where).get<int>();
  shape.depth = need(r, "depth", &J::is_number_integer, where).get<int>();
  shape.learning_rate = need(r, "learning_rate", &J::is_number, where).get<double>();
  if (shape.features != m.features.size() + 1)
    fail(where + ".features", "is {}, expected {} (the model's {} features and its linear prediction)", shape.features,
         m.features.size() + 1, m.features.size());
  const J& cv = need(r, "cv", &J::is_object, where);
  m.residual_cv.folds = need(cv, "folds", &J::is_number_integer, where + ".cv").get<int>();
  m.residual_cv.rows = need(cv, "rows", &J::is_number_integer, where + ".cv").get<int>();
  m.residual_cv.cv_rms = need(cv, "rms", &J::is_number, where + ".cv").get<double>();
  m.residual_cv.base_rms = need(cv, "linear_rms", &J::is_number, where + ".cv").get<double>();
  m.residual_cv.rounds = shape.rounds;
  m.residual_cv.depth = shape.depth;
  m.residual_cv.learning_rate = shape.learning_rate;
  m.residual_cv.kept = true;
  const std::string bytes = base64_decode(need(r, "model", &J::is_string, where).get<std::string>(), where + ".model");
  m.residual = learn::BoostedResidual::load(bytes, shape, where + ".model");
}

}  // namespace

FewShotModel few_shot_from_json(const nlohmann::json& j, const std::string& source) {
  auto need = [&](const char* key) -> const nlohmann::json& {
    if (!j.is_object() || !j.contains(key)) fail(source, "missing key '{}' (is this a few-shot model file?)", key);
    return j.at(key);
  };
  if (need("format") != kFewShotFormat)
    fail(source + ": format", "is {}, expected \"{}\" (write one with `hwnas predictor fit --prior`)",
         need("format").dump(), kFewShotFormat);
  const nlohmann::json& version = need("version");
  if (version != 1 && version != 2)
    fail(source + ": version", "is {}; this hwnas reads versions 1 and 2 (refit the model)", version.dump());
  FewShotModel m;
  try {
    m.space = need("space").get<std::string>();
    m.mean_ms = need("mean_ms").get<double>();
    m.features = need("features").get<std::vector<std::string>>();
    m.weights = need("weights").get<std::vector<double>>();
    for (const auto& c : need("candidates"))
      m.candidates.push_back({c.at("name").get<std::string>(), c.at("lambda").get<double>(),
                              c.at("loo_mse").get<double>(), c.at("alpha").get<double>()});
    m.provenance = j.value("provenance", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    fail(source, "malformed few-shot model: {}", e.what());
  }
  if (m.features.size() != m.weights.size())
    fail(source + ": weights", "{} weights for {} features: they must match", m.weights.size(), m.features.size());
  if (!(m.mean_ms > 0) || !std::isfinite(m.mean_ms))
    fail(source + ": mean_ms", "is {}; it must be positive", m.mean_ms);
  for (double w : m.weights)
    if (!std::isfinite(w)) fail(source + ": weights", "has {}; weights must be finite", w);
  if (j.contains("residual")) {
    if (version == 1) fail(source + ": residual", "a version-1 file has no residual; its version should be 2");
    residual_from_json(m, j.at("residual"), source);
  }
  return m;
}

void save_few_shot(const FewShotModel& m, const std::filesystem::path& path) {
  write_file_atomic(path, to_json(m).dump(2) + "\n");
}

FewShotModel load_few_shot(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(path.string(), "not JSON: {}", e.what());
  }
  return few_shot_from_json(j, path.string());
}

bool is_few_shot_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  const nlohmann::json j = nlohmann::json::parse(read_file(path), nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("format") && j["format"] == kFewShotFormat;
}

// ---- evaluation --------------------------------------------------------------------------

std::vector<FewShotDraw> few_shot_prior_eval(const DevicePrior& prior, ArchFeatures& features,
                                             const std::vector<space::Arch>& archs, const std::vector<double>& measured,
                                             const std::vector<double>& macs, const FewShotOptions& o,
                                             const PriorFitOptions& fit) {
  if (archs.size() != measured.size())
    fail("few-shot evaluation", "{} architectures, {} measurements: they must match", archs.size(), measured.size());
  std::vector<std::vector<double>> x;
  for (const space::Arch& a : archs) x.push_back(features.of(a));
  return few_shot_draws(measured, macs, o, [&](const std::vector<size_t>& train) {
    std::vector<space::Arch> sample_archs;
    std::vector<double> sample_ms;
    for (size_t i : train) {
      sample_archs.push_back(archs[i]);
      sample_ms.push_back(measured[i]);
    }
    const FewShotModel m = fit_few_shot(prior, features, sample_archs, sample_ms, fit);
    return FewShotFit{m.predict_many_ms(x), m.candidates.front().lambda};
  });
}

}  // namespace hwnas::cost
