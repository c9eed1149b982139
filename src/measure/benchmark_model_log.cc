#include "hwnas/measure/benchmark_model_log.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::measure {

std::string BenchmarkRun::model() const {
  if (graph.empty()) return std::filesystem::path(source).stem().string();
  const size_t slash = graph.find_last_of("/\\");
  std::string name = graph.substr(slash == std::string::npos ? 0 : slash + 1);
  if (name.size() > 7 && name.ends_with(".tflite")) name.resize(name.size() - 7);
  return name;
}

std::string BenchmarkRun::where() const { return fmt::format("{}:{}", source, line); }

namespace {

constexpr std::string_view kSpace = " \t\r\n";
constexpr std::string_view kTimingsForm =
    "'Inference timings in us: Init: <us>, First inference: <us>, Warmup (avg): <us>, Inference (avg): <us>'";
constexpr std::string_view kStatsForm = "'count=<n> first=<us> curr=<us> min=<us> max=<us> avg=<us> std=<us>'";
constexpr std::string_view kTableForm = "[Node type] [count] [avg ms] [avg %] [cdf %] [mem KB] [times called]";

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// Pops the next whitespace-separated token of `s`.
std::string_view token(std::string_view& s) {
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) {
    s = {};
    return {};
  }
  const size_t e = std::min(s.find_first_of(kSpace, b), s.size());
  const std::string_view t = s.substr(b, e - b);
  s.remove_prefix(e);
  return t;
}

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::string_view t = token(s); !t.empty(); t = token(s)) out.push_back(t);
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool is_level(std::string_view s) { return s.size() == 1 && std::string_view("VDIWEF").find(s[0]) != std::string_view::npos; }

// A finite number, the whole of `s` ("15610.4", "1.56104e+04"); nullopt otherwise.
std::optional<double> number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}
std::optional<int> integer(double v) {
  if (v < 0 || v > 2e9 || v != std::floor(v)) return std::nullopt;
  return static_cast<int>(v);
}
std::optional<int> integer(std::string_view s) {
  const std::optional<double> v = number(s);
  return v ? integer(*v) : std::nullopt;
}

// The message of a logcat line, whatever the format logcat was asked for ("threadtime":
// "12-06 10:15:32.123  1234  1234 I tflite  : msg"; "time": "12-06 10:15:32.123 I/tflite( 1234): msg";
// "brief": "I/tflite( 1234): msg"; "tag": "I/tflite: msg"), else the line itself.
std::string_view strip_logcat(std::string_view line) {
  std::string_view rest = line;
  std::string_view t = token(rest);
  if (t.size() == 5 && t[2] == '-' && all_digits(t.substr(0, 2)) && all_digits(t.substr(3))) {
    const std::string_view time = token(rest);
    if (time.empty() || time.find(':') == std::string_view::npos || !all_digits(time.substr(0, 1))) return line;
    const std::string_view after_time = rest;
    if (all_digits(token(rest)) && all_digits(token(rest)) && is_level(token(rest))) {
      const size_t colon = rest.find(':');
      if (colon == std::string_view::npos) return line;
      rest.remove_prefix(colon + 1);
      return rest.starts_with(' ') ? rest.substr(1) : rest;
    }
    rest = after_time;
    t = token(rest);
  }
  if (t.size() >= 3 && is_level(t.substr(0, 1)) && t[1] == '/') {  // brief, time, tag
    const size_t colon = line.find(':', static_cast<size_t>(t.data() - line.data()));
    std::string_view msg = line.substr(colon + 1);
    return msg.starts_with(' ') ? msg.substr(1) : msg;
  }
  if (is_level(t)) {  // "I tflite  : msg" (threadtime with the date cut off)
    const std::string_view tag = token(rest);
    std::string_view msg;
    if (tag.size() > 1 && tag.ends_with(':')) msg = rest;
    else if (token(rest) == ":") msg = rest;
    else return line;
    return msg.starts_with(' ') ? msg.substr(1) : msg;
  }
  return line;
}

// The message benchmark_model logged: logcat's and TFLite's own prefixes ("INFO: ") removed.
std::string_view message(std::string_view line) {
  std::string_view s = strip_logcat(line);
  for (std::string_view p : {"INFO: ", "VERBOSE: ", "WARNING: ", "ERROR: "})
    if (s.starts_with(p)) s.remove_prefix(p.size());
  return trim(s);
}

