// JSON string quoting shared by the tools that print JSON (hetrun's outputs.json, hetbin-dump --json).
#ifndef HET_TOOLS_JSON_JSONSTRING_H
#define HET_TOOLS_JSON_JSONSTRING_H

#include <cstdio>
#include <string>
#include <string_view>

namespace het::tools {

/// `text` as a JSON string literal, quotes included. Bytes >= 0x80 pass through, so UTF-8 stays UTF-8.
inline std::string jsonString(std::string_view text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      quoted += escaped;
    } else {
      quoted += static_cast<char>(c);
    }
  }
  return quoted + "\"";
}

} // namespace het::tools

#endif // HET_TOOLS_JSON_JSONSTRING_H
