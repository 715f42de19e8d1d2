#pragma once
// --compress and --compress-level against the destination's name (pure). Readers of a data
// lake pick the codec from the name's ending, so the two must agree: a destination ending
// in .gz / .zst asks for that codec, and a codec whose ending the name lacks (or a .gz
// holding plain CSV) is refused rather than stored where nothing can read it. Throws
// std::invalid_argument naming the option.
#include <string_view>

#include "pigment_export/core/compression.hpp"
#include "pigment_export/core/destination.hpp"

namespace pe::cli {

// `compress` and `level` as typed ("" when not given).
CompressionSettings choose_compression(std::string_view compress, std::string_view level,
                                       const Destination& destination);

}  // namespace pe::cli