// "count=50 first=... avg=... std=..." as key -> value; throws on a token that is not key=<number>.
std::map<std::string, double, std::less<>> key_values(std::string_view s, const std::string& where) {
  std::map<std::string, double, std::less<>> kv;
  for (std::string_view t : tokens(s)) {
    const size_t eq = t.find('=');
    const std::optional<double> v = eq == std::string_view::npos ? std::nullopt : number(t.substr(eq + 1));
    if (!v) fail(where, "expected {}, got '{}' in '{}'", kStatsForm, t, s);
    kv.emplace(std::string(t.substr(0, eq)), *v);
  }
  return kv;
}

std::optional<double> get(const std::map<std::string, double, std::less<>>& kv, std::string_view key) {
  const auto it = kv.find(key);
  return it == kv.end() ? std::nullopt : std::optional<double>(it->second);
}

// "Label: [value]" of the parameter block.
std::optional<std::pair<std::string_view, std::string_view>> parameter(std::string_view s) {
  const size_t open = s.find(": [");
  if (open == std::string_view::npos || !s.ends_with(']')) return std::nullopt;
  return std::pair{s.substr(0, open), s.substr(open + 3, s.size() - open - 4)};
}

// `adb shell /data/local/tmp/benchmark_model --graph=...`, possibly continued on the next lines.
bool command_line(std::string_view s) {
  for (std::string_view t : tokens(s)) {
    while (!t.empty() && (t.back() == '\'' || t.back() == '"')) t.remove_suffix(1);
    if (t.ends_with("benchmark_model")) return true;
  }
  return false;
}

bool truthy(std::string_view v) { return v == "1" || v == "true"; }

struct Timings {  // the line that sums the run up
  int line = 0;
  std::optional<double> init_us, first_us, warmup_us;
  double avg_us = 0;
};

// "Inference timings in us: Init: 3216, First inference: 16432, Warmup (avg): 15843.2, Inference (avg): 15610.4"
// (2.x), "Average inference timings in us: Warmup: 83235, Init: 38467, Inference: 79760.9" (1.13+),
// "...: Warmup: 135310, Init: 12123, no stats: 150988" (1.12), "...: 950 , Warmup: 7122, " (earlier).
Timings parse_timings(std::string_view body, bool legacy, int line, const std::string& where) {
  std::map<std::string, double, std::less<>> v;
  std::optional<double> bare;
  const std::string form = legacy ? "'Average inference timings in us: Warmup: <us>, Init: <us>, Inference: <us>'"
                                  : std::string(kTimingsForm);
  size_t start = 0;
  while (start <= body.size()) {
    const size_t comma = std::min(body.find(',', start), body.size());
    const std::string_view seg = trim(body.substr(start, comma - start));
    start = comma + 1;
    if (seg.empty()) continue;
    const size_t colon = seg.rfind(':');
    if (colon == std::string_view::npos) {
      if (legacy && !bare && number(seg)) bare = number(seg);
      else fail(where, "expected {}, got '{}'", form, seg);
      continue;
    }
    const std::string_view label = trim(seg.substr(0, colon)), value = trim(seg.substr(colon + 1));
    const std::optional<double> x = number(value);
    if (!x) fail(where, "expected {}; '{}' has {} instead of a number of microseconds", form, label,
                 value.empty() ? "nothing" : fmt::format("'{}'", value));
    v[std::string(label)] = *x;
  }
  Timings t{.line = line};
  if (legacy) {
    const std::optional<double> avg = get(v, "Inference") ? get(v, "Inference") : get(v, "no stats") ? get(v, "no stats") : bare;
    if (!avg) fail(where, "expected {}: no 'Inference' figure", form);
    t.avg_us = *avg;
    t.init_us = get(v, "Init");
    t.warmup_us = get(v, "Warmup");
    return t;
  }
  for (std::string_view label : {"Init", "First inference", "Warmup (avg)", "Inference (avg)"})
    if (!get(v, label)) fail(where, "expected {}: no '{}' figure", form, label);
  t.init_us = get(v, "Init");
  t.first_us = get(v, "First inference");
  t.warmup_us = get(v, "Warmup (avg)");
  t.avg_us = *get(v, "Inference (avg)");
  return t;
}

