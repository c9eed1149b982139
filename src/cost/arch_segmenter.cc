// Segmenters for ArchLatency: how each space's archs cut into a chain of reusable pieces.
#include <fmt/format.h>

#include "hwnas/cost/arch_latency.h"
#include "hwnas/space/mbconv_space.h"

namespace hwnas::cost {
namespace {

// Appends a choice index to a key, two bytes so that any number of choices fits.
void put(std::string& key, int choice) {
  key.push_back(static_cast<char>(choice & 0xff));
  key.push_back(static_cast<char>(choice >> 8));
}

// Any space: the whole (canonical) arch is one segment, so the memo is per arch.
class WholeArch : public ArchSegmenter {
 public:
  explicit WholeArch(const space::SearchSpace& s) : space_(s) {}
  void keys(const space::Arch& a, std::vector<std::string>& keys) const override {
    keys.resize(1);
    keys[0].clear();
    for (int c : space_.canonical(a).choice) put(keys[0], c);
  }
  std::vector<std::string> prefixes(const space::Arch&) const override { return {""}; }

 private:
  const space::SearchSpace& space_;
};

// mbconv (space/mbconv_space.h): input + stem + block0 | one segment per active block | head.
// A block's subgraph is fixed by resolution, width, its stage and position (input channels
// and stride) and its kernel and expand choices; stem and head by resolution and width.
class MbConvSegments : public ArchSegmenter {
 public:
  explicit MbConvSegments(const space::MbConvSpace& s) : space_(s) {
    while (space_.depth_decision(stages_) < space_.num_decisions()) ++stages_;
  }

  void keys(const space::Arch& a, std::vector<std::string>& keys) const override {
    size_t n = 0;
    const auto next = [&](char tag) -> std::string& {
      if (keys.size() <= n) keys.resize(n + 1);
      std::string& k = keys[n++];
      k.clear();
      k.push_back(tag);
      put(k, a.choice[0]);  // resolution
      put(k, a.choice[1]);  // width
      return k;
    };
    next('S');
    for (int s = 0; s < stages_; ++s)
      for (int b = 0, depth = space_.int_value(a, space_.depth_decision(s)); b < depth; ++b) {
        std::string& k = next('B');
        put(k, s);
        put(k, b);
        put(k, a.choice[space_.kernel_decision(s, b)]);
        put(k, a.choice[space_.expand_decision(s, b)]);
      }
    next('H');
    keys.resize(n);
  }

  std::vector<std::string> prefixes(const space::Arch& a) const override {
    std::vector<std::string> p = {""};
    for (int s = 0; s < stages_; ++s)
      for (int b = 0, depth = space_.int_value(a, space_.depth_decision(s)); b < depth; ++b)
        p.push_back(fmt::format("stage{}.block{}.", s + 1, b + 1));  // as MbConvSpace::decode scopes them
    p.push_back("head.");
    return p;
  }

 private:
  const space::MbConvSpace& space_;
  int stages_ = 0;
};

}  // namespace

std::unique_ptr<ArchSegmenter> make_segmenter(const space::SearchSpace& space) {
  if (const auto* mb = dynamic_cast<const space::MbConvSpace*>(&space)) return std::make_unique<MbConvSegments>(*mb);
  return std::make_unique<WholeArch>(space);
}

}  // namespace hwnas::cost
