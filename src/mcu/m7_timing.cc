// The Cortex-M7 issue model of m7_timing.h, applied block by block.
#include "hwnas/mcu/m7_timing.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <string_view>
#include <unordered_map>

namespace hwnas::mcu {
namespace {

using C = InstructionClass;
using Regs = std::bitset<64>;  // r0-r15 then s0-s31 (a d register stands for its two s halves)

const std::unordered_map<std::string_view, C>& base_classes() {
  static const std::unordered_map<std::string_view, C> m = [] {
    std::unordered_map<std::string_view, C> t;
    for (auto s : {"mov", "mvn", "add", "adc", "sub",  "sbc",  "rsb", "and", "orr", "orn",  "eor",  "bic",
                   "cmp", "cmn", "tst", "teq", "movw", "movt", "adr", "clz", "nop", "addw", "subw", "neg"})
      t[s] = C::alu;
    for (auto s : {"lsl", "lsr", "asr", "ror", "rrx", "sxtb", "sxth", "uxtb", "uxth", "ubfx", "sbfx", "bfi", "bfc"})
      t[s] = C::shifted;
    for (auto s :
         {"sxtb16", "uxtb16",  "sxtab16", "uxtab16", "sxtab",  "sxtah",   "uxtab", "uxtah",  "ssat",   "usat",
          "ssat16", "usat16",  "qadd",    "qsub",    "qdadd",  "qdsub",   "qadd8", "qadd16", "qsub8",  "qsub16",
          "sadd8",  "sadd16",  "ssub8",   "ssub16",  "uadd8",  "uadd16",  "usub8", "usub16", "shadd8", "shadd16",
          "uhadd8", "uhadd16", "uqadd8",  "uqadd16", "uqsub8", "uqsub16", "sasx",  "ssax",   "qasx",   "qsax",
          "sel",    "pkhbt",   "pkhtb",   "rev",     "rev16",  "revsh",   "rbit",  "usad8",  "usada8"})
      t[s] = C::dsp;
    for (auto s : {"mul", "mla", "mls", "umull", "smull", "umlal", "smlal", "umaal"}) t[s] = C::mac;
    for (auto s : {"smlad",   "smladx", "smlsd",   "smlsdx", "smuad",  "smuadx", "smusd",   "smusdx",  "smlald",
                   "smlaldx", "smlsld", "smlsldx", "smlabb", "smlabt", "smlatb", "smlatt",  "smlawb",  "smlawt",
                   "smulbb",  "smulbt", "smultb",  "smultt", "smulwb", "smulwt", "smlalbb", "smlalbt", "smlaltb",
                   "smlaltt", "smmul",  "smmulr",  "smmla",  "smmlar", "smmls",  "smmlsr"})
      t[s] = C::dsp_mac;
    for (auto s : {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrd", "ldrex", "ldrexb", "ldrexh", "ldrt", "vldr"})
      t[s] = C::load;
    for (auto s : {"str", "strb", "strh", "strd", "strex", "strexb", "strexh", "strt", "vstr"}) t[s] = C::store;
    for (auto s : {"ldm", "ldmia", "ldmfd", "ldmdb", "pop", "vldmia", "vldmdb", "vldm", "vpop"})
      t[s] = C::load_multiple;
    for (auto s : {"stm", "stmia", "stmea", "stmdb", "stmfd", "push", "vstmia", "vstmdb", "vstm", "vpush"})
      t[s] = C::store_multiple;
    for (auto s : {"b", "bl", "bx", "blx", "cbz", "cbnz", "tbb", "tbh"}) t[s] = C::branch;
    for (auto s : {"sdiv", "udiv"}) t[s] = C::divide;
    for (auto s :
         {"vadd",   "vsub",   "vmul",   "vnmul",  "vmla",   "vmls",   "vnmla",  "vnmls",  "vfma",  "vfms", "vfnma",
          "vfnms",  "vmov",   "vcvt",   "vcvtr",  "vcmp",   "vcmpe",  "vabs",   "vneg",   "vmrs",  "vmsr", "vsel",
          "vmaxnm", "vminnm", "vrinta", "vrintn", "vrintp", "vrintm", "vrintr", "vrintz", "vrintx"})
      t[s] = C::fp;
    for (auto s : {"vdiv", "vsqrt"}) t[s] = C::fp_long;
    return t;
  }();
  return m;
}

bool is_condition(std::string_view s) {
  static constexpr std::array<std::string_view, 17> conds = {"eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs",
                                                             "vc", "hi", "ls", "ge", "lt", "gt", "le", "al"};
  return std::find(conds.begin(), conds.end(), s) != conds.end();
}

// The base mnemonic and whether it carried a condition: "addgt" -> add, "bne.w" -> b (cond),
// "movs" -> mov, "vadd.f32" -> vadd, "ite" -> it.
struct Mnemonic {
  C cls = C::other;
  std::string_view base;
  bool conditional = false;
};

Mnemonic parse_mnemonic(std::string_view m) {
  if (const size_t dot = m.find('.'); dot != std::string_view::npos) m = m.substr(0, dot);
  if (m.starts_with("it") && m.size() <= 5 &&
      std::all_of(m.begin() + 2, m.end(), [](char c) { return c == 't' || c == 'e'; }))
    return {C::alu, "it", false};
  const auto& t = base_classes();
  const auto lookup = [&](std::string_view s) -> const C* {
    const auto it = t.find(s);
    return it == t.end() ? nullptr : &it->second;
  };
  if (const C* c = lookup(m)) return {*c, m, false};
  if (m.size() > 2 && is_condition(m.substr(m.size() - 2))) {
    const std::string_view b = m.substr(0, m.size() - 2);
    if (const C* c = lookup(b)) return {*c, b, true};
    if (b.size() > 1 && b.back() == 's')
      if (const C* c2 = lookup(b.substr(0, b.size() - 1))) return {*c2, b.substr(0, b.size() - 1), true};
  }
  if (m.size() > 1 && m.back() == 's')
    if (const C* c = lookup(m.substr(0, m.size() - 1))) return {*c, m.substr(0, m.size() - 1), false};
  return {C::other, m, false};  // barriers, BKPT, SVC, MRS/MSR, CPS and anything unknown: alone
}

// Register number of a token, or -1: r0-r15 (sb, sl, fp, ip, sp, lr, pc), s0-s31 -> 16-47,
// d0-d15 -> both halves.
int register_of(std::string_view t, int& second) {
  second = -1;
  static const std::unordered_map<std::string_view, int> named = {{"sb", 9},  {"sl", 10}, {"fp", 11}, {"ip", 12},
                                                                  {"sp", 13}, {"lr", 14}, {"pc", 15}};
  if (const auto it = named.find(t); it != named.end()) return it->second;
  if (t.size() < 2 || t.size() > 3 || !std::all_of(t.begin() + 1, t.end(), [](char c) { return std::isdigit(c); }))
    return -1;
  const int n = std::stoi(std::string(t.substr(1)));
  if (t[0] == 'r' && n < 16) return n;
  if (t[0] == 's' && n < 32) return 16 + n;
  if (t[0] == 'd' && n < 16) return second = 16 + 2 * n + 1, 16 + 2 * n;
  return -1;
}

struct Operands {
  std::vector<int> regs;   // in order of appearance, ranges in lists expanded
  Regs list;               // registers inside { }
  bool writeback = false;  // "!" or a post-indexed address ("[r0], #4")
  int base = -1;           // the register inside [ ] or before "!"
  bool shifted = false;    // a shifted register operand
};

Operands parse_operands(std::string_view s) {
  Operands o;
  bool in_list = false, in_brackets = false;
  int prev = -1, range_from = -1;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
      const std::string_view tok = s.substr(i, j - i);
      int second = -1;
      const int r = register_of(tok, second);
      if (r >= 0) {
        const int from = range_from >= 0 ? range_from + 1 : r;
        for (int k = from; k <= r; ++k) {
          o.regs.push_back(k);
          if (in_list) o.list.set(k);
        }
        if (second >= 0) {
          o.regs.push_back(second);
          if (in_list) o.list.set(second);
        }
        if (in_brackets && o.base < 0) o.base = r;
        prev = r;
        range_from = -1;
      } else if (tok == "lsl" || tok == "lsr" || tok == "asr" || tok == "ror" || tok == "rrx") {
        if (!in_brackets) o.shifted = true;
      }
      i = j;
      continue;
    }
    if (c == '{') in_list = true;
    if (c == '}') in_list = false;
    if (c == '[') in_brackets = true;
    if (c == ']') {
      in_brackets = false;
      if (s.find('#', i) != std::string_view::npos || s.find(',', i) != std::string_view::npos) o.writeback = true;
    }
    if (c == '!') {
      o.writeback = true;
      if (o.base < 0) o.base = prev;
    }
    if (c == '-' && in_list) range_from = prev;
    ++i;
  }
  return o;
}

struct Decoded {
  C cls = C::other;
  bool shifted = false;     // uses the one shifter per cycle
  bool older_only = false;  // DSP/SIMD: only in the older slot
  bool alone = false;       // issues by itself
  bool conditional_branch = false;
  double cycles = 1;   // when alone
  Regs src, dst, acc;  // acc: read as a MAC's accumulator
};

bool is_memory(C c) { return c == C::load || c == C::store || c == C::load_multiple || c == C::store_multiple; }
bool is_mac_pipe(C c) { return c == C::mac || c == C::dsp_mac; }

Decoded decode(const Instruction& ins, const M7Timing& timing) {
  const Mnemonic m = parse_mnemonic(ins.mnemonic);
  const Operands o = parse_operands(ins.operands);
  Decoded d;
  d.cls = m.cls;
  d.shifted =
      m.cls == C::shifted || o.shifted ||
      (m.cls == C::dsp && (m.base.starts_with("sxt") || m.base.starts_with("uxt") || m.base.starts_with("pkh")));
  d.older_only = m.cls == C::dsp || m.cls == C::dsp_mac;
  const auto all = [&] {
    Regs r;
    for (int x : o.regs) r.set(x);
    return r;
  };
  const Regs regs = all();
  switch (m.cls) {
    case C::store:
      d.src = regs;
      if (o.writeback && o.base >= 0) d.dst.set(o.base);
      break;
    case C::store_multiple:
    case C::load_multiple: {
      const size_t n = std::max<size_t>(1, o.list.count());
      d.alone = true;
      d.cycles = static_cast<double>((n + 1) / 2);
      const bool stack = m.base == "push" || m.base == "pop" || m.base == "vpush" || m.base == "vpop";
      const int base = stack ? 13 : (o.regs.empty() ? -1 : o.regs.front());
      if (base >= 0) d.src.set(base);
      if (base >= 0 && (stack || o.writeback)) d.dst.set(base);
      if (m.cls == C::store_multiple) d.src |= o.list;
      else d.dst |= o.list;
      if (m.cls == C::load_multiple && o.list.test(15)) d.cls = C::branch;  // pop {.., pc}: a return
      break;
    }
    case C::load: {
      d.src = regs;
      const size_t n_dst = m.base == "ldrd" ? 2 : 1;
      for (size_t k = 0; k < std::min(n_dst, o.regs.size()); ++k) {
        d.dst.set(o.regs[k]);
        d.src.reset(o.regs[k]);
      }
      if (o.writeback && o.base >= 0) d.dst.set(o.base);
      if (d.dst.test(15)) d.cls = C::branch;  // ldr pc, [..]
      break;
    }
    case C::branch:
      d.src = regs;
      d.conditional_branch = m.conditional || m.base == "cbz" || m.base == "cbnz";
      if (m.base == "bl" || m.base == "blx") d.dst.set(14);
      break;
    case C::alu:
      d.src = regs;
      if (m.base != "cmp" && m.base != "cmn" && m.base != "tst" && m.base != "teq" && m.base != "it" &&
          m.base != "nop" && !o.regs.empty()) {
        d.dst.set(o.regs.front());
        // A two-operand form ("add r0, r1") reads its destination; "mov r0, r1" does not.
        const bool reads_dst = o.regs.size() == 2 && m.base != "mov" && m.base != "mvn" && m.base != "clz" &&
                               m.base != "adr" && m.base != "neg";
        if (!reads_dst && std::count(o.regs.begin(), o.regs.end(), o.regs.front()) == 1) d.src.reset(o.regs.front());
      }
      break;
    default: {
      d.src = regs;
      size_t n_dst = 1;
      if (m.base == "umull" || m.base == "smull" || m.base == "umlal" || m.base == "smlal" || m.base == "umaal" ||
          m.base.starts_with("smlal") || m.base.starts_with("smlsl"))
        n_dst = 2;
      if (m.cls == C::fp && (m.base == "vcmp" || m.base == "vcmpe")) n_dst = 0;
      for (size_t k = 0; k < std::min(n_dst, o.regs.size()); ++k) d.dst.set(o.regs[k]);
      const bool accumulates = (m.cls == C::mac || m.cls == C::dsp_mac) && o.regs.size() == 4;
      if (accumulates && n_dst == 1) d.acc.set(o.regs.back());
      if (n_dst == 2 && (m.base.find("mla") != std::string_view::npos || m.base == "umaal")) d.acc = d.dst;
      // Destinations not also read (an accumulating long multiply reads them).
      for (size_t k = 0; k < std::min(n_dst, o.regs.size()); ++k)
        if (!d.acc.test(o.regs[k]) && std::count(o.regs.begin(), o.regs.end(), o.regs[k]) == 1) d.src.reset(o.regs[k]);
      d.src &= ~d.acc;
      if (m.cls == C::divide) d.alone = true, d.cycles = timing.divide_cycles;
      if (m.cls == C::fp_long) d.alone = true, d.cycles = timing.fp_long_cycles;
      if (m.cls == C::other) d.alone = true;
    }
  }
  return d;
}

bool can_pair(const Decoded& older, const Decoded& younger) {
  if (older.cls == C::branch || older.alone || younger.alone || younger.older_only) return false;
  // Two single loads may share a cycle (an assumption: the data path is 64 bits wide); a store
  // pairs with no memory access.
  if (is_memory(older.cls) && is_memory(younger.cls) && !(older.cls == C::load && younger.cls == C::load)) return false;
  if (is_mac_pipe(older.cls) && is_mac_pipe(younger.cls)) return false;
  if (older.shifted && younger.shifted) return false;
  if (((younger.src | younger.acc) & older.dst).any() || (younger.dst & older.dst).any()) return false;
  return true;
}

}  // namespace

InstructionClass classify(const Instruction& ins) { return decode(ins, {}).cls; }

const char* class_name(InstructionClass c) {
  switch (c) {
    case C::alu:
      return "alu";
    case C::shifted:
      return "shifted";
    case C::dsp:
      return "dsp";
    case C::mac:
      return "mac";
    case C::dsp_mac:
      return "dsp_mac";
    case C::load:
      return "load";
    case C::store:
      return "store";
    case C::load_multiple:
      return "load_multiple";
    case C::store_multiple:
      return "store_multiple";
    case C::branch:
      return "branch";
    case C::divide:
      return "divide";
    case C::fp:
      return "fp";
    case C::fp_long:
      return "fp_long";
    case C::other:
      return "other";
  }
  return "?";
}

double block_issue_cycles(const Block& block, const M7Timing& timing) {
  std::vector<Decoded> d;
  d.reserve(block.code.size());
  for (const auto& ins : block.code) d.push_back(decode(ins, timing));
  // Cycle (from the block's start) at which each register can be read; accumulators separately.
  std::array<double, 64> ready{}, acc_ready{};
  const auto operands_ready = [&](const Decoded& x) {
    double t = 0;
    for (size_t r = 0; r < 64; ++r) {
      if (x.src.test(r)) t = std::max(t, ready[r]);
      if (x.acc.test(r)) t = std::max(t, acc_ready[r]);
    }
    return t;
  };
  const auto retire = [&](const Decoded& x, double issued, double cost) {
    const double latency = x.cls == C::load || x.cls == C::load_multiple || is_mac_pipe(x.cls) ? 2 : 1;
    for (size_t r = 0; r < 64; ++r)
      if (x.dst.test(r)) {
        ready[r] = issued + std::max(cost, latency);
        acc_ready[r] = issued + std::max(cost, is_mac_pipe(x.cls) ? 1.0 : latency);
      }
  };
  double t = 0;
  size_t i = 0;
  while (i < d.size()) {
    const Decoded& a = d[i];
    const double t0 = std::max(t, operands_ready(a));
    if (a.alone) {
      retire(a, t0, a.cycles);
      t = t0 + a.cycles;
      ++i;
      continue;
    }
    const bool pair = i + 1 < d.size() && can_pair(a, d[i + 1]) && operands_ready(d[i + 1]) <= t0;
    retire(a, t0, 1);
    if (pair) retire(d[i + 1], t0, 1);
    t = t0 + 1;
    i += pair ? 2 : 1;
  }
  return t;
}

SegmentCycles segment_cycles(const ExecutionTrace& trace, const TraceSegment& segment, const M7Timing& timing) {
  SegmentCycles s;
  for (const BlockCount& c : segment.counts) {
    const Block& b = trace.blocks[static_cast<size_t>(c.block)];
    s.instructions += c.executions * b.code.size();
    s.issue_cycles += static_cast<double>(c.executions) * block_issue_cycles(b, timing);
    if (!b.code.empty() && decode(b.code.back(), timing).conditional_branch) {
      const uint64_t taken = c.executions - c.fell_through;
      s.mispredict_cycles += static_cast<double>(std::min(taken, c.fell_through)) * timing.mispredict_cycles;
    }
  }
  s.cycles = s.issue_cycles + s.mispredict_cycles;
  return s;
}

}  // namespace hwnas::mcu
