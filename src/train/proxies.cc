#include "hwnas/train/proxies.h"

#include <cmath>
#include <limits>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"

namespace hwnas::train {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// zero-cost-nas scores Conv2d and Linear weights only: here, the parameters of rank >= 2.
std::vector<torch::Tensor> weights_of(torch::nn::Module& m) {
  std::vector<torch::Tensor> w;
  for (const torch::Tensor& p : m.parameters())
    if (p.dim() >= 2) w.push_back(p);
  return w;
}

void zero_grads(torch::nn::Module& m) {
  for (torch::Tensor& p : m.parameters())
    if (p.grad().defined()) p.mutable_grad() = torch::Tensor();
}

void check_net(const ProxyNet& net, const char* proxy) {
  if (!net.module || !net.forward) fail(proxy, "was given an empty ProxyNet (no module or no forward pass)");
}

void check_batch(const torch::Tensor& x, const char* proxy) {
  if (!x.defined() || x.dim() != 4) fail(proxy, "needs an NHWC batch of rank 4");
  if (x.size(0) < 2) fail(proxy, "needs a batch of at least 2 examples (got {})", x.size(0));
}

// Restores a module's parameters and buffers (values and dtype) when it goes out of scope, so
// that synflow's in-place changes never leak, even when the forward pass throws.
class SavedState {
 public:
  explicit SavedState(torch::nn::Module& m) : m_(m) {
    torch::NoGradGuard no_grad;
    for (const torch::Tensor& p : m.parameters()) params_.push_back(p.detach().clone());
    for (const torch::Tensor& b : m.buffers()) buffers_.push_back(b.detach().clone());
    training_ = m.is_training();
  }
  ~SavedState() {
    torch::NoGradGuard no_grad;
    m_.to(params_.empty() ? torch::kFloat32 : params_.front().scalar_type());
    auto ps = m_.parameters();
    for (size_t i = 0; i < ps.size() && i < params_.size(); ++i) ps[i].copy_(params_[i]);
    auto bs = m_.buffers();
    for (size_t i = 0; i < bs.size() && i < buffers_.size(); ++i) bs[i].copy_(buffers_[i]);
    zero_grads(m_);
    m_.train(training_);
  }
  SavedState(const SavedState&) = delete;
  SavedState& operator=(const SavedState&) = delete;

