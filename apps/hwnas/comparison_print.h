#pragma once
// Prints a comparison of models (report/comparison.h) for people: the table, where each figure
// came from, the front and the recommendation. Shared by `hwnas compare` and `hwnas search` on a
// list of models; the files (comparison.csv, recommendation.json) are the machine-readable form.
#include <cstdio>
#include <filesystem>

#include "hwnas/exp/experiment.h"
#include "hwnas/report/comparison.h"

namespace hwnas::cli {

void print_comparison(std::FILE* out, const report::Comparison& c);

// Compares the trials of a finished run (its trial store), writes comparison.csv and
// recommendation.json into the run's folder and prints the comparison; returns it.
report::Comparison compare_run(const exp::Experiment& e, std::optional<double> budget_ms);

}  // namespace hwnas::cli
