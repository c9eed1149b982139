#include "hwnas/exp/task_progress.h"

#include <cstdio>

#include <gtest/gtest.h>

namespace hwnas::exp {
namespace {

TEST(TaskProgress, LineHasRateAndEta) {
  // 500 of 2,000 in 2 s: 250/s, 1,500 left -> 6 s.
  EXPECT_EQ(TaskProgress::line("evaluating", "examples", 500, 2000, 2.0),
            "evaluating 500/2,000 examples | 250.0 examples/s, ETA 6 s");
  EXPECT_EQ(TaskProgress::line("evaluating", "examples", 2000, 2000, 4.0),
            "evaluating 2,000/2,000 examples | 500.0 examples/s, 4.0 s");
  EXPECT_EQ(TaskProgress::line("epoch 1", "batches", 0, 10, 0.0), "epoch 1 0/10 batches");
}

TEST(TaskProgress, LogsPrintAtEveryTenthAndTheEnd) {
  std::FILE* f = std::tmpfile();
  TaskProgress p(f, false, "t", "x");
  for (int i = 1; i <= 100; ++i) p.update(i, 100);
  std::rewind(f);
  int lines = 0;
  for (int c; (c = std::fgetc(f)) != EOF;) lines += c == '\n';
  std::fclose(f);
  EXPECT_EQ(lines, 11);  // the first (1), then 10, 20, ..., 90, and 100: one line per tenth
}

}  // namespace
}  // namespace hwnas::exp
