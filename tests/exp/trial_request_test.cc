#include "hwnas/exp/trial_request.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::exp {
namespace {

TEST(TrialRequest, RoundTripsThroughAJsonLine) {
  const TrialRequest r{
      .id = 42, .arch = "|nor_conv_3x3~0|+|none~0|", .metrics = {"accuracy", "loss"}, .epochs = 12, .timeout_s = 600.5};
  const TrialRequest back = request_from_json(nlohmann::json::parse(to_json(r).dump()));
  EXPECT_EQ(back.id, 42);
  EXPECT_EQ(back.arch, r.arch);
  EXPECT_EQ(back.metrics, r.metrics);
  EXPECT_EQ(back.epochs, 12);
  EXPECT_EQ(back.timeout_s, 600.5);
}

TEST(TrialResult, RoundTripsEveryDoubleBitForBit) {
  TrialResult r;
  r.id = 7;
  r.status = TrialOutcome::Crashed;
  r.values = {{"a", 0.1 + 0.2},
              {"b", 93.27},
              {"c", 1e-300},
              {"d", std::numeric_limits<double>::infinity()},
              {"e", -std::numeric_limits<double>::infinity()}};
  r.error = "the worker process was killed by signal 11";
  r.seconds = 1.25;
  const TrialResult back = result_from_json(nlohmann::json::parse(to_json(r).dump()));
  EXPECT_EQ(back.id, 7);
  EXPECT_EQ(back.status, TrialOutcome::Crashed);
  EXPECT_EQ(back.values, r.values);  // exact equality: the JSON text reads back to the same bits
  EXPECT_EQ(back.error, r.error);
  EXPECT_EQ(back.seconds, 1.25);
  r.values = {{"nan", std::numeric_limits<double>::quiet_NaN()}};
  EXPECT_TRUE(std::isnan(result_from_json(to_json(r)).values.at("nan")));
}

TEST(TrialResult, StatusesHaveTheirProtocolNames) {
  EXPECT_EQ(trial_outcome_name(TrialOutcome::Ok), "ok");
  EXPECT_EQ(trial_outcome_name(TrialOutcome::Failed), "failed");
  EXPECT_EQ(trial_outcome_name(TrialOutcome::TimedOut), "timed_out");
  EXPECT_EQ(trial_outcome_name(TrialOutcome::Crashed), "crashed");
}

TEST(TrialResult, BadJsonNamesTheField) {
  EXPECT_HWNAS_ERROR(result_from_json(nlohmann::json::parse(R"({"id":1})")), "missing field 'status'");
  EXPECT_HWNAS_ERROR(result_from_json(
                         nlohmann::json::parse(R"({"id":1,"status":"great","values":{},"error":"","seconds":0})")),
                     "unknown status 'great'");
  EXPECT_HWNAS_ERROR(result_from_json(
                         nlohmann::json::parse(R"({"id":1,"status":"ok","values":{"a":"x"},"error":"","seconds":0})")),
                     "values.a: expected a number");
  EXPECT_HWNAS_ERROR(request_from_json(nlohmann::json::parse(R"({"id":"one"})")), "field 'id' has the wrong type");
  EXPECT_HWNAS_ERROR(request_from_json(nlohmann::json::parse("[1,2]")), "expected an object");
}

}  // namespace
}  // namespace hwnas::exp
