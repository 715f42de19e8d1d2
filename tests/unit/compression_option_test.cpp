#include <catch2/catch.hpp>

#include <stdexcept>

#include "pigment_export/cli/compression_option.hpp"
#include "pigment_export/cli/destination_parser.hpp"

using namespace pe;
using pe::cli::choose_compression;

namespace {

Destination dest(const std::string& text) {
    return cli::parse_destination(text);
}

std::string refusal(std::string_view compress, std::string_view level, const std::string& destination) {
    try {
        choose_compression(compress, level, dest(destination));
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("the codec is inferred from a destination ending in .gz or .zst", "[compress]") {
    CHECK(choose_compression("", "", dest("out/x.csv.gz")).codec == Codec::gzip);
    CHECK(choose_compression("", "", dest("abfss://raw@acct.dfs.core.windows.net/p/x.csv.zst")).codec == Codec::zstd);
    CHECK(choose_compression("", "", dest("https://acct.blob.core.windows.net/exports/x.csv")).codec == Codec::none);
    CHECK(choose_compression("", "", dest("-")).codec == Codec::none);
    CHECK(choose_compression("", "", dest("x.gzip")).codec == Codec::none);  // not an ending readers know
}

TEST_CASE("default levels: gzip 1 and zstd 1 - a level given is kept", "[compress]") {
    CHECK(choose_compression("", "", dest("x.csv.gz")).level == 1);
    CHECK(choose_compression("zstd", "", dest("x.csv.zst")).level == 1);
    CHECK(choose_compression("gzip", "3", dest("x.csv.gz")).level == 3);
    CHECK(choose_compression("", "0", dest("x.csv.gz")).level == 0);
    CHECK(choose_compression("zstd", "19", dest("x.csv.zst")).level == 19);
}

TEST_CASE("stdout may be compressed with either codec", "[compress]") {
    CHECK(choose_compression("gzip", "", dest("-")).codec == Codec::gzip);
    CHECK(choose_compression("zstd", "5", dest("-")).level == 5);
    CHECK(choose_compression("none", "", dest("-")).codec == Codec::none);
}

TEST_CASE("a codec that contradicts the destination's ending is refused", "[compress]") {
    CHECK(refusal("zstd", "", "x.csv.gz")
              .find("--compress zstd conflicts with the destination's name, which ends in .gz") == 0);
    CHECK(refusal("gzip", "", "x.csv.zst").find("ends in .zst") != std::string::npos);
    CHECK(refusal("none", "", "x.csv.gz").find("--compress none conflicts") == 0);
    CHECK(refusal("gzip", "", "x.csv").find("--compress gzip needs a destination name ending in .gz") == 0);
    CHECK(refusal("zstd", "", "https://acct.blob.core.windows.net/exports/x.csv").find("ending in .zst") !=
          std::string::npos);
}

TEST_CASE("a name announcing a format the tool does not write is refused, with or without --compress", "[compress]") {
    CHECK(refusal("", "", "x.csv.bz2") ==
          "the destination's name ends in .bz2, which readers take for bzip2: pigment-export stores plain CSV, "
          "gzip (.gz) or zstd (.zst), so rename the destination");
    CHECK(refusal("none", "", "abfss://raw@acct.dfs.core.windows.net/p/x.csv.xz").find("take for xz") !=
          std::string::npos);
    CHECK(refusal("gzip", "", "x.csv.lz4").find("take for LZ4") != std::string::npos);
    CHECK(refusal("", "", "https://acct.blob.core.windows.net/exports/x.snappy").find("take for Snappy") !=
          std::string::npos);
    CHECK(refusal("", "", "x.deflate").find("take for deflate (zlib)") != std::string::npos);
    CHECK(refusal("", "", "x.csv.zip").find("take for a zip archive") != std::string::npos);
    // A tar archive's name ends in a codec's ending: it is refused, not taken for that codec.
    CHECK(refusal("", "", "x.tar.gz").find("ends in .tar.gz, which readers take for a tar archive") !=
          std::string::npos);
    CHECK(refusal("zstd", "", "x.tar.zst").find("a tar archive") != std::string::npos);
    CHECK(refusal("", "", "x.tgz").find("ends in .tgz") != std::string::npos);
    CHECK(refusal("", "", "x.csv.BZ2").find("ends in .BZ2, which readers take for bzip2") != std::string::npos);
    CHECK(refusal("", "", "x.gzip") == "accepted");
    CHECK(refusal("", "", "gz") == "accepted");  // no ending: the whole name is "gz"
}

TEST_CASE("a codec's ending in another letter case is refused: readers disagree about it", "[compress]") {
    CHECK(refusal("", "", "X.CSV.GZ") ==
          "the destination's name ends in .GZ: write it .gz, in lower case (Hadoop's codec factory, and so Spark, "
          "matches the ending exactly while pandas lower-cases it, so readers would disagree about what the file "
          "holds)");
    CHECK(refusal("gzip", "", "x.csv.Gz").find("ends in .Gz: write it .gz") != std::string::npos);
    CHECK(refusal("none", "", "abfss://raw@acct.dfs.core.windows.net/p/x.csv.ZST").find("write it .zst") !=
          std::string::npos);
    CHECK(choose_compression("", "", dest("X.CSV.gz")).codec == Codec::gzip);  // only the ending is read
}

TEST_CASE("bad codec names and levels are refused with the accepted range", "[compress]") {
    CHECK(refusal("lz4", "", "x.csv") == "--compress must be gzip, zstd or none");
    CHECK(refusal("GZIP", "", "x.csv.gz") == "--compress must be gzip, zstd or none");
    CHECK(refusal("", "4", "x.csv.gz") == "--compress-level for gzip must be 0-3 (default 1)");
    CHECK(refusal("", "-1", "x.csv.gz") == "--compress-level for gzip must be 0-3 (default 1)");
    CHECK(refusal("", "0", "x.csv.zst") == "--compress-level for zstd must be 1-19 (default 1)");
    CHECK(refusal("", "20", "x.csv.zst") == "--compress-level for zstd must be 1-19 (default 1)");
    CHECK(refusal("", "3x", "x.csv.zst") == "--compress-level for zstd must be 1-19 (default 1)");
    CHECK(refusal("", "", "x.csv.zst") == "accepted");
}

TEST_CASE("compress-level without a codec is refused", "[compress]") {
    CHECK(refusal("", "1", "x.csv").find("--compress-level needs --compress gzip or zstd") == 0);
    CHECK(refusal("none", "1", "-").find("--compress-level needs") == 0);
}

TEST_CASE("what the stored object says it is", "[compress]") {
    CHECK(std::string(stored_content_type(Codec::none)) == "text/csv");
    CHECK(std::string(stored_content_type(Codec::gzip)) == "application/gzip");
    CHECK(std::string(stored_content_type(Codec::zstd)) == "application/zstd");
    CHECK(describe_compression(CompressionSettings{Codec::gzip, 1}) == "gzip level 1, stored as application/gzip");
    CHECK(describe_compression(CompressionSettings{}) == "none, stored as text/csv");
}