 private:
  torch::nn::Module& m_;
  std::vector<torch::Tensor> params_, buffers_;
  bool training_ = true;
};

// The shared pass of naswot and jacob_cov: one forward in train mode with the activations kept
// and the input's gradient of the summed outputs.
struct InputPass {
  std::vector<torch::Tensor> activations;
  torch::Tensor input_grad;  // [N, H, W, C]
};

InputPass input_pass(const ProxyNet& net, const torch::Tensor& x, bool want_grad) {
  net.module->train();
  InputPass r;
  torch::Tensor xi = x.detach().clone().to(torch::kFloat32).requires_grad_(want_grad);
  torch::Tensor out = net.forward(xi, &r.activations);
  if (want_grad) {
    out.sum().backward();
    // No gradient at all when the outputs do not depend on the input (an NB201 cell cut off by
    // 'none' edges): a zero Jacobian.
    r.input_grad =
        xi.grad().defined() ? xi.grad().detach().to(torch::kFloat64) : torch::zeros_like(xi, torch::kFloat64);
    zero_grads(*net.module);
  }
  for (torch::Tensor& a : r.activations) a = a.detach();
  return r;
}

double naswot_of(const std::vector<torch::Tensor>& activations, int64_t n) {
  if (activations.empty()) fail("naswot", "the network has no activation op: there is no binary code to compare");
  // K = C C^T + (1 - C)(1 - C)^T summed over layers: agreements of the codes (Mellor's hook).
  torch::Tensor k = torch::zeros({n, n}, torch::kFloat64);
  for (const torch::Tensor& a : activations) {
    const torch::Tensor c = (a.reshape({n, -1}) > 0).to(torch::kFloat64);
    k += c.matmul(c.t()) + (1 - c).matmul((1 - c).t());
  }
  const auto [sign, logabs] = torch::linalg_slogdet(k);
  if (sign.item<double>() == 0) return kNegInf;
  return logabs.item<double>();
}

double jacob_cov_of(const torch::Tensor& input_grad) {
  const int64_t n = input_grad.size(0);
  const torch::Tensor j = input_grad.reshape({n, -1});
  const torch::Tensor centred = j - j.mean(1, /*keepdim=*/true);
  const torch::Tensor norms = centred.norm(2, 1);
  if ((norms == 0).any().item<bool>()) return kNegInf;
  const torch::Tensor unit = centred / norms.unsqueeze(1);
  const torch::Tensor corr = unit.matmul(unit.t());  // numpy.corrcoef of the rows
  const torch::Tensor v = torch::linalg_eigvalsh(corr);
  constexpr double k = 1e-5;
  return -(torch::log(v + k) + 1.0 / (v + k)).sum().item<double>();
}

// The shared pass of snip and grad_norm: mean cross-entropy of the batch, backward.
std::vector<torch::Tensor> loss_grads(const ProxyNet& net, const ProxyBatch& b, const char* proxy) {
  check_batch(b.x, proxy);
  if (!b.y.defined() || b.y.dim() != 1 || b.y.size(0) != b.x.size(0))
    fail(proxy, "needs one label per example (got {} labels for {} examples)", b.y.defined() ? b.y.numel() : 0,
         b.x.size(0));
  net.module->train();
  zero_grads(*net.module);
  const torch::Tensor out = net.forward(b.x.to(torch::kFloat32), nullptr);
  const int64_t k = out.size(1);
  const int64_t ymax = b.y.max().item<int64_t>(), ymin = b.y.min().item<int64_t>();
  if (ymin < 0 || ymax >= k)
    fail(proxy, "a label ({}) is outside the network's {} outputs: the dataset has more classes than the network",
         ymin < 0 ? ymin : ymax, k);
  torch::nn::functional::cross_entropy(out, b.y.to(torch::kInt64)).backward();
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& w : weights_of(*net.module))
    grads.push_back(w.grad().defined() ? w.grad().detach().clone() : torch::zeros_like(w));
  zero_grads(*net.module);
  return grads;
}

double snip_of(const ProxyNet& net, const std::vector<torch::Tensor>& grads) {
  const std::vector<torch::Tensor> w = weights_of(*net.module);
  double s = 0;
  for (size_t i = 0; i < w.size(); ++i) s += (w[i].detach() * grads[i]).abs().sum().to(torch::kFloat64).item<double>();
  return s;
}

double grad_norm_of(const std::vector<torch::Tensor>& grads) {
  double s = 0;
  for (const torch::Tensor& g : grads) s += g.to(torch::kFloat64).norm().item<double>();
  return s;
}

std::vector<int64_t> input_shape_of(const ir::Graph& g) {
  const std::vector<int> in = g.inputs();
  if (in.size() != 1) fail("graph " + g.name(), "has {} inputs; the proxies score one-input networks", in.size());
  const ir::Shape& s = g.node(in[0]).shape;
  if (s.rank() != 4) fail("graph " + g.name(), "has an input of rank {}; the proxies need an NHWC image", s.rank());
  return {1, s.h(), s.w(), s.c()};
}

}  // namespace

ProxyBatch to_tensors(const data::Batch& b) {
  const auto& s = b.shape;
  if (static_cast<int64_t>(b.x.size()) != int64_t{s[0]} * s[1] * s[2] * s[3] || static_cast<int>(b.y.size()) != s[0])
    fail("batch", "holds {} values and {} labels, its shape [{}, {}, {}, {}] says otherwise", b.x.size(), b.y.size(),
         s[0], s[1], s[2], s[3]);
  ProxyBatch r;
  r.x = torch::tensor(b.x, torch::kFloat32).reshape({s[0], s[1], s[2], s[3]});
  r.y = torch::tensor(std::vector<int64_t>(b.y.begin(), b.y.end()), torch::kInt64);
  return r;
}

double synflow(const ProxyNet& net, const std::vector<int64_t>& input_shape) {
  check_net(net, "synflow");
  SavedState saved(*net.module);
  {
    torch::NoGradGuard no_grad;
    net.module->to(torch::kFloat64);
    for (torch::Tensor& p : net.module->parameters()) p.abs_();
  }
  net.module->eval();
  zero_grads(*net.module);
  const torch::Tensor ones = torch::ones(input_shape, torch::kFloat64);
  net.forward(ones, nullptr).sum().backward();
  double s = 0;
  for (const torch::Tensor& w : weights_of(*net.module))
    if (w.grad().defined()) s += (w.detach() * w.grad()).abs().sum().item<double>();
  return s;
}

