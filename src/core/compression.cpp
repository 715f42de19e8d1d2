#include "pigment_export/core/compression.hpp"

#include "pigment_export/core/text.hpp"

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

namespace {

// Hadoop's codecs (gzip, bzip2, deflate, LZ4, Snappy, zstd), pandas' (also xz, zip, tar) and the
// other common ones. A tar archive's endings come before the codec endings they end in.
constexpr NamedFormat kNamedFormats[] = {
    {".tar.gz", "a tar archive", std::nullopt},
    {".tar.zst", "a tar archive", std::nullopt},
    {".tgz", "a tar archive", std::nullopt},
    {".tar", "a tar archive", std::nullopt},
    {".gz", "gzip", Codec::gzip},
    {".zst", "zstd", Codec::zstd},
    {".bz2", "bzip2", std::nullopt},
    {".xz", "xz", std::nullopt},
    {".lzma", "LZMA", std::nullopt},
    {".lz4", "LZ4", std::nullopt},
    {".snappy", "Snappy", std::nullopt},
    {".deflate", "deflate (zlib)", std::nullopt},
    {".zip", "a zip archive", std::nullopt},
    {".br", "Brotli", std::nullopt},
    {".lzo", "LZO", std::nullopt},
};

}  // namespace

std::string_view codec_extension(Codec codec) {
    for (const NamedFormat& named : kNamedFormats) {
        if (named.codec == codec) return named.ending;
    }
    return {};
}

std::optional<NamedFormat> format_of_name(std::string_view name) {
    for (const NamedFormat& named : kNamedFormats) {
        std::string_view ending = named.ending;
        if (name.size() > ending.size() && ascii_iequals(name.substr(name.size() - ending.size()), ending)) {
            return named;
        }
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
