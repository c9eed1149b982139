#pragma once
// exp::TrialStore: the crash-safe record of a search, one SQLite file (trials.db) in WAL mode:
// add() returns once the trial's transaction is committed to the log, so a SIGKILL at any
// moment loses no finished trial (synchronous=NORMAL: only a power cut could roll back the
// last commits, never corrupt the file). Readers (`hwnas status`, `hwnas report`) may open it
// read-only while a search writes to it.
//
// Schema (a public interface: `hwnas report` and pandas read it):
//   trials(id INTEGER PRIMARY KEY, arch TEXT, status TEXT ('ok'|'failed'|'infeasible'|'pruned'),
//          error TEXT, seconds REAL, penalty REAL, metrics TEXT (JSON object name -> number),
//          epochs INTEGER (fidelity of the metrics; 0 in a single-fidelity search))
//   rungs(id, epochs, arch, status, error, seconds, penalty, metrics)  -- a multi-fidelity search's
//          evaluation of trial `id` at each rung, committed as it finishes, so that a search killed
//          mid-bracket resumes without evaluating (training) any of them again
//   run(key TEXT PRIMARY KEY, value TEXT)   -- settings of the run (JSON values), counters
//
//   auto store = exp::TrialStore::open("runs/x/trials.db", exp::TrialStore::Mode::ReadWrite);
//   store.add(trial, /*infeasible_skipped=*/12);
//   for (const search::Trial& t : store.trials()) ...   // id order; arch_str only, arch empty
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/search/strategy.h"

struct sqlite3;

namespace hwnas::exp {

class TrialStore {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  // ReadWrite creates the file and tables when absent. Errors name the file.
  static TrialStore open(const std::filesystem::path& file, Mode mode);
  TrialStore(TrialStore&& other) noexcept;
  TrialStore& operator=(TrialStore&&) = delete;
  ~TrialStore();

  // Inserts (or replaces) one trial and the skipped-candidate counter, in one transaction.
  void add(const search::Trial& trial, int64_t infeasible_skipped);
  std::vector<search::Trial> trials() const;
  int64_t infeasible_skipped() const;
  // One evaluation of a multi-fidelity search at one rung (trial.epochs), committed at once.
  void add_rung(const search::Trial& trial);
  std::vector<search::Trial> rungs() const;  // by id, then epochs

  std::optional<std::string> get(const std::string& key) const;
  void set(const std::string& key, const std::string& value);

  const std::filesystem::path& file() const { return file_; }

 private:
  TrialStore(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
  void exec(const char* sql) const;
  void insert(const char* table, const search::Trial& t);
  std::vector<search::Trial> select(const char* table, bool with_epochs) const;

  sqlite3* db_;
  std::filesystem::path file_;
  bool has_epochs_ = false;  // trials.epochs exists (always after a read-write open)
};

// "ok", "failed", "infeasible" <-> TrialStatus; parse throws on anything else.
search::TrialStatus parse_trial_status(std::string_view s);

}  // namespace hwnas::exp
