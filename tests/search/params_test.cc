#include "hwnas/search/params.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::search {
namespace {

const std::vector<ParamSpec> kSpecs = {{"population", 50, 2, 1000, "archs alive"},
                                       {"rate", 0.5, 0, 1, "a probability"},
                                       {"hard", 0, 0, 1, "a switch"}};

TEST(Params, DefaultsAndGivenValues) {
  Params p("evolution", {{"population", 30}}, kSpecs);
  EXPECT_EQ(p.integer("population"), 30);
  EXPECT_TRUE(p.given("population"));
  EXPECT_DOUBLE_EQ(p.number("rate"), 0.5);
  EXPECT_FALSE(p.given("rate"));
  EXPECT_FALSE(p.flag("hard"));
}

TEST(Params, UnknownNameListsValidOnes) {
  EXPECT_HWNAS_ERROR((Params("evolution", {{"populaton", 3}}, kSpecs)),
                     "strategy.populaton: unknown parameter of strategy evolution (valid: population, rate, hard)");
  EXPECT_HWNAS_ERROR((Params("random", {{"x", 1}}, {})), "(valid: none)");
}

TEST(Params, OutOfRangeAndWrongKind) {
  EXPECT_HWNAS_ERROR((Params("evolution", {{"population", 1}}, kSpecs)),
                     "strategy.population: 1 is out of range for evolution (allowed 2 .. 1000");
  EXPECT_HWNAS_ERROR((Params("evolution", {{"rate", std::nan("")}}, kSpecs)), "out of range");
  EXPECT_HWNAS_ERROR(Params("evolution", {{"population", 2.5}}, kSpecs).integer("population"),
                     "must be a whole number, got 2.5");
  EXPECT_HWNAS_ERROR(Params("evolution", {{"rate", 0.5}}, kSpecs).flag("rate"), "must be 0 or 1");
}

}  // namespace
}  // namespace hwnas::search
