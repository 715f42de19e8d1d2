#include "pigment_export/core/compression.hpp"

namespace pe {

const char* codec_name(Codec codec) {
    switch (codec) {
        case Codec::gzip:
            return "gzip";
        case Codec::zstd:
            return "zstd";
        case Codec::none:
            break;
    }
    return "none";
}

std::string_view codec_extension(Codec codec) {
    switch (codec) {
        case Codec::gzip:
            return ".gz";
        case Codec::zstd:
            return ".zst";
        case Codec::none:
            break;
    }
    return {};
}

std::optional<Codec> codec_of_name(std::string_view name) {
    for (Codec codec : {Codec::gzip, Codec::zstd}) {
        std::string_view ending = codec_extension(codec);
        if (name.size() > ending.size() && name.substr(name.size() - ending.size()) == ending) return codec;
    }
    return std::nullopt;
}

const char* stored_content_type(Codec codec) {
    switch (codec) {
        case Codec::gzip:
            return "application/gzip";
        case Codec::zstd:
            return "application/zstd";
        case Codec::none:
            break;
    }
    return "text/csv";
}

std::string describe_compression(const CompressionSettings& settings) {
    std::string text = codec_name(settings.codec);
    if (settings.codec != Codec::none) text += " level " + std::to_string(settings.level);
    return text + ", stored as " + stored_content_type(settings.codec);
}

LevelRange level_range(Codec codec) {
    // ISA-L's level 1 is its fast default (level 0 trades ratio for speed, 2-3 the reverse).
    // zstd's level 1, not its CLI's 3: on the benchmark's CSV it was both faster and smaller
    // (docs/performance.md). Levels above 19 need windows of 16 MiB and more per worker.
    if (codec == Codec::gzip) return {0, 3, 1};
    return {1, 19, 1};
}

}  // namespace pe
