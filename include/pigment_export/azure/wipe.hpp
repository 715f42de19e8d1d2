#pragma once
// Response bodies and process output that held a token or a secret are overwritten before
// their memory is released, like Secret does for its own value.
#include <string>

namespace pe::azure {

void wipe(std::string& text) noexcept;

}  // namespace pe::azure