double naswot(const ProxyNet& net, const torch::Tensor& x) {
  check_net(net, "naswot");
  check_batch(x, "naswot");
  torch::NoGradGuard no_grad;
  return naswot_of(input_pass(net, x, false).activations, x.size(0));
}

double jacob_cov(const ProxyNet& net, const torch::Tensor& x) {
  check_net(net, "jacob_cov");
  check_batch(x, "jacob_cov");
  return jacob_cov_of(input_pass(net, x, true).input_grad);
}

double snip(const ProxyNet& net, const ProxyBatch& batch) {
  check_net(net, "snip");
  return snip_of(net, loss_grads(net, batch, "snip"));
}

double grad_norm(const ProxyNet& net, const ProxyBatch& batch) {
  check_net(net, "grad_norm");
  return grad_norm_of(loss_grads(net, batch, "grad_norm"));
}

double params_m(const ir::Graph& g) { return static_cast<double>(ir::compute_stats(g).params) / 1e6; }
double macs_m(const ir::Graph& g) { return static_cast<double>(ir::compute_stats(g).macs) / 1e6; }

const std::vector<ProxyInfo>& proxy_table() {
  static const std::vector<ProxyInfo> table = {
      {"synflow", false, "sum |theta * dR/dtheta|, |weights|, all-ones input, double (Tanaka et al. 2020)"},
      {"naswot", true, "log|det K_H| of the ReLU codes' agreement kernel (Mellor et al. 2021)"},
      {"jacob_cov", true, "-sum(log(v+k)+1/(v+k)), v: eigenvalues of the input-Jacobian correlation (Mellor 2021 v1)"},
      {"snip", true, "sum |theta * dL/dtheta|, L cross-entropy of the batch (Lee et al. 2019)"},
      {"grad_norm", true, "sum over weights of ||dL/dW||_2 (Abdelfattah et al. 2021)"},
      {"params", false, "parameters, millions (ir::compute_stats)"},
      {"macs", false, "multiply-accumulates, millions (ir::compute_stats)"},
  };
  return table;
}

const ProxyInfo& proxy_info(const std::string& name) {
  for (const ProxyInfo& p : proxy_table())
    if (p.name == name) return p;
  std::vector<std::string> names;
  for (const ProxyInfo& p : proxy_table()) names.push_back(p.name);
  fail("proxy '" + name + "'", "is not a zero-cost proxy hwnas knows; use one of {}", fmt::join(names, ", "));
}

std::vector<double> score_proxies(const ProxyNet& net, const ir::Graph& graph, const std::vector<std::string>& names,
                                  const ProxyBatch& batch) {
  check_net(net, "proxies");
  auto wants = [&](std::string_view n) {
    for (const std::string& x : names)
      if (x == n) return true;
    return false;
  };
  for (const std::string& n : names) {
    if (proxy_info(n).needs_data) check_batch(batch.x, n.c_str());
  }
  InputPass input;
  if (wants("naswot") || wants("jacob_cov")) input = input_pass(net, batch.x, wants("jacob_cov"));
  std::vector<torch::Tensor> grads;
  if (wants("snip") || wants("grad_norm")) grads = loss_grads(net, batch, wants("snip") ? "snip" : "grad_norm");
  std::vector<double> out;
  for (const std::string& n : names) {
    if (n == "synflow") out.push_back(synflow(net, input_shape_of(graph)));
    else if (n == "naswot") out.push_back(naswot_of(input.activations, batch.x.size(0)));
    else if (n == "jacob_cov") out.push_back(jacob_cov_of(input.input_grad));
    else if (n == "snip") out.push_back(snip_of(net, grads));
    else if (n == "grad_norm") out.push_back(grad_norm_of(grads));
    else if (n == "params") out.push_back(params_m(graph));
    else if (n == "macs") out.push_back(macs_m(graph));
  }
  return out;
}

}  // namespace hwnas::train
