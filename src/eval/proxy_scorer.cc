#include "hwnas/eval/proxy_scorer.h"

#include "hwnas/core/error.h"

namespace hwnas::eval {
namespace {

ProxyScorerFactory& factory() {
  static ProxyScorerFactory f = nullptr;
  return f;
}

}  // namespace

void register_proxy_scorer(ProxyScorerFactory f) { factory() = f; }

std::unique_ptr<ProxyScorer> make_proxy_scorer(const ProxyOptions& options) {
  if (!factory())
    fail("zero-cost proxies",
         "need libtorch, which the interop plugin holds; this program registered no proxy scorer (run them "
         "through the hwnas CLI, or link one with eval::register_proxy_scorer)");
  return factory()(options);
}

}  // namespace hwnas::eval
