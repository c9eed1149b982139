#pragma once
// "Did you mean ...?" for names typed by people: the Levenshtein distance, and the closest of
// a list of candidates when it is close enough to be a likely typo.
//
//   hwnas::closest_match("efficientnet-b9", {"efficientnet-b0", "dscnn-s"});  // "efficientnet-b0"
//   hwnas::closest_match("resnet50", {"dscnn-s"});                            // "" (too far)
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas {

// Insertions, deletions and substitutions that turn a into b.
size_t edit_distance(std::string_view a, std::string_view b);

// The first candidate at the smallest distance from `word`, or "" when even that one differs
// by more than max(2, ceil(word.size() / 3)) edits (a different word, not a typo).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace hwnas
