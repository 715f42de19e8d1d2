#pragma once
// A rejected value as an error message may quote it: printable ASCII only ('?' for anything
// else, so a name decoded from "%0D" cannot break the one-line error), at most 80 characters.
#include <string>
#include <string_view>

namespace pe::cli {

std::string shown_value(std::string_view value);

}  // namespace pe::cli
