// The Cortex-M7 profiles against the MLPerf Tiny keyword-spotting results published for the
// network they describe: dscnn-mlperf is the MLPerf Tiny KWS model. The published figures are
// read at run time from devices/published/mlperf_tiny_kws.csv (one row per submission, each
// citing its results file); nothing measured is written here.
//
// The int8 rates of the published-engine profiles (cortex-m7-f746-plumerai, -h7a3-xcubeai) were
// set from some of these rows (the profiles' comments show the arithmetic), so the first test
// guards them and the roofline against drift rather than validating them independently; the
// floor and the clock-scaling tests use every M7 row, including those no profile was set from,
// and hold the hwnas-code profiles (cortex-m7-f746, -h7a3, cortex-m7: fitted to QEMU-traced
// cycles, tests/codegen/m7_profile_test.cc) to the same floor.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "hwnas/core/csv.h"
#include "hwnas/cost/roofline.h"
#include "hwnas/hw/device.h"
#include "hwnas/models/registry.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

struct Published {
  std::string version, mcu, core, engine, source;
  double clock_mhz = 0, ms = 0, throughput = 0;
  double cycles() const { return ms * 1e-3 * clock_mhz * 1e6; }
};

std::vector<Published> published() {
  const core::CsvTable t = core::read_csv(testing::source_dir() / "devices" / "published" / "mlperf_tiny_kws.csv");
  const int version = t.column("results_version"), mcu = t.column("mcu"), core = t.column("core"),
            engine = t.column("engine"), source = t.column("source"), clock = t.column("clock_mhz"),
            ms = t.column("latency_ms"), throughput = t.column("throughput_inf_s");
  std::vector<Published> rows;
  for (size_t r = 0; r < t.rows.size(); ++r)
    rows.push_back({t.rows[r][version], t.rows[r][mcu], t.rows[r][core], t.rows[r][engine], t.rows[r][source],
                    t.number(r, clock), t.number(r, ms), t.number(r, throughput)});
  return rows;
}

std::vector<Published> m7_rows() {
  std::vector<Published> rows = published();
  std::erase_if(rows, [](const Published& p) { return p.core != "cortex-m7"; });
  return rows;
}

double predicted_ms(const std::string& device) {
  static const ir::Graph g = models::builtin_model("dscnn-mlperf");
  return RooflineModel(hw::load_device(device)).predict(g, ir::DType::i8).total_ms;
}

// What each published-engine M7 profile claims to describe (its description and comments say the
// same): the engine, the results version and the MCU of the published row.
struct Claim {
  const char* device;
  const char* chip;  // the profile's own MCU: published rows whose mcu starts with it are its board's
  const char* mcu;   // of the published row the profile describes
  const char* engine;
  const char* version;
};
constexpr Claim kClaims[] = {
    {"cortex-m7-f746-plumerai", "STM32F746", "STM32F746NG", "Plumerai Inference Engine", "v1.1"},
    {"cortex-m7-h7a3-xcubeai", "STM32H7A3", "STM32H7A3ZIT6Q", "X-CUBE-AI 9.0.0", "v1.2"},
};

// Every Cortex-M7 profile and its MCU, for the floor: the published-engine ones and those of
// hwnas's generated code (the H743 has no published row of its own).
constexpr std::pair<const char*, const char*> kM7Profiles[] = {
    {"cortex-m7-f746-plumerai", "STM32F746"}, {"cortex-m7-h7a3-xcubeai", "STM32H7A3"},
    {"cortex-m7-f746", "STM32F746"},          {"cortex-m7-h7a3", "STM32H7A3"},
    {"cortex-m7", "STM32H743"}};

double clock_mhz(const std::string& device) {
  const hw::Device d = hw::load_device(device);
  return d.processors[d.primary].clock_hz / 1e6;
}

