#include "hwnas/core/csv.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::core {
namespace {

TEST(Csv, ParsesQuotesEscapesAndCrlf) {
  const CsvTable t = parse_csv("a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n\n2,,\"multi\nline\"\n", "t.csv");
  ASSERT_EQ(t.header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "x,y");
  EXPECT_EQ(t.rows[0][2], "say \"hi\"");
  EXPECT_EQ(t.rows[1][2], "multi\nline");
  EXPECT_FALSE(t.number_or_empty(1, 1).has_value());
  EXPECT_EQ(t.number(1, 0), 2.0);
}

TEST(Csv, WriterRoundTrips) {
  const std::vector<std::string> fields = {"|a~0|+|b~1|", "1,5", "q\"t", ""};
  const CsvTable t = parse_csv("h1,h2,h3,h4\n" + csv_line(fields), "w.csv");
  EXPECT_EQ(t.rows[0], fields);
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(std::stod(format_number(94.37333333333333)), 94.37333333333333);
}

TEST(Csv, ErrorsNameFileLineAndColumn) {
  EXPECT_HWNAS_ERROR(parse_csv("a,b\n1,2\n3\n", "m.csv"), "m.csv:3: has 1 fields but the header has 2");
  EXPECT_HWNAS_ERROR(parse_csv("a,b\n1,\"2\n", "q.csv"), "q.csv:2: a quoted field is never closed");
  const CsvTable t = parse_csv("a,b\n1,x\n", "n.csv");
  EXPECT_HWNAS_ERROR(t.number(0, 1), "n.csv:2: column 'b': 'x' is not a number");
  EXPECT_HWNAS_ERROR(t.column("c"), "no column 'c' (columns: a, b)");
  EXPECT_HWNAS_ERROR(parse_csv("", "e.csv"), "e.csv: the file is empty");
  EXPECT_HWNAS_ERROR(read_csv("/nonexistent/x.csv"), "/nonexistent/x.csv: no such file");
}

TEST(Csv, ReadsTheSharedNb201Table) {
  const CsvTable t = read_csv(testing::shared_data() / "nb201" / "nb201_cifar10.csv");
  EXPECT_EQ(t.rows.size(), 15625u);
  // The README of shared/data: best test accuracy 94.3733 at arch_index 6111.
  const int acc = t.column("test_acc_200ep"), idx = t.column("arch_index");
  size_t best = 0;
  for (size_t r = 1; r < t.rows.size(); ++r)
    if (t.number(r, acc) > t.number(best, acc)) best = r;
  EXPECT_EQ(t.rows[best][idx], "6111");
  EXPECT_NEAR(t.number(best, acc), 94.3733, 1e-4);
}

}  // namespace
}  // namespace hwnas::core