OpTypeSummary parse_op_row(std::string_view s, const std::string& where) {
  const std::vector<std::string_view> f = tokens(s);
  auto pct = [](std::string_view x) { return number(x.ends_with('%') ? x.substr(0, x.size() - 1) : x); };
  const size_t n = f.size();
  if (n >= 7) {
    const auto count = integer(f[n - 6]), called = integer(f[n - 1]);
    const auto avg = number(f[n - 5]), avg_pct = pct(f[n - 4]), cdf = pct(f[n - 3]), mem = number(f[n - 2]);
    if (count && called && avg && avg_pct && cdf && mem) {
      OpTypeSummary r{.count = *count, .avg_ms = *avg, .avg_percent = *avg_pct, .cdf_percent = *cdf, .mem_kb = *mem,
                      .times_called = *called};
      for (size_t i = 0; i + 6 < n; ++i) r.node_type += (i ? " " : "") + std::string(f[i]);
      return r;
    }
  }
  fail(where, "expected a row of 'Summary by node type' ({}), got '{}'", kTableForm, s);
}

struct StatsLine {
  int line = 0;
  std::map<std::string, double, std::less<>> kv;
};

// Reads a log line by line, splitting it into runs (see the header for where a run starts).
class RunReader {
 public:
  explicit RunReader(const std::string& source) : source_(source) {}

  void line(std::string_view raw, int n) {
    n_ = n;
    const std::string_view s = message(raw);
    if (st_.table == Table::Header || st_.table == Table::Rows) return table_line(s);
    if (s.empty()) return;
    if (s == "STARTING!") {
      if (st_.started || has_timing()) flush();
      st_.started = st_.any = true;
      if (!st_.start) st_.start = n;
      return;
    }
    if (command_line(s)) {
      if (st_.any) flush();
      return flags(s);
    }
    if (s.starts_with("--")) return flags(s);
    if (const auto p = parameter(s)) return param(p->first, p->second);
    if (s.starts_with("Loaded model ")) {
      if (st_.run.graph.empty()) set_graph(trim(s.substr(13)));
      return;
    }
    if (s.starts_with("Initialized session in ")) {
      std::string_view ms = trim(s.substr(23));
      if (ms.ends_with('.')) ms.remove_suffix(1);
      if (ms.ends_with("ms")) ms.remove_suffix(2);
      st_.session_init_us = number(ms) ? std::optional<double>(*number(ms) * 1000) : std::nullopt;
      return;
    }
    if (s.starts_with("Created TensorFlow Lite") && s.find("delegate") != std::string_view::npos) {
      if (s.find("XNNPACK") != std::string_view::npos) add_delegate("xnnpack");
      else if (s.find("GPU") != std::string_view::npos) add_delegate("gpu");
      else if (s.find("NNAPI") != std::string_view::npos) add_delegate("nnapi");
      else if (s.find("Hexagon") != std::string_view::npos) add_delegate("hexagon");
      return;
    }
    if (s.starts_with("Replacing ") && s.find(" node(s) with delegate") != std::string_view::npos) {
      std::string_view rest = s.substr(10);
      const std::string_view done = token(rest), out = token(rest), of = token(rest), total = token(rest);
      if (!st_.run.delegated_nodes && all_digits(done) && out == "out" && of == "of" && all_digits(total))
        st_.run.delegated_nodes = fmt::format("{}/{}", done, total);
      return;
    }
    if (s.starts_with("Running benchmark for")) {
      ++st_.phases;
      return;
    }
    if (s.starts_with("count=")) {
      st_.stats.push_back({n, key_values(s, where())});
      st_.any = true;
      if (!st_.start) st_.start = n;
      return;
    }
    if (s.starts_with("Inference timings in us:")) return timings(s.substr(24), false);
    if (s.starts_with("Average inference timings in us:")) return timings(s.substr(32), true);
    if (s.starts_with("Memory footprint delta from the start of the tool (MB):") ||
        s.starts_with("Peak memory footprint (MB):"))
      return memory(s.substr(s.find("):") + 2));
    if (constexpr std::string_view peak = "Overall peak memory footprint (MB) via periodic monitoring:";
        s.starts_with(peak)) {
      const std::string_view v = trim(s.substr(peak.size()));
      if (!number(v)) fail(where(), "expected 'Overall peak memory footprint (MB) via periodic monitoring: <MB>', got '{}'", s);
      st_.run.peak_memory_mb = number(v);
      return;
    }
    if (s.starts_with("Profiling Info for Benchmark Initialization")) {
      st_.section = Section::Init;
      return;
    }
    if (s.starts_with("Operator-wise Profiling Info for Regular Benchmark Runs")) {
      st_.section = Section::Regular;
      return;
    }
    if (s.starts_with("=====") && s.find("Summary by node type") != std::string_view::npos) {
      st_.table = Table::Header;
      st_.table_start = n;
      st_.keep_table = st_.section != Section::Init;
      return;
    }
    if (s.starts_with("Timings (microseconds):")) st_.trailer_pending = false;
  }