TEST(PublishedM7, EveryRowCitesItsResultsFileAndItsLatencyIsItsThroughput) {
  const std::vector<Published> rows = published();
  ASSERT_GE(rows.size(), 10u);
  for (const Published& p : rows) {
    SCOPED_TRACE(p.source);
    EXPECT_EQ(p.source.rfind("mlcommons/tiny_results_" + p.version + ":", 0), 0u) << "repo@version:path";
    EXPECT_NEAR(p.ms, 1000.0 / p.throughput, 0.0005 + 1e-9);  // MLPerf reports inf/s; ms is 1000 / that, 3 places
  }
}

// Tolerance: 5% above the published figure. The rates carry two significant digits, rounded
// so that the prediction is never below the measurement; per-layer and per-inference
// overheads add 0.1%.
TEST(PublishedM7, EachProfileIsWithinFivePercentOfTheEngineItDescribes) {
  const std::vector<Published> rows = m7_rows();
  for (const Claim& c : kClaims) {
    SCOPED_TRACE(c.device);
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const Published& p) {
      return p.mcu == c.mcu && p.engine == c.engine && p.version == c.version;
    });
    ASSERT_NE(it, rows.end()) << "no published row for " << c.engine << " " << c.version << " on " << c.mcu;
    const double clock = clock_mhz(c.device);
    const double expected = it->cycles() / (clock * 1e6) * 1e3;  // the same cycles at the profile's clock
    const double ms = predicted_ms(c.device);
    EXPECT_GE(ms, expected) << it->source;
    EXPECT_LE(ms, expected * 1.05) << it->source;
  }
}

// No profile claims a speed nobody has shown: not below the fastest result published for its
// own MCU, nor below the fewest cycles any engine needed on any Cortex-M7, at its clock.
TEST(PublishedM7, NoProfileIsFasterThanTheFastestPublishedEngine) {
  const std::vector<Published> rows = m7_rows();
  const auto fewest = std::min_element(rows.begin(), rows.end(),
                                       [](const Published& a, const Published& b) { return a.cycles() < b.cycles(); });
  ASSERT_NE(fewest, rows.end());
  for (const auto& [device, chip] : kM7Profiles) {
    SCOPED_TRACE(device);
    const double ms = predicted_ms(device), clock = clock_mhz(device);
    EXPECT_GE(ms, fewest->cycles() / (clock * 1e6) * 1e3) << "fewest cycles: " << fewest->source;
    const Published* fastest = nullptr;  // on this profile's MCU at its clock
    for (const Published& p : rows)
      if (p.mcu.rfind(chip, 0) == 0 && p.clock_mhz == clock && (!fastest || p.ms < fastest->ms)) fastest = &p;
    EXPECT_TRUE(fastest || std::string_view(chip) == "STM32H743") << "no published row for " << chip;
    if (fastest) {
      EXPECT_GE(ms, fastest->ms) << "fastest on this board: " << fastest->source;
    }
  }
}

// The hwnas-code profiles share one cycle model at three clocks. That an engine's cycles per
// inference do not depend on which M7 board runs it holds wherever one engine was published on
// two: within 5% (Plumerai and Bosch's HALE on the F746 and the H7A3).
TEST(PublishedM7, AnEnginesCyclesAreTheSameOnEveryM7Board) {
  std::map<std::string, std::vector<Published>> by_engine;
  for (const Published& p : m7_rows()) by_engine[p.engine + " " + p.version].push_back(p);
  int pairs = 0;
  for (const auto& [engine, rows] : by_engine)
    for (size_t i = 0; i < rows.size(); ++i)
      for (size_t j = i + 1; j < rows.size(); ++j) {
        if (rows[i].mcu == rows[j].mcu) continue;
        ++pairs;
        EXPECT_NEAR(rows[i].cycles() / rows[j].cycles(), 1.0, 0.05)
            << engine << ": " << rows[i].source << " vs " << rows[j].source;
      }
  EXPECT_GE(pairs, 3);
}

}  // namespace
}  // namespace hwnas::cost
