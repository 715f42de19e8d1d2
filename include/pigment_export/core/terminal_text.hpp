#pragma once
// Text that a service, a library or a file supplied can reach the terminal only through
// printable(): a hostile endpoint must not be able to clear the screen, ring the bell or
// forge a second "success" line with control characters or escape sequences.
#include <string>
#include <string_view>

namespace pe {

// Newline, carriage return and tab become a space (one record stays one line); every other
// C0 control, DEL, a C1 control (U+0080..U+009F, e.g. the 8-bit CSI) and any byte that is
// not part of valid UTF-8 becomes a visible "\xNN" escape. Valid UTF-8 text is unchanged.
std::string printable(std::string_view text);

}  // namespace pe
