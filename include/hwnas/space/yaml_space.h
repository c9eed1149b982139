#pragma once
// User-defined search spaces in YAML: a stem, stages of repeated blocks and a head, where
// every list is a choice (a decision) and every scalar is fixed, as in NNI's
// ValueChoice/LayerChoice and OFA's depth/kernel/expand lists. The schema and a worked
// example are in docs/spaces.md; examples/spaces/kws-tiny.yaml is one.
//
//   name: tiny-kws
//   input: [49, 10, 1]                  # H, W, C: a shape, the one list that is not a choice
//   classes: 12
//   stem: {op: conv, channels: [32, 64], kernel: [[10, 4]], stride: [[2, 2]]}
//   stages:
//     - repeat: [1, 2, 3]               # depth: later blocks are inactive
//       block: {type: dsconv, channels: [32, 64], kernel: [3, 5], stride: 1}
//   head: {pool: global_avg, fc: true}
//
// Decisions are named by where they are written: "stem.channels", "stages[0].repeat",
// "stages[0].channels" and "stages[0].stride" (one per stage), "stages[0].block2.kernel"
// (one per block: kernel, expand, se, activation). A one-element list is a fixed value.
// Errors name the file, the line and the YAML path:
//   space.yaml:7: stages[0].block.type: unknown block type 'dconv' (expected conv, dsconv, mbconv)
//
//   auto space = space::load_yaml_space("examples/spaces/kws-tiny.yaml");
//   ir::Graph g = space->decode(space->sample(rng));
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "hwnas/space/search_space.h"

namespace hwnas::space {

std::unique_ptr<SearchSpace> load_yaml_space(const std::filesystem::path& path);
// `file` names the text in errors.
std::unique_ptr<SearchSpace> parse_yaml_space(std::string_view text, const std::string& file);
// True for names ending in .yaml or .yml: what make_space() loads as a file.
bool is_yaml_path(std::string_view name);

}  // namespace hwnas::space
