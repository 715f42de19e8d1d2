#include "pigment_export/cli/compression_option.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace pe::cli {

namespace {

[[noreturn]] void fail(const std::string& message) {
    throw std::invalid_argument(message);
}

// The name a reader sees: the file's or the object's; stdout has none.
std::optional<std::string> stored_name(const Destination& destination) {
    switch (destination.kind) {
        case DestinationKind::local_file:
            return destination.local_path.filename().string();
        case DestinationKind::storage:
            return destination.storage.path;
        case DestinationKind::standard_output:
            break;
    }
    return std::nullopt;
}

Codec parse_codec(std::string_view compress) {
    for (Codec codec : {Codec::none, Codec::gzip, Codec::zstd}) {
        if (compress == codec_name(codec)) return codec;
    }
    fail("--compress must be gzip, zstd or none");
}

int parse_level(std::string_view text, Codec codec) {
    LevelRange range = level_range(codec);
    std::string allowed = std::to_string(range.low) + "-" + std::to_string(range.high);
    int level = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), level);
    if (ec != std::errc() || end != text.data() + text.size() || level < range.low || level > range.high) {
        fail(std::string("--compress-level for ") + codec_name(codec) + " must be " + allowed + " (default " +
             std::to_string(range.default_level) + ")");
    }
    return level;
}

// A name whose ending readers would take for a format other than what is stored, or would not
// agree about, cannot be stored right whatever --compress says.
void check_ending(std::string_view name, const NamedFormat& named) {
    std::string spelled(name.substr(name.size() - named.ending.size()));
    if (!named.codec) {
        fail("the destination's name ends in " + spelled + ", which readers take for " + std::string(named.format) +
             ": pigment-export stores plain CSV, gzip (.gz) or zstd (.zst), so rename the destination");
    }
    if (spelled != named.ending) {
        fail("the destination's name ends in " + spelled + ": write it " + std::string(named.ending) +
             ", in lower case (Hadoop's codec factory, and so Spark, matches the ending exactly while pandas "
             "lower-cases it, so readers would disagree about what the file holds)");
    }
}

}  // namespace

CompressionSettings choose_compression(std::string_view compress, std::string_view level,
                                       const Destination& destination) {
    std::optional<std::string> name = stored_name(destination);
    std::optional<NamedFormat> named = name ? format_of_name(*name) : std::nullopt;
    if (named) check_ending(*name, *named);
    Codec by_name = named ? named->codec.value_or(Codec::none) : Codec::none;  // none: announces plain text
    CompressionSettings settings;
    settings.codec = compress.empty() ? by_name : parse_codec(compress);
    if (by_name != Codec::none && by_name != settings.codec) {
        fail("--compress " + std::string(codec_name(settings.codec)) +
             " conflicts with the destination's name, which ends in " + std::string(codec_extension(by_name)) +
             " (readers would take it for " + codec_name(by_name) + "): drop --compress, or rename the destination");
    }
    if (name && settings.codec != Codec::none && by_name == Codec::none) {
        fail("--compress " + std::string(codec_name(settings.codec)) + " needs a destination name ending in " +
             std::string(codec_extension(settings.codec)) + ", e.g. export.csv" +
             std::string(codec_extension(settings.codec)) +
             ": Spark, Synapse, Databricks and Fabric pick the codec from the name");
    }
    if (settings.codec == Codec::none) {
        if (!level.empty())
            fail("--compress-level needs --compress gzip or zstd (or a destination ending in .gz or .zst)");
        return settings;
    }
    settings.level = level.empty() ? level_range(settings.codec).default_level : parse_level(level, settings.codec);
    return settings;
}

}  // namespace pe::cli
