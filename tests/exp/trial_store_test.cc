#include "hwnas/exp/trial_store.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace hwnas::exp
