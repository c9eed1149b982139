#include "hwnas/exp/trial_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::exp {
namespace {

search::Trial trial(int64_t id, search::TrialStatus st, std::map<std::string, double> m, std::string error = "") {
  search::Trial t;
  t.id = id;
  t.arch_str = "|arch" + std::to_string(id) + "|";
  t.status = st;
  t.metrics = std::move(m);
  t.error = std::move(error);
  t.seconds = 0.25 * static_cast<double>(id);
  t.penalty = id == 2 ? 1.5 : 0;
  return t;
}

TEST(TrialStore, RoundTripsTrialsExactlyInIdOrder) {
  const auto db = hwnas::testing::temp_dir() / "trials.db";
  {
    auto store = TrialStore::open(db, TrialStore::Mode::ReadWrite);
    store.add(trial(2, search::TrialStatus::Ok, {{"acc", 0.1 + 0.2}, {"lat", 1e-7}}), 3);
    store.add(trial(0, search::TrialStatus::Failed, {{"lat", 5}}, "acc: arch not in table, \"quoted\""), 5);
    store.add(trial(1, search::TrialStatus::Infeasible, {{"acc", 91}, {"lat", 25}},
                    "lat = 25 is above the hard max 20"),
              7);
    store.set("k", "v");
  }
  const auto store = TrialStore::open(db, TrialStore::Mode::ReadOnly);
  const auto ts = store.trials();
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].id, 0);
  EXPECT_EQ(ts[0].status, search::TrialStatus::Failed);
  EXPECT_EQ(ts[0].error, "acc: arch not in table, \"quoted\"");
  EXPECT_EQ(ts[1].status, search::TrialStatus::Infeasible);
  EXPECT_EQ(ts[2].arch_str, "|arch2|");
  EXPECT_EQ(ts[2].metrics.at("acc"), 0.1 + 0.2);  // bit-exact doubles: resume compares them
  EXPECT_EQ(ts[2].metrics.at("lat"), 1e-7);
  EXPECT_EQ(ts[2].penalty, 1.5);
  EXPECT_EQ(ts[2].seconds, 0.5);
  EXPECT_EQ(store.infeasible_skipped(), 7);  // the last counter written
  EXPECT_EQ(store.get("k"), "v");
  EXPECT_FALSE(store.get("absent"));
}

TEST(TrialStore, UsesWalSoReadersSeeCommittedTrialsWhileTheWriterIsOpen) {
  const auto db = hwnas::testing::temp_dir() / "trials.db";
  auto writer = TrialStore::open(db, TrialStore::Mode::ReadWrite);
  writer.add(trial(0, search::TrialStatus::Ok, {{"acc", 90}}), 0);
  EXPECT_TRUE(std::filesystem::exists(db.string() + "-wal"));
  const auto reader = TrialStore::open(db, TrialStore::Mode::ReadOnly);
  EXPECT_EQ(reader.trials().size(), 1u);
  writer.add(trial(1, search::TrialStatus::Ok, {{"acc", 91}}), 0);
  EXPECT_EQ(reader.trials().size(), 2u);
}

TEST(TrialStore, ErrorsNameTheFile) {
  const auto dir = hwnas::testing::temp_dir();
  EXPECT_HWNAS_ERROR(TrialStore::open(dir / "none.db", TrialStore::Mode::ReadOnly), "none.db: no trial store here");
  {
    std::FILE* f = std::fopen((dir / "junk.db").c_str(), "w");
    std::fputs("this is not a database, just text that is long enough to have a header page......", f);
    std::fclose(f);
  }
  EXPECT_HWNAS_ERROR(TrialStore::open(dir / "junk.db", TrialStore::Mode::ReadWrite), "junk.db: SQLite error");
  EXPECT_HWNAS_ERROR(parse_trial_status("done"), "unknown trial status 'done'");
}

TEST(TrialStore, RungEvaluationsRoundTripByIdAndEpochs) {
  const auto db = hwnas::testing::temp_dir() / "trials.db";
  {
    auto store = TrialStore::open(db, TrialStore::Mode::ReadWrite);
    search::Trial a = trial(1, search::TrialStatus::Ok, {{"acc", 84.5}});
    a.epochs = 200;
    store.add_rung(a);
    a.epochs = 12;
    a.metrics["acc"] = 61.25;
    store.add_rung(a);
    search::Trial pruned = trial(0, search::TrialStatus::Pruned, {{"acc", 55}}, "stopped after 12 epochs");
    pruned.epochs = 12;
    store.add(pruned, 0);
  }
  const auto store = TrialStore::open(db, TrialStore::Mode::ReadOnly);
  const auto rungs = store.rungs();
  ASSERT_EQ(rungs.size(), 2u);
  EXPECT_EQ(rungs[0].epochs, 12);
  EXPECT_EQ(rungs[0].metrics.at("acc"), 61.25);
  EXPECT_EQ(rungs[1].epochs, 200);
  EXPECT_EQ(rungs[1].metrics.at("acc"), 84.5);
  ASSERT_EQ(store.trials().size(), 1u);
  EXPECT_EQ(store.trials()[0].status, search::TrialStatus::Pruned);
  EXPECT_EQ(store.trials()[0].epochs, 12);
}

// A trials.db written before multi-fidelity searches (no trials.epochs, no rungs table) still
// reads, and gains the column when a search resumes it.
TEST(TrialStore, AStoreFromBeforeFidelitiesReadsAndMigrates) {
  const auto db = hwnas::testing::temp_dir() / "trials.db";
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "CREATE TABLE trials(id INTEGER PRIMARY KEY, arch TEXT NOT NULL, status TEXT NOT NULL, "
                         "error TEXT NOT NULL, seconds REAL NOT NULL, penalty REAL NOT NULL, metrics TEXT NOT NULL);"
                         "CREATE TABLE run(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                         "INSERT INTO trials VALUES(0, '|a|', 'ok', '', 0.5, 0, '{\"acc\": 90}');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  {
    const auto old = TrialStore::open(db, TrialStore::Mode::ReadOnly);
    ASSERT_EQ(old.trials().size(), 1u);
    EXPECT_EQ(old.trials()[0].epochs, 0);
    EXPECT_TRUE(old.rungs().empty());
  }
  auto store = TrialStore::open(db, TrialStore::Mode::ReadWrite);
  search::Trial t = trial(1, search::TrialStatus::Ok, {{"acc", 91}});
  store.add(t, 0);
  ASSERT_EQ(store.trials().size(), 2u);
  EXPECT_EQ(store.trials()[0].metrics.at("acc"), 90);
  EXPECT_TRUE(store.rungs().empty());
}

}  // namespace
}  // namespace hwnas::exp
