#pragma once
// How a CLI command file plugs into the driver: it defines one static CommandRegistration
// that adds its subcommand to the app. main.cc adds them in `order`, so `hwnas --help` lists
// the commands in pipeline order (model, space, measure, predict, search, ...).
//
//   static hwnas::cli::CommandRegistration reg(10, [](CLI::App& app) {
//     auto* cmd = app.add_subcommand("model", "Inspect a model: layers, MACs, params");
//     ...
//     cmd->callback([=] { ... });   // throw hwnas::Error on bad input; main prints it
//   });
#include <functional>

#include <CLI/CLI.hpp>

namespace hwnas::cli {

struct CommandRegistration {
  CommandRegistration(int order, std::function<void(CLI::App&)> add);
};

}  // namespace hwnas::cli
