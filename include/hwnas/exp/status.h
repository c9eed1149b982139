#pragma once
// exp::read_status: where a run stands, from its output folder alone: trials done, failed,
// infeasible, candidates skipped for free, budget, Pareto front and best per objective. It
// opens trials.db read-only, so it works while `hwnas search` is writing (WAL mode) and after.
//
//   exp::RunStatus st = exp::read_status("runs/nb201-raspi4");
//   std::cout << exp::format_status(st);
#include <filesystem>
#include <string>

#include "hwnas/exp/summary.h"

namespace hwnas::exp {

struct RunStatus {
  std::filesystem::path dir;
  RunInfo info;
  RunSummary summary;
  bool running = false;       // a search holds the folder's lock now
  std::string stopped_early;  // why the last run ended before its budget; empty if it did not
};

// Throws hwnas::Error naming the folder when it holds no trial store.
RunStatus read_status(const std::filesystem::path& dir);
// Human-readable report; every figure says where it came from.
std::string format_status(const RunStatus& status, size_t max_front_rows = 20);

}  // namespace hwnas::exp
