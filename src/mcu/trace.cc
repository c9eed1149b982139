// QEMU's in_asm/exec log folded into block execution counts per segment.
#include "hwnas/mcu/trace.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <unordered_map>

#include "hwnas/core/error.h"
#include "hwnas/core/subprocess.h"
#include "hwnas/mcu/elf.h"
#include "hwnas/mcu/qemu.h"

namespace hwnas::mcu {
namespace fs = std::filesystem;
namespace {

bool parse_hex(std::string_view s, uint64_t& v) {
  if (s.starts_with("0x")) s.remove_prefix(2);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "0x00002056:  f843 0b04  str      r0, [r3], #4": address, encoding (one or two halfwords),
// mnemonic, operands.
bool parse_instruction(std::string_view line, Instruction& ins) {
  const size_t colon = line.find(':');
  uint64_t address = 0;
  if (colon == std::string_view::npos || !parse_hex(line.substr(0, colon), address)) return false;
  std::string_view rest = trim(line.substr(colon + 1));
  ins.address = static_cast<uint32_t>(address);
  ins.size = 0;
  for (int half = 0; half < 2; ++half) {
    uint64_t enc = 0;
    if (rest.size() < 4 || !parse_hex(rest.substr(0, 4), enc) || (rest.size() > 4 && rest[4] != ' ')) break;
    ins.size += 2;
    rest = trim(rest.substr(4));
  }
  if (ins.size == 0 || rest.empty()) return false;
  const size_t space = rest.find_first_of(" \t");
  ins.mnemonic = std::string(rest.substr(0, space));
  ins.operands = space == std::string_view::npos ? "" : std::string(trim(rest.substr(space)));
  return true;
}

// "Trace 0: 0x7f1648000100 [00800408/00002018/00000110/ff020200] symbol": QEMU 7's
// [cs_base/pc/flags/cflags]. Returns pc and cflags (one pc can be translated twice with
// different cflags, e.g. a one-instruction block for an I/O access under -icount).
bool parse_exec(std::string_view line, uint64_t& pc, uint64_t& cflags) {
  const size_t open = line.find('['), close = line.find(']');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return false;
  std::string_view f = line.substr(open + 1, close - open - 1);
  uint64_t fields[4];
  for (int k = 0; k < 4; ++k) {
    const size_t slash = f.find('/');
    if ((k < 3) != (slash != std::string_view::npos) || !parse_hex(f.substr(0, slash), fields[k])) return false;
    if (k < 3) f.remove_prefix(slash + 1);
  }
  pc = fields[1];
  cflags = fields[3];
  return true;
}

struct SegmentCounts {
  std::vector<uint64_t> executions, fell_through;
  void grow(size_t n) {
    if (executions.size() < n) executions.resize(n, 0), fell_through.resize(n, 0);
  }
};

}  // namespace

uint32_t Block::end() const { return code.empty() ? pc : code.back().address + code.back().size; }

ExecutionTrace read_qemu_trace(const fs::path& log, uint32_t marker_begin, uint32_t marker_end) {
  std::ifstream in(log);
  if (!in) fail(log.string(), "cannot open the QEMU trace log");
  const auto is_marker = [&](uint64_t pc) { return pc >= marker_begin && pc < marker_end; };

  ExecutionTrace t;
  std::unordered_map<uint64_t, int> block_of;  // (pc, cflags) -> block
  std::vector<SegmentCounts> segs(1);
  Block pending;  // the last IN: block, until its first execution
  bool in_block = false, have_pending = false;
  int last = -1;           // the block executed last (in segs.back())
  bool in_marker = false;  // the marker function runs
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    const std::string_view l(line);
    const auto where = [&] { return fmt::format("{}:{}", log.string(), line_no); };
    if (l.starts_with("IN:")) {
      pending = {};
      in_block = have_pending = true;
      continue;
    }
    if (in_block && l.starts_with("0x")) {
      Instruction ins;
      if (!parse_instruction(l, ins))
        fail(where(), "not an instruction line of QEMU's in_asm log (address, encoding, mnemonic): '{}'", line);
      if (pending.code.empty()) pending.pc = ins.address;
      pending.code.push_back(std::move(ins));
      continue;
    }
    in_block = false;
    if (l.starts_with("Trace ")) {
      uint64_t pc = 0, cflags = 0;
      if (!parse_exec(l, pc, cflags))
        fail(where(), "not an exec line of QEMU's log ('Trace n: host [cs_base/pc/flags/cflags]')");
      const uint64_t key = pc << 32 | (cflags & 0xffffffffu);
      auto it = block_of.find(key);
      if (have_pending && pending.pc == pc && !pending.code.empty()) {
        // A fresh translation of this (pc, cflags): the code printed just before is its code.
        if (it == block_of.end())
          it = block_of.emplace(key, static_cast<int>(t.blocks.size())).first, t.blocks.push_back({});
        t.blocks[it->second] = std::move(pending);
        have_pending = false;
      }
      if (it == block_of.end())
        fail(where(), "executes the block at 0x{:x} whose code was never logged: run QEMU with -d in_asm,exec,nochain",
             pc);
      if (is_marker(pc)) {
        // Its entry may be logged twice in one call (QEMU leaves and re-enters a block when the
        // instruction budget of -icount runs out); a call starts when the program enters it.
        if (pc == marker_begin && !in_marker) segs.emplace_back();
        in_marker = true;
        last = -1;
        continue;
      }
      in_marker = false;
      const int b = it->second;
      SegmentCounts& s = segs.back();
      s.grow(t.blocks.size());
      if (last >= 0 && t.blocks[last].end() == pc) ++s.fell_through[last];
      ++s.executions[b];
      last = b;
      continue;
    }
    // Under -icount QEMU may leave a block before its first instruction; it logs that.
    if (l.starts_with("Stopped execution of TB chain before") && last >= 0) {
      --segs.back().executions[last];
      last = -1;
    }
  }
  for (auto& s : segs) {
    TraceSegment seg;
    for (size_t b = 0; b < s.executions.size(); ++b) {
      if (s.executions[b] == 0) continue;
      seg.counts.push_back({static_cast<int>(b), s.executions[b], s.fell_through[b]});
      seg.instructions += s.executions[b] * t.blocks[b].code.size();
    }
    t.instructions += seg.instructions;
    t.segments.push_back(std::move(seg));
  }
  return t;
}

ExecutionTrace trace(const Toolchain& tc, const fs::path& elf, const fs::path& working_dir, double timeout_s,
                     const std::string& marker) {
  uint32_t begin = 0, end = 0;
  if (!marker.empty()) {
    bool found = false;
    for (const auto& s : elf_symbols(elf))
      if (s.name == marker && s.kind == ElfSymbol::Kind::function) {
        begin = s.address & ~1u;  // Thumb functions have bit 0 set
        end = begin + s.size;
        found = true;
      }
    if (!found) fail(elf.string(), "has no function '{}' to cut the trace at", marker);
  }
  const fs::path log = fs::absolute(working_dir) / "qemu-trace.log";
  std::vector<std::string> argv = qemu_command(tc, elf);
  for (const char* a : {"-d", "in_asm,exec,nochain", "-D"}) argv.emplace_back(a);
  argv.push_back(log.string());
  const auto r = run_process(argv, working_dir, timeout_s);
  struct Remove {
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } remove_log{log};
  if (r.timed_out) fail(elf.string(), "did not exit within {} s in QEMU with tracing on, which was killed", timeout_s);
  if (!r.exited_ok()) fail(elf.string(), "QEMU with tracing on: the program {}; stderr: {}", r.describe(), r.err);
  return read_qemu_trace(log, begin, end);
}

}  // namespace hwnas::mcu