  std::vector<BenchmarkRun> take(int last_line) {
    n_ = 0;
    last_line_ = last_line;
    flush();
    if (runs_.empty())
      fail(source_, "no benchmark_model run found: expected {} or {} lines", kTimingsForm, kStatsForm);
    return std::move(runs_);
  }

 private:
  enum class Table { None, Header, Rows };
  enum class Section { Unknown, Init, Regular };

  // Completes the run being read (at a run boundary or the end of the log).
  void flush() {
    if (st_.table != Table::None || st_.trailer_pending)
      fail(fmt::format("{}:{}", source_, st_.table_start),
           "the 'Summary by node type' table is cut off: expected its rows ({}), a blank line and "
           "'Timings (microseconds): count=...' before {}",
           kTableForm, n_ ? fmt::format("line {}", n_) : std::string("the end of the log"));
    if (st_.any) runs_.push_back(build());
    st_ = State{};  // the line being read, if any, belongs to the next run
  }

  std::string where() const { return fmt::format("{}:{}", source_, n_); }
  bool has_timing() const { return st_.timings.has_value() || !st_.stats.empty(); }

  void set_graph(std::string_view g) {
    if (has_timing()) flush();  // "Graph: [...]" after a finished run: the next run, without "STARTING!"
    st_.run.graph = std::string(g);
    st_.any = true;
    if (!st_.start) st_.start = n_;
  }

  void add_delegate(const std::string& d) {
    if (std::find(st_.run.delegates.begin(), st_.run.delegates.end(), d) == st_.run.delegates.end())
      st_.run.delegates.push_back(d);
  }

