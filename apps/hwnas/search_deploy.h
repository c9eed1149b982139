#pragma once
// The deploy: section of an experiment (exp/deploy_config.h), run by `hwnas search` after the
// search: the best trial by the first objective, as trained by the experiment's train metric
// (its model folder in <output>/models/), quantized to int8 on the section's dataset (fp32 and
// int8 top-1 measured), generated as C, built for the target, run in QEMU and checked bit for bit
// against the int8 reference: quantize_step.h and deploy_step.h, as `hwnas quantize` and
// `hwnas deploy` do. Everything goes to <output>/deploy/ (int8/, the C sources, the ELF,
// report.json), written in a temporary folder renamed at the end. With `target: npu` the best
// trained detector is quantized, evaluated fp32 and int8, placed on the NPU and exported to ONNX
// instead (npu_deploy_step.h).
//
// A best trial without a trained model (no train metric, or its folder is gone) is skipped with
// a warning: a deployment of random weights would only measure costs, which the search already
// predicts. A deploy/report.json of the same best architecture, bit-exact, is kept ("deploy: up
// to date"); a new best replaces it.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hwnas/exp/experiment.h"

namespace hwnas::cli {

void deploy_best_trial(const exp::Experiment& e);

// Shared by the targets (search_deploy_npu.h):
// the report.json an earlier deploy wrote to `dir`, when it exists, parses and `same` says it is of
// what would be deployed now; nullopt otherwise (deploy again).
std::optional<nlohmann::json> earlier_report(const std::filesystem::path& dir,
                                             const std::function<bool(const nlohmann::json&)>& same);
// "WARNING: deploy skipped: <why>" on stderr; the search still exits 0.
void deploy_skipped(const std::string& why);

}  // namespace hwnas::cli
