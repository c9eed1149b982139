// hwnas: the command-line driver. Thin by design: every command lives in its own cmd_*.cc
// file and calls into the library; this file only wires them up and turns errors into
// messages and exit codes (0 ok, CLI11's codes for usage errors, 2 bad input or failure).
#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/core/version.h"

namespace hwnas::cli {
namespace {

std::vector<std::pair<int, std::function<void(CLI::App&)>>>& registry() {
  static std::vector<std::pair<int, std::function<void(CLI::App&)>>> r;
  return r;
}

}  // namespace

CommandRegistration::CommandRegistration(int order, std::function<void(CLI::App&)> add) {
  registry().emplace_back(order, std::move(add));
}

}  // namespace hwnas::cli

int main(int argc, char** argv) {
  CLI::App app{"hwnas: hardware-aware neural architecture search"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("hwnas {}", hwnas::version()));
  auto& reg = hwnas::cli::registry();
  std::stable_sort(reg.begin(), reg.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [order, add] : reg) add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const hwnas::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
