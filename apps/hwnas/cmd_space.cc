// hwnas space info | sample | enumerate: look at a search space and its architectures.
//
//   hwnas space info nb201
//   hwnas space sample mbconv --count 10 --seed 1     # 10 different arch strings
//   hwnas space enumerate nb201 --limit 20000         # all 15,625 NB201 cells
//   hwnas space info my_space.yaml
//
// <space> is resolved by target::resolve_space (built-in name, YAML file, or <space>@<device>). Every line that
// `sample` and `enumerate` print is a canonical arch string: `hwnas model info <space>:<line>`
// shows that network.
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.h"
#include "hwnas/core/rng.h"
#include "hwnas/space/sample_distinct.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/resolver.h"
#include "hwnas/target/restrict_space.h"
#include "table.h"

namespace hwnas::cli {
namespace {

constexpr const char* kSpaceHelp =
    "a built-in space (nb201, mbconv, dscnn, efficientnet, ssdlite-mbconv), a space YAML file, or <space>@<device> (restricted to what the device runs)";

void add_info(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("info", "Decisions, their choices, and the number of architectures");
  auto name = std::make_shared<std::string>();
  cmd->add_option("space", *name, kSpaceHelp)->required();
  cmd->callback([name] {
    const auto s = target::resolve_space(*name);
    fmt::print("space: {}\narchitectures: {}\ndecisions: {}\n\n", s->name(), big_count(s->size()), s->num_decisions());
    TextTable t({{"decision"}, {"n", Align::Right}, {"choices"}});
    for (const auto& d : s->decisions())
      t.add_row({d.name, std::to_string(d.choices.size()), fmt::format("{}", fmt::join(d.choices, " "))});
    fmt::print("{}", t.str());
  });
}

void add_sample(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("sample", "Print different random architectures, one canonical string per line");
  auto name = std::make_shared<std::string>();
  auto count = std::make_shared<size_t>(10);
  auto seed = std::make_shared<uint64_t>(0);
  cmd->add_option("space", *name, kSpaceHelp)->required();
  cmd->add_option("-n,--count", *count, "how many (all different)")->capture_default_str();
  cmd->add_option("--seed", *seed, "random seed: the same seed prints the same lines")->capture_default_str();
  cmd->callback([name, count, seed] {
    const auto s = target::resolve_space(*name);
    Rng rng(*seed);
    for (const auto& a : space::sample_distinct(*s, *count, rng)) fmt::print("{}\n", s->to_string(a));
  });
}

void add_enumerate(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("enumerate", "Print every architecture, one canonical string per line");
  auto name = std::make_shared<std::string>();
  auto limit = std::make_shared<size_t>(1'000'000);
  cmd->add_option("space", *name, kSpaceHelp)->required();
  cmd->add_option("--limit", *limit, "refuse spaces with more architectures than this")->capture_default_str();
  cmd->callback([name, limit] {
    const auto s = target::resolve_space(*name);
    for (const auto& a : s->enumerate(*limit)) fmt::print("{}\n", s->to_string(a));
  });
}

const CommandRegistration reg(20, [](CLI::App& app) {
  auto* cmd =
      app.add_subcommand("space", "Inspect a search space: decisions, size, sample and enumerate architectures");
  cmd->require_subcommand(1);
  add_info(*cmd);
  add_sample(*cmd);
  add_enumerate(*cmd);
});

}  // namespace
}  // namespace hwnas::cli
