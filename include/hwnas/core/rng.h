#pragma once
// hwnas::Rng: a small, fast random generator whose streams are identical on every platform
// and standard library (std::uniform_int_distribution is not), so that a seed reproduces a
// sample, a mutation or a whole search run anywhere.
//
//   hwnas::Rng rng(42);
//   int i = rng.uniform_int(10);       // 0..9
//   double u = rng.uniform();          // [0, 1)
//   hwnas::Rng child = rng.fork(7);    // an independent stream, e.g. per worker or trial
#include <cstdint>
#include <vector>

namespace hwnas {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);

  uint64_t next();                  // 64 random bits (xoshiro256**)
  int uniform_int(int n);           // uniform in [0, n), n > 0; unbiased (Lemire)
  int uniform_int(int lo, int hi);  // uniform in [lo, hi]
  double uniform();                 // uniform in [0, 1), 53 bits
  double normal();                  // standard normal (Box-Muller, deterministic)
  bool bernoulli(double p);
  Rng fork(uint64_t stream) const;  // independent generator derived from this state

  template <typename T>
  void shuffle(std::vector<T>& v) {  // Fisher-Yates with uniform_int
    for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[uniform_int(i + 1)]);
  }

 private:
  uint64_t s_[4];
};

}  // namespace hwnas
