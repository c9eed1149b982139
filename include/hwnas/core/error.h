#pragma once
// hwnas::Error: the one exception type of the library. It carries *where* the problem is
// (a file and key, a node name, a token position) apart from *what* is wrong, so that the
// CLI can print "error: <where>: <what>" and tests can check both.
//
//   throw hwnas::Error("model.json: nodes[3].kernel", "expected 2 integers, got 3");
//   try { ... } catch (const hwnas::Error& e) { e.where(); e.message(); e.what(); }
//
// Errors are thrown by library code on bad input and never abort the process; the CLI is
// the only place that turns them into an exit code.
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace hwnas {

class Error : public std::runtime_error {
 public:
  Error(std::string where, std::string message)
      : std::runtime_error(where.empty() ? message : where + ": " + message),
        where_(std::move(where)),
        message_(std::move(message)) {}

  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }

  // Prefixes an outer context: "file.yaml" + "space.blocks[2]" -> "file.yaml: space.blocks[2]".
  Error within(const std::string& outer) const {
    return Error(where_.empty() ? outer : outer + ": " + where_, message_);
  }

 private:
  std::string where_;
  std::string message_;
};

template <typename... Args>
[[noreturn]] void fail(std::string where, fmt::format_string<Args...> format, Args&&... args) {
  throw Error(std::move(where), fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace hwnas
