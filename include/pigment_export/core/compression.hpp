#pragma once
// What --compress stores: the codec, its level, and the facts about it that the option checks,
// the sinks and the summary share (its name, the file name ending readers expect, the
// Content-Type the stored object carries). Pure.
#include <optional>
#include <string>
#include <string_view>

namespace pe {

enum class Codec { none, gzip, zstd };

struct CompressionSettings {
    Codec codec = Codec::none;
    int level = 0;  // the codec's own scale; set to its default when --compress-level is not given
};

const char* codec_name(Codec codec);

// ".gz" / ".zst": what Spark, Synapse, Databricks and Fabric pick the codec from; empty for none.
std::string_view codec_extension(Codec codec);

// What the ending of a stored name tells its readers the bytes are.
struct NamedFormat {
    std::string_view ending;     // as readers know it, in lower case: ".gz", ".bz2", ".tar"
    std::string_view format;     // "gzip", "bzip2", "a tar archive"
    std::optional<Codec> codec;  // the codec that writes it; nullopt: a format this tool does not write
};

// The format a name's ending announces to Hadoop's codec factory (so Spark, Synapse, Databricks,
// Fabric) or to pandas, its ending matched in any letter case; nullopt for a name that announces
// none, which readers take for plain text.
std::optional<NamedFormat> format_of_name(std::string_view name);

// "text/csv", "application/gzip" or "application/zstd". Never a Content-Encoding: an HTTP
// client that sees one decodes the body, so what it stores and checks would no longer be
// the object's bytes.
const char* stored_content_type(Codec codec);

struct LevelRange {
    int low;
    int high;
    int default_level;
};

// "gzip level 1, stored as application/gzip" (or "none, stored as text/csv"): for the plan and `check`.
std::string describe_compression(const CompressionSettings& settings);

// gzip: ISA-L's levels 0-3 (default 1); zstd: 1-19 (default 1). Not for Codec::none.
LevelRange level_range(Codec codec);

}  // namespace pe
