#include "hwnas/train/graph_proxies.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "hwnas/core/error.h"
#include "hwnas/train/graph_module.h"
#include "hwnas/train/proxies.h"

namespace hwnas::train {

ProxyNet proxy_net(GraphModule &m) {
  return {&m, [&m](const torch::Tensor &x, std::vector<torch::Tensor> *activations) {
            return activations ? m.forward(x, activations) : m.forward(x);
          }};
}

std::vector<std::string> proxy_names() {
  std::vector<std::string> names;
  for (const ProxyInfo &p : proxy_table()) names.push_back(p.name);
  return names;
}

bool proxy_needs_data(const std::string &name) { return proxy_info(name).needs_data; }

std::vector<double> score_graph_proxies(const ir::Graph &g, const std::vector<std::string> &names,
                                        const data::Batch *batch, uint64_t seed, int threads) {
  bool data = false;
  for (const std::string &n : names) data = data || proxy_needs_data(n);
  ProxyBatch b;
  if (data) {
    if (!batch) fail("proxies", "{} need a batch of data; none was given", fmt::join(names, ", "));
    const std::vector<int> in = g.inputs();
    if (in.size() != 1) fail("graph " + g.name(), "has {} inputs; the proxies score one-input networks", in.size());
    const ir::Shape &s = g.node(in[0]).shape;
    if (s.rank() != 4 || batch->shape[1] != s.h() || batch->shape[2] != s.w() || batch->shape[3] != s.c())
      fail("graph " + g.name(), "takes {}x{}x{} inputs, the batch's examples are {}x{}x{}", s.h(), s.w(), s.c(),
           batch->shape[1], batch->shape[2], batch->shape[3]);
    b = to_tensors(*batch);
  }
  if (threads > 0) torch::set_num_threads(threads);
  GraphModule m(g, seed);
  return score_proxies(proxy_net(m), g, names, b);
}

}  // namespace hwnas::train
