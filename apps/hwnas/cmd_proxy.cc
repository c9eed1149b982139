// hwnas proxy: zero-cost proxies of a list of architectures, to a CSV (arch,<name>...).
//
//   hwnas proxy synflow,naswot,ensemble --space nb201 --archs archs.txt --csv out.csv
//       --dataset fashion-mnist:/usr/share/datasets/fashion-mnist [--batch 64] [--seed 0] [--threads 2]
//   hwnas proxy synflow --space nb201 --sample 100 --seed 1 --csv out.csv
//
// The proxies are train/proxies.h's, computed in the interop plugin (libtorch) through eval's
// proxy scorer; `ensemble` is the mean rank of eval::ensemble_members() over the listed archs.
// Progress with an ETA goes to stderr.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "hwnas/eval/proxy_scores.h"
#include "hwnas/space/arch_list.h"
#include "hwnas/space/sample_distinct.h"
#include "hwnas/target/resolver.h"

namespace hwnas::cli {
namespace {

struct ProxyArgs {
  std::string names, space, archs, csv, dataset;
  size_t sample = 0;
  int batch = 64, threads = 0;
  uint64_t seed = 0;
};

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const std::string n = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (n.empty()) fail("proxy names '" + s + "'", "has an empty name; separate names by single commas");
    out.push_back(n);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// "scored 40/200 archs, 2.1 archs/s, ETA 76 s", redrawn on a terminal, every 10% elsewhere.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), terminal_(isatty(fileno(stderr))) {}
  void update(size_t done) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const size_t step = std::max<size_t>(1, total_ / 10);
    if (!terminal_ && done % step != 0 && done != total_) return;
    const double rate = s > 0 ? static_cast<double>(done) / s : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    fmt::print(stderr, "{}scored {}/{} archs, {:.2f} archs/s, ETA {:.0f} s{}", terminal_ ? "\r" : "", done, total_,
               rate, eta, terminal_ && done != total_ ? "" : "\n");
    std::fflush(stderr);
  }
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  size_t total_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void run(const ProxyArgs& a) {
  if (a.archs.empty() == (a.sample == 0)) fail("hwnas proxy", "give either --archs FILE or --sample N (not both)");
  const std::vector<std::string> names = split_names(a.names);
  const auto sp = target::resolve_space(a.space);
  std::vector<std::string> texts;
  std::vector<space::Arch> archs;
  if (!a.archs.empty()) {
    for (space::ArchLine& l : space::read_arch_list(a.archs, *sp)) {
      texts.push_back(l.text);
      archs.push_back(std::move(l.arch));
    }
  } else {
    Rng rng(a.seed);
    archs = space::sample_distinct(*sp, a.sample, rng);
    for (const space::Arch& x : archs) texts.push_back(sp->to_string(x));
  }
  auto scorer = eval::make_proxy_scorer({.dataset = a.dataset, .batch = a.batch, .seed = a.seed, .threads = a.threads});
  eval::check_proxy_names(names, *scorer);  // before any work
  if (a.dataset.empty())
    for (const std::string& n : names)
      for (const std::string& p : n == "ensemble" ? eval::ensemble_members() : std::vector<std::string>{n})
        if (scorer->needs_data(p))
          fail("proxy " + n,
               "{} reads a batch of data: give --dataset <kind>:<path> (e.g. "
               "fashion-mnist:/usr/share/datasets/fashion-mnist)",
               p);
  Progress progress(archs.size());
  const eval::ProxyTable t =
      eval::score_archs(*sp, archs, names, *scorer, [&](size_t done, size_t) { progress.update(done); });
  std::vector<std::string> header = {"arch"};
  header.insert(header.end(), names.begin(), names.end());
  std::string csv = core::csv_line(header);
  for (size_t i = 0; i < archs.size(); ++i) {
    std::vector<std::string> row = {texts[i]};
    for (const auto& col : t.values) row.push_back(core::format_number(col[i]));
    csv += core::csv_line(row);
  }
  write_file_atomic(a.csv, csv);
  fmt::print("wrote {} ({} archs of {}, {}; {:.1f} s)\n", a.csv, archs.size(), sp->name(), scorer->source(),
             progress.seconds());
  for (const std::string& n : names)
    if (n == "ensemble")
      fmt::print("ensemble: mean rank over these archs of {}\n", fmt::join(eval::ensemble_members(), ", "));
}

const CommandRegistration reg(45, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("proxy", "Zero-cost proxies (synflow, naswot, ...) of a list of archs, to a CSV");
  auto a = std::make_shared<ProxyArgs>();
  cmd->add_option("names", a->names,
                  "proxies, comma-separated: synflow, naswot, jacob_cov, snip, grad_norm, params, macs, ensemble")
      ->required();
  cmd->add_option("--space", a->space, "the space of the archs (nb201, mbconv, ... or YAML)")->required();
  cmd->add_option("--archs", a->archs, "a file with one arch string per line");
  cmd->add_option("--sample", a->sample, "instead of --archs: this many different archs drawn with --seed");
  cmd->add_option("--csv", a->csv, "the CSV to write: arch,<name>...")->required();
  cmd->add_option("--dataset", a->dataset,
                  "<kind>:<path> for naswot, jacob_cov, snip, grad_norm (e.g. "
                  "fashion-mnist:/usr/share/datasets/fashion-mnist)");
  cmd->add_option("--batch", a->batch, "examples in the one batch the data proxies read")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000));
  cmd->add_option("--seed", a->seed, "initial weights, the batch drawn and --sample")->capture_default_str();
  cmd->add_option("--threads", a->threads, "libtorch intra-op threads (0: its default)")->check(CLI::NonNegativeNumber);
  cmd->callback([a] { run(*a); });
});

}  // namespace
}  // namespace hwnas::cli
