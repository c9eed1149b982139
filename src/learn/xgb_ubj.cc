#include "hwnas/learn/xgb_ubj.h"

#include <cstdint>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::learn {
namespace {

// XGBoost 1.7's UBJReader (src/common/json.cc): what it parses, how, and nothing else.
class UbjWalker {
 public:
  UbjWalker(std::string_view b, const std::string& where) : b_(b), where_(where) {}

  void document() { value(0); }

 private:
  static constexpr int kMaxDepth = 64;  // a model nests about 6 deep; XGBoost recurses per level

  [[noreturn]] void bad(const std::string& what) const {
    fail(where_, "not a valid XGBoost model: {} at byte {} of {} (the file is damaged; refit or rebuild it)", what,
         pos_, b_.size());
  }
  char next() {
    if (pos_ >= b_.size()) bad("it ends early");
    return b_[pos_++];
  }
  char peek() const {
    if (pos_ >= b_.size()) bad("it ends early");
    return b_[pos_];
  }
  void skip(uint64_t n) {
    if (n > b_.size() - pos_) bad("a value runs past the end");
    pos_ += n;
  }
  void expect(char c) {
    if (next() != c) bad(std::string("expected '") + c + "'");
  }
  // A big-endian int64 count or length, which must fit in what is left of the buffer
  // (at least `unit` bytes per counted item).
  uint64_t count(uint64_t unit) {
    if (b_.size() - pos_ < 8) bad("it ends early");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(b_[pos_++]);
    if (v > (b_.size() - pos_) / unit)
      bad("a length of " + std::to_string(static_cast<int64_t>(v)) + " runs past the end");
    return v;
  }
  void string() {
    expect('L');
    skip(count(1));
  }
  void value(int depth) {
    if (depth > kMaxDepth) bad("it nests too deep");
    switch (const char c = next()) {
      case '{':
        while (peek() != '}') {
          string();
          value(depth + 1);
        }
        ++pos_;
        return;
      case '[':
        array(depth);
        return;
      case 'Z':
      case 'T':
      case 'F':
        return;
      case 'i':
      case 'U':
      case 'C':
        skip(1);
        return;
      case 'I':
        skip(2);
        return;
      case 'd':
      case 'l':
        skip(4);
        return;
      case 'L':
        skip(8);
        return;
      case 'S':
        string();
        return;
      default:
        bad(fmt::format("unknown value type '{}'", c));
    }
  }
  void array(int depth) {
    if (peek() == '$') {  // typed array: '$' type '#' 'L' count, then the raw elements
      ++pos_;
      const char type = next();
      const uint64_t size = type == 'U' ? 1 : type == 'd' || type == 'l' ? 4 : type == 'L' ? 8 : 0;
      if (!size) bad(fmt::format("typed array of unsupported type '{}'", type));
      expect('#');
      expect('L');
      skip(count(size) * size);
      return;
    }
    if (peek() == '#') {  // counted array: each element takes at least one byte
      ++pos_;
      expect('L');
      for (uint64_t n = count(1); n > 0; --n) value(depth + 1);
      return;
    }
    while (peek() != ']') value(depth + 1);
    ++pos_;
  }

  std::string_view b_;
  const std::string& where_;
  size_t pos_ = 0;
};

}  // namespace

void check_ubj_model(std::string_view bytes, const std::string& where) {
  // XGBoost reads a buffer that starts with {" as JSON text (save_trees("json")); its JSON
  // parser checks its input as it goes. Everything else it reads as UBJ.
  if (bytes.size() >= 2 && bytes[0] == '{' && bytes[1] == '"') return;
  UbjWalker(bytes, where).document();
}

}  // namespace hwnas::learn