  void param(std::string_view raw_label, std::string_view value) {
    // Versions differ in case and spacing: "Use NNAPI: [1]", "Use nnapi : [0]".
    std::string label(trim(raw_label));
    std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return std::tolower(c); });
    if (label == "graph") return set_graph(value);
    if (label == "#threads used for cpu inference" || (label == "num threads" && !st_.cpu_threads)) {
      if (const auto t = integer(value)) st_.run.threads = *t;
      st_.cpu_threads = st_.cpu_threads || label.starts_with('#');
    } else if (label.starts_with("use ") && truthy(value)) {
      for (std::string_view d : {"gpu", "nnapi", "xnnpack", "hexagon"})
        if (label == fmt::format("use {}", d)) add_delegate(std::string(d));
    }
  }

  // The command line: --graph=..., --num_threads=..., --use_gpu=true, ...
  void flags(std::string_view s) {
    for (std::string_view t : tokens(s)) {
      while (!t.empty() && (t.front() == '\'' || t.front() == '"')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == '\'' || t.back() == '"')) t.remove_suffix(1);
      const size_t eq = t.find('=');
      if (!t.starts_with("--") || eq == std::string_view::npos) continue;
      const std::string_view flag = t.substr(2, eq - 2), value = t.substr(eq + 1);
      if (flag == "graph") set_graph(value);
      else if (flag == "num_threads" && integer(value) && !st_.cpu_threads) st_.run.threads = integer(value);
      else if (flag == "use_gpu" && truthy(value)) add_delegate("gpu");
      else if (flag == "use_nnapi" && truthy(value)) add_delegate("nnapi");
      else if (flag == "use_xnnpack" && truthy(value)) add_delegate("xnnpack");
      else if (flag == "use_hexagon" && truthy(value)) add_delegate("hexagon");
    }
    st_.any = true;
    if (!st_.start) st_.start = n_;
  }

  void timings(std::string_view body, bool legacy) {
    if (st_.timings) flush();  // a second summary line: the next run, its header cut away
    st_.timings = parse_timings(body, legacy, n_, where());
    st_.any = true;
    if (!st_.start) st_.start = n_;
  }

  void memory(std::string_view body) {
    const auto kv = key_values(body, where());
    if (!get(kv, "init") || !get(kv, "overall"))
      fail(where(), "expected 'Memory footprint delta from the start of the tool (MB): init=<MB> overall=<MB>', got '{}'",
           trim(body));
    st_.run.init_memory_mb = get(kv, "init");
    st_.run.overall_memory_mb = get(kv, "overall");
  }

  void table_line(std::string_view s) {
    if (st_.table == Table::Header) {
      if (!s.starts_with("[Node type]"))
        fail(where(), "expected the header of 'Summary by node type' ({}), got '{}'", kTableForm, s);
      st_.table = Table::Rows;
      return;
    }
    if (s.empty() || s.starts_with("Timings (microseconds):")) {
      if (st_.keep_table && st_.run.op_summary.empty())
        fail(where(), "the 'Summary by node type' table of line {} has no rows", st_.table_start);
      st_.table = Table::None;
      st_.trailer_pending = !s.starts_with("Timings");
      return;
    }
    const OpTypeSummary row = parse_op_row(s, where());
    if (st_.keep_table) st_.run.op_summary.push_back(row);
  }

  BenchmarkRun build() {
    BenchmarkRun r = std::move(st_.run);
    r.source = source_;
    // The regular runs' statistics: the last count= line; the one before it is the warm-up's.
    // With "Running benchmark for ..." lines, a lone count= line after the first is the warm-up's.
    const StatsLine* regular = nullptr;
    const StatsLine* warmup = nullptr;
    if (!st_.stats.empty() && !(st_.phases == 1 && st_.stats.size() == 1)) {
      regular = &st_.stats.back();
      if (st_.stats.size() >= 2) warmup = &st_.stats[st_.stats.size() - 2];
    } else if (!st_.stats.empty()) {
      warmup = &st_.stats.back();
    }
    if (!st_.timings && !regular)
      fail(fmt::format("{}:{}", source_, st_.start),
           "the run{} has no timing: expected {} or the regular runs' {} before {}",
           r.graph.empty() ? "" : fmt::format(" of {}", r.graph), kTimingsForm, kStatsForm,
           n_ ? fmt::format("line {}", n_) : fmt::format("the end of the log (line {})", last_line_));
    if (regular) {
      const auto& kv = regular->kv;
      const std::optional<double> count = get(kv, "count");
      if (!get(kv, "avg") || !count || !integer(*count))
        fail(fmt::format("{}:{}", source_, regular->line),
             "the regular runs' statistics need a whole count= and an avg=: expected {}", kStatsForm);
      r.count = integer(*count);
      r.std_us = get(kv, "std");
      r.min_us = get(kv, "min");
      r.max_us = get(kv, "max");
      r.median_us = get(kv, "median");
      r.avg_us = *get(kv, "avg");
      r.line = regular->line;
    }
    if (st_.timings) {
      r.avg_us = st_.timings->avg_us;
      r.init_us = st_.timings->init_us;
      r.first_us = st_.timings->first_us;
      r.warmup_avg_us = st_.timings->warmup_us;
      r.line = st_.timings->line;
    } else {
      r.init_us = st_.session_init_us;
      if (warmup) {
        r.first_us = get(warmup->kv, "first") ? get(warmup->kv, "first") : get(warmup->kv, "curr");
        r.warmup_avg_us = get(warmup->kv, "avg") ? get(warmup->kv, "avg") : get(warmup->kv, "curr");
      }
    }
    if (!r.init_us) r.init_us = st_.session_init_us;
    return r;
  }

  // What is known of the run being read; reset at each run boundary.
  struct State {
    BenchmarkRun run;
    int start = 0, phases = 0, table_start = 0;  // lines; "Running benchmark for ..." lines seen
    bool started = false, any = false, cpu_threads = false;
    std::optional<Timings> timings;
    std::vector<StatsLine> stats;  // top-level count= lines, in order
    std::optional<double> session_init_us;
    Table table = Table::None;
    Section section = Section::Unknown;
    bool keep_table = false, trailer_pending = false;
  };

  std::string source_;
  std::vector<BenchmarkRun> runs_;
  int n_ = 0, last_line_ = 0;
  State st_;
};

}  // namespace

std::vector<BenchmarkRun> parse_benchmark_model_log(std::string_view text, const std::string& source) {
  RunReader reader(source);
  int n = 0;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    reader.line(line, ++n);
    start = end + 1;
  }
  return reader.take(n);
}

}  // namespace hwnas::measure
