#pragma once
// A tiny XML well-formedness checker for the report tests: SVG and the HTML page are written
// as well-formed XML, so parsing them back catches unbalanced tags, unquoted attributes and
// unescaped user text. Returns the elements in document order so tests can look inside.
// Not a full XML parser: no namespaces, no DTDs; <script>/<style> bodies are raw text (as in
// HTML).
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas::report::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attrs;  // raw (still escaped) values
  std::string text;                          // direct text content, raw
  int depth = 0;
};

struct XmlCheck {
  std::string error;  // "" when well-formed, else "<offset>: <what>"
  std::vector<XmlElement> elements;
  std::vector<const XmlElement*> all(std::string_view name) const {
    std::vector<const XmlElement*> out;
    for (const auto& e : elements)
      if (e.name == name) out.push_back(&e);
    return out;
  }
};

namespace detail {

inline bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

// Checks that every '&' starts a known entity and that no '<' appears; returns "" or the problem.
inline std::string check_text(std::string_view t) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '<') return "'<' in text or attribute value";
    if (t[i] != '&') continue;
    const size_t semi = t.find(';', i);
    if (semi == std::string_view::npos) return "'&' without ';'";
    const std::string_view ent = t.substr(i + 1, semi - i - 1);
    const bool numeric = ent.size() > 1 && ent[0] == '#';
    if (!numeric && ent != "amp" && ent != "lt" && ent != "gt" && ent != "quot" && ent != "apos")
      return "unknown entity &" + std::string(ent) + ";";
  }
  return "";
}

}  // namespace detail

inline XmlCheck check_xml(std::string_view doc) {
  XmlCheck r;
  std::vector<size_t> open;  // indices into r.elements
  int roots = 0;
  size_t i = 0;
  const auto fail = [&](size_t at, const std::string& what) {
    r.error = std::to_string(at) + ": " + what;
    return r;
  };
  while (i < doc.size()) {
    if (doc[i] != '<') {
      const size_t next = doc.find('<', i);
      const std::string_view text = doc.substr(i, next == std::string_view::npos ? doc.size() - i : next - i);
      if (std::string p = detail::check_text(text); !p.empty()) return fail(i, p);
      if (open.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos)
        return fail(i, "text outside the root element");
      if (!open.empty()) r.elements[open.back()].text += text;
      i += text.size();
      continue;
    }
    if (doc.substr(i, 4) == "<!--") {
      const size_t end = doc.find("-->", i);
      if (end == std::string_view::npos) return fail(i, "unclosed comment");
      i = end + 3;
      continue;
    }
    if (doc.substr(i, 2) == "<?" || doc.substr(i, 2) == "<!") {
      const size_t end = doc.find('>', i);
      if (end == std::string_view::npos) return fail(i, "unclosed declaration");
      i = end + 1;
      continue;
    }
    if (doc.substr(i, 2) == "</") {
      size_t j = i + 2;
      while (j < doc.size() && detail::name_char(doc[j])) ++j;
      const std::string name(doc.substr(i + 2, j - i - 2));
      if (j >= doc.size() || doc[j] != '>') return fail(i, "malformed closing tag </" + name);
      if (open.empty() || r.elements[open.back()].name != name)
        return fail(i, "closing </" + name + "> does not match " +
                           (open.empty() ? std::string("anything") : "<" + r.elements[open.back()].name + ">"));
      open.pop_back();
      i = j + 1;
      continue;
    }
    XmlElement e;
    size_t j = i + 1;
    while (j < doc.size() && detail::name_char(doc[j])) ++j;
    e.name = std::string(doc.substr(i + 1, j - i - 1));
    if (e.name.empty()) return fail(i, "'<' not followed by a tag name");
    bool self_closing = false;
    for (;;) {
      while (j < doc.size() && std::isspace(static_cast<unsigned char>(doc[j]))) ++j;
      if (j >= doc.size()) return fail(i, "unclosed tag <" + e.name);
      if (doc[j] == '>') break;
      if (doc.substr(j, 2) == "/>") {
        self_closing = true;
        ++j;
        break;
      }
      const size_t a = j;
      while (j < doc.size() && detail::name_char(doc[j])) ++j;
      const std::string attr(doc.substr(a, j - a));
      if (attr.empty() || j + 1 >= doc.size() || doc[j] != '=' || (doc[j + 1] != '"' && doc[j + 1] != '\''))
        return fail(j, "attribute '" + attr + "' of <" + e.name + "> is not name=\"value\"");
      const char quote = doc[j + 1];
      const size_t end = doc.find(quote, j + 2);
      if (end == std::string_view::npos) return fail(j, "unterminated attribute value");
      const std::string_view value = doc.substr(j + 2, end - j - 2);
      if (std::string p = detail::check_text(value); !p.empty()) return fail(j, p);
      if (!e.attrs.emplace(attr, std::string(value)).second) return fail(a, "duplicate attribute " + attr);
      j = end + 1;
    }
    i = j + 1;
    if (open.empty() && ++roots > 1) return fail(i, "more than one root element");
    e.depth = static_cast<int>(open.size());
    r.elements.push_back(std::move(e));
    if (self_closing) continue;
    const std::string& name = r.elements.back().name;
    if (name == "script" || name == "style") {  // raw text up to the closing tag
      const size_t end = doc.find("</" + name + ">", i);
      if (end == std::string_view::npos) return fail(i, "unclosed <" + name + ">");
      r.elements.back().text = std::string(doc.substr(i, end - i));
      i = end + name.size() + 3;
      continue;
    }
    open.push_back(r.elements.size() - 1);
  }
  if (!open.empty()) return fail(doc.size(), "<" + r.elements[open.back()].name + "> is never closed");
  if (roots == 0) return fail(0, "no root element");
  return r;
}

}  // namespace hwnas::report::testing
