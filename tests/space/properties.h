#pragma once
// Base-class properties every built-in space must have, checked on `n` samples:
// sampling is deterministic by seed; samples are canonical, valid and decode; parse(to_string(a)) == a; mutations differ in
// exactly one decision that matters before and after; neighbours are canonical, distinct,
// one-decision changes, and number sum over active decisions of (choices - 1).
#include <set>

#include <gtest/gtest.h>

#include "hwnas/space/search_space.h"

namespace hwnas::space::testing {

inline int differing_active(const SearchSpace& s, const Arch& a, const Arch& b) {
  int n = 0;
  for (int d = 0; d < s.num_decisions(); ++d) n += s.active(a, d) && s.active(b, d) && a.choice[d] != b.choice[d];
  return n;
}

inline size_t expected_neighbours(const SearchSpace& s, const Arch& a) {
  size_t n = 0;
  for (int d = 0; d < s.num_decisions(); ++d)
    if (s.active(a, d)) n += s.decisions()[d].choices.size() - 1;
  return n;
}

// `decode_every` > 0 decodes every that-many-th sample (decoding is the slow part).
inline void check_space_properties(const SearchSpace& s, int n, uint64_t seed, int decode_every = 1) {
  {  // deterministic by seed
    Rng r1(seed), r2(seed);
    for (int i = 0; i < 20; ++i) ASSERT_EQ(s.sample(r1), s.sample(r2));
  }
  Rng rng(seed);
  for (int i = 0; i < n; ++i) {
    const Arch a = s.sample(rng);
    ASSERT_NO_THROW(s.check(a));
    ASSERT_EQ(s.canonical(a), a);
    const std::string str = s.to_string(a);
    ASSERT_EQ(s.parse(str), a) << str;
    if (decode_every > 0 && i % decode_every == 0) {
      ASSERT_NO_THROW(s.decode(a)) << str;
    }
    const Arch m = s.mutate(a, rng);
    ASSERT_NE(m, a) << str;
    ASSERT_EQ(s.canonical(m), m);
    ASSERT_EQ(differing_active(s, a, m), 1) << str << " -> " << s.to_string(m);
    if (i % 10 == 0) {
      const auto nb = s.neighbours(a);
      ASSERT_EQ(nb.size(), expected_neighbours(s, a)) << str;
      ASSERT_EQ(std::set<Arch>(nb.begin(), nb.end()).size(), nb.size()) << str;
      for (const auto& x : nb) {
        ASSERT_EQ(s.canonical(x), x);
        ASSERT_EQ(differing_active(s, a, x), 1);
      }
    }
  }
}

}  // namespace hwnas::space::testing
