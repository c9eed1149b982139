#pragma once
// Non-negative least squares: x >= 0 minimising ||A x - b||^2, by the active-set method of
// Lawson & Hanson ("Solving Least Squares Problems", 1974, ch. 23), the algorithm behind
// SciPy's optimize.nnls. For the small problems of calibration (a handful of factors, tens
// to thousands of rows); exact up to round-off, deterministic, no iteration count to tune.
//
//   std::vector<double> x = learn::nnls({{1, 0}, {0, 1}, {1, 1}}, {1, -1, 0.5});
//   // x == {0.75, 0}: the second factor would be negative, so it is pinned at 0.
#include <vector>

namespace hwnas::learn {

// a[i] is row i (all rows the same length n >= 1), b[i] its target. Throws hwnas::Error on
// mismatched sizes or non-finite input.
std::vector<double> nnls(const std::vector<std::vector<double>>& a, const std::vector<double>& b);

}  // namespace hwnas::learn
