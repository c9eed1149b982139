#pragma once
// space::SearchSpace: a set of named categorical decisions. An architecture (Arch) is one
// choice index per decision; it has a canonical string (NB201's own string for `nb201`) and
// decodes to an ir::Graph. Decoding reads choices by *label*, so a space whose choices were
// restricted (restrict(), e.g. to what a device compiles) decodes with the same code.
//
//   auto space = space::make_space("nb201");
//   hwnas::Rng rng(1);
//   space::Arch a = space->sample(rng);
//   std::string s = space->to_string(a);          // "|nor_conv_3x3~0|+|...|"
//   ir::Graph g = space->decode(space->parse(s));
//   for (const space::Arch& n : space->neighbours(a)) { ... }
//
// Some spaces have decisions that do not always matter (a block beyond the chosen depth):
// active() says which do; sample/mutate/neighbours only vary active decisions and keep the
// inactive ones at choice 0, so that one network has one Arch and one string.
//
// Contract for active(): whether decision d matters may depend only on decisions before d
// (a depth decision comes before the blocks it gates). Spaces declare the common case with
// gate(d, depth, block): d matters when the numeric value of `depth` is greater than `block`.
// With gates, size() is exact and sample() is uniform over distinct networks (a depth with
// more possible networks behind it is drawn more often), also after restrict().
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/ir/graph.h"

namespace hwnas::space {

struct Decision {
  std::string name;                  // e.g. "stage2.block1.kernel"
  std::vector<std::string> choices;  // labels, e.g. {"3", "5", "7"}

  int find(std::string_view label) const;  // index, or -1
};

struct Arch {
  std::vector<int> choice;  // one index per decision

  bool operator==(const Arch&) const = default;
  auto operator<=>(const Arch&) const = default;
};

struct ArchHash {
  size_t operator()(const Arch& a) const;
};

class SearchSpace {
 public:
  virtual ~SearchSpace() = default;

  const std::string& name() const { return name_; }
  const std::vector<Decision>& decisions() const { return decisions_; }
  int num_decisions() const { return static_cast<int>(decisions_.size()); }

  // Label and numeric value of the choice taken for decision d (value() throws if not numeric).
  const std::string& label(const Arch& a, int d) const { return decisions_[d].choices[a.choice[d]]; }
  double value(const Arch& a, int d) const;
  int int_value(const Arch& a, int d) const { return static_cast<int>(value(a, d)); }

  // Number of distinct architectures (as a double: spaces reach 10^19 and beyond).
  virtual double size() const;
  // All architectures, in lexicographic order of indices; throws if there are more than `limit`.
  std::vector<Arch> enumerate(size_t limit = 1'000'000) const;
  Arch sample(Rng& rng) const;
  // A different architecture that differs in exactly one active decision.
  Arch mutate(const Arch& a, Rng& rng) const;
  // Every architecture that differs in exactly one active decision.
  std::vector<Arch> neighbours(const Arch& a) const;

  virtual bool active(const Arch& a, int d) const;  // default: every decision always matters
  Arch canonical(const Arch& a) const;              // inactive decisions at choice 0
  void check(const Arch& a) const;                  // throws if indices are out of range

  // Canonical string and its parser. The default form is "name=label,name=label,..." over
  // active decisions; parse errors name the bad token and its 0-based character position.
  virtual std::string to_string(const Arch& a) const;
  virtual Arch parse(std::string_view s) const;

  virtual ir::Graph decode(const Arch& a) const = 0;
  virtual std::unique_ptr<SearchSpace> clone() const = 0;

  // Keeps only the listed labels of decision d (throws if none would remain or a label is
  // unknown). Architectures of the restricted space index the remaining choices.
  void restrict(int d, const std::vector<std::string>& keep);
  // A restricted copy says so in its name ("mbconv@npu-generic", by target::restrict_space).
  void rename(std::string name) { name_ = std::move(name); }

  // Fixed structure (not a decision) the space can change so that its graphs no longer contain
  // `op`, e.g. mbconv swaps hardswish for relu6 or relu and can turn squeeze-excite off, as
  // the "mobile" variants of ProxylessNAS and MCUNet do. `runs(k)` says whether the target
  // runs operator k, so that a replacement is only chosen when it helps. Returns the changed
  // space (same decisions, so the same strings) and one line saying what changed; a null space
  // when the space has no such option (the default).
  struct Substitution {
    std::unique_ptr<SearchSpace> space;
    std::string change;  // "hardswish -> relu6 in the stem, head and stages 3, 4, 5"
  };
  virtual Substitution without_op(ir::OpKind op, const std::function<bool(ir::OpKind)>& runs) const {
    (void)op, (void)runs;
    return {};
  }

 protected:
  SearchSpace(std::string name, std::vector<Decision> decisions);
  int decision_index(std::string_view name) const;  // -1 if none
  // Decision d matters only when value(a, depth) > block; `depth` must come before d and be
  // ungated itself.
  void gate(int d, int depth, int block);
  // The index of `label` in decision d; throws "<space>: position <pos>: '<decision>' has no
  // choice '<label>' (choices: ...)" for parsers of custom string forms.
  int choice_at(int d, std::string_view label, size_t pos) const;
  [[noreturn]] void fail_at(size_t pos, const std::string& message) const;

 private:
  struct Gate {
    int depth = -1;  // -1: always active
    int block = 0;
  };
  void update_depth_weights();  // after gate() and restrict()

  std::string name_;
  std::vector<Decision> decisions_;
  std::vector<std::vector<double>> values_;  // numeric value per choice (NaN if not a number)
  std::vector<Gate> gates_;                  // per decision
  std::vector<bool> is_depth_;               // per decision: some decision is gated by it
  // For a depth decision, per choice: the number of settings of the decisions it gates.
  std::vector<std::vector<double>> depth_weights_;
};

// A built-in space by name (nb201, mbconv, dscnn, efficientnet) or a YAML space file.
// Throws hwnas::Error listing the built-ins when neither.
std::unique_ptr<SearchSpace> make_space(std::string_view name_or_path);
std::vector<std::string> builtin_space_names();

}  // namespace hwnas::space
