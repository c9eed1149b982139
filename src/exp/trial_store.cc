#include "hwnas/exp/trial_store.h"

#include <memory>

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"

namespace hwnas::exp {
namespace {

constexpr const char* kSchema = R"(
BEGIN;
CREATE TABLE IF NOT EXISTS trials(id INTEGER PRIMARY KEY, arch TEXT NOT NULL, status TEXT NOT NULL,
                                  error TEXT NOT NULL, seconds REAL NOT NULL, penalty REAL NOT NULL,
                                  metrics TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rungs(id INTEGER NOT NULL, epochs INTEGER NOT NULL, arch TEXT NOT NULL,
                                 status TEXT NOT NULL, error TEXT NOT NULL, seconds REAL NOT NULL,
                                 penalty REAL NOT NULL, metrics TEXT NOT NULL, PRIMARY KEY(id, epochs));
COMMIT;
)";

// Stores written before multi-fidelity searches have no trials.epochs column; it is added on
// the first read-write open (every such trial was evaluated at full fidelity: epochs 0).
bool has_column(sqlite3* db, const char* table, const char* column) {
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = fmt::format("PRAGMA table_info({})", table);
  bool found = false;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK)
    while (sqlite3_step(stmt) == SQLITE_ROW)
      if (const auto* name = sqlite3_column_text(stmt, 1);
          name && std::string_view(reinterpret_cast<const char*>(name)) == column)
        found = true;
  sqlite3_finalize(stmt);
  return found;
}

// A prepared statement that finalizes itself; errors name the database file.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& file, const char* sql) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) check(SQLITE_ERROR);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, double v) {
    check(sqlite3_bind_double(stmt_, i, v));
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  bool step() {  // true: a row is ready
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) check(rc);
    return false;
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) fail(file_, "SQLite error: {}", sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  std::string file_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

search::TrialStatus parse_trial_status(std::string_view s) {
  for (auto st : {search::TrialStatus::Ok, search::TrialStatus::Failed, search::TrialStatus::Infeasible,
                  search::TrialStatus::Pruned})
    if (search::trial_status_name(st) == s) return st;
  fail("trials.status", "unknown trial status '{}' (expected ok, failed, infeasible or pruned)", s);
}

TrialStore TrialStore::open(const std::filesystem::path& file, Mode mode) {
  if (mode == Mode::ReadOnly && !std::filesystem::exists(file))
    fail(file.string(), "no trial store here; is this the output folder of `hwnas search`?");
  sqlite3* db = nullptr;
  const int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    fail(file.string(), "cannot open the trial store: {}", msg);
  }
  TrialStore store(db, file);
  sqlite3_busy_timeout(db, 5000);  // a reader and the writer may meet on a checkpoint
  if (mode == Mode::ReadWrite) {
    store.exec("PRAGMA journal_mode=WAL");
    // In WAL mode a commit is in the log once the transaction ends, so a killed process loses
    // nothing committed; NORMAL skips the fsync per commit (which only power loss would need).
    store.exec("PRAGMA synchronous=NORMAL");
    store.exec(kSchema);
    if (!has_column(db, "trials", "epochs"))
      store.exec("ALTER TABLE trials ADD COLUMN epochs INTEGER NOT NULL DEFAULT 0");
    store.has_epochs_ = true;
  } else {
    Statement s(db, file.string(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'trials'");
    if (!s.step() || s.integer(0) == 0) fail(file.string(), "holds no trials yet (the search stopped before it began)");
    store.has_epochs_ = has_column(db, "trials", "epochs");
  }
  return store;
}

TrialStore::TrialStore(TrialStore&& other) noexcept
    : db_(other.db_), file_(std::move(other.file_)), has_epochs_(other.has_epochs_) {
  other.db_ = nullptr;
}

TrialStore::~TrialStore() { sqlite3_close(db_); }

void TrialStore::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    fail(file_.string(), "SQLite error: {}", msg);
  }
}

void TrialStore::insert(const char* table, const search::Trial& t) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [k, v] : t.metrics) metrics[k] = v;
  const std::string sql = fmt::format(
      "INSERT OR REPLACE INTO {}(id, arch, status, error, seconds, penalty, metrics, epochs) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
      table);
  Statement(db_, file_.string(), sql.c_str())
      .bind(1, static_cast<int64_t>(t.id))
      .bind(2, t.arch_str)
      .bind(3, std::string(search::trial_status_name(t.status)))
      .bind(4, t.error)
      .bind(5, t.seconds)
      .bind(6, t.penalty)
      .bind(7, metrics.dump())
      .bind(8, static_cast<int64_t>(t.epochs))
      .step();
}

void TrialStore::add(const search::Trial& t, int64_t infeasible_skipped) {
  exec("BEGIN IMMEDIATE");
  try {
    insert("trials", t);
    Statement(db_, file_.string(), "INSERT OR REPLACE INTO run(key, value) VALUES('infeasible_skipped', ?)")
        .bind(1, std::to_string(infeasible_skipped))
        .step();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

void TrialStore::add_rung(const search::Trial& t) { insert("rungs", t); }

std::vector<search::Trial> TrialStore::select(const char* table, bool with_epochs) const {
  std::vector<search::Trial> out;
  const std::string sql =
      fmt::format("SELECT id, arch, status, error, seconds, penalty, metrics, {} FROM {} ORDER BY id{}",
                  with_epochs ? "epochs" : "0", table, with_epochs ? ", epochs" : "");
  Statement s(db_, file_.string(), sql.c_str());
  while (s.step()) {
    search::Trial t;
    t.id = s.integer(0);
    t.arch_str = s.text(1);
    const std::string where = fmt::format("{}: {} {}", file_.string(), table, t.id);
    try {
      t.status = parse_trial_status(s.text(2));
      const nlohmann::json metrics = nlohmann::json::parse(s.text(6));
      for (auto it = metrics.begin(); it != metrics.end(); ++it) t.metrics[it.key()] = it.value().get<double>();
    } catch (const Error& e) {
      throw e.within(where);
    } catch (const std::exception& e) {
      fail(where, "unreadable metrics ({}); the store is damaged", e.what());
    }
    t.error = s.text(3);
    t.seconds = s.real(4);
    t.penalty = s.real(5);
    t.epochs = static_cast<int>(s.integer(7));
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<search::Trial> TrialStore::trials() const { return select("trials", has_epochs_); }

std::vector<search::Trial> TrialStore::rungs() const {
  if (!has_epochs_) return {};  // a store from before multi-fidelity searches, opened read-only
  return select("rungs", true);
}

int64_t TrialStore::infeasible_skipped() const {
  const auto v = get("infeasible_skipped");
  return v ? std::stoll(*v) : 0;
}

std::optional<std::string> TrialStore::get(const std::string& key) const {
  Statement s(db_, file_.string(), "SELECT value FROM run WHERE key = ?");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

void TrialStore::set(const std::string& key, const std::string& value) {
  Statement(db_, file_.string(), "INSERT OR REPLACE INTO run(key, value) VALUES(?, ?)")
      .bind(1, key)
      .bind(2, value)
      .step();
}

}  // namespace hwnas::exp
