#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "decompress.hpp"
#include "pigment_export/transfer/compressor.hpp"
#include "pigment_export/transfer/gzip_compressor.hpp"
#include "pigment_export/transfer/zstd_compressor.hpp"

using namespace pe;

namespace {

std::string csv_like(std::size_t bytes, unsigned seed) {
    std::mt19937 rng(seed);
    std::string csv = "Month;Country;Revenue\n";
    while (csv.size() < bytes) {
        csv += "Jan " + std::to_string(rng() % 30) + ";Country " + std::to_string(rng() % 50) + ";" +
               std::to_string(rng()) + "\n";
    }
    csv.resize(bytes);
    return csv;
}

// Feeds `input` in pieces of up to `in_piece` bytes into output windows of `out_room` bytes, as
// the pipeline does with the free end of a chunk, then finishes the stream.
std::string run(Compressor& compressor, const std::string& input, std::size_t in_piece, std::size_t out_room) {
    std::string out;
    std::string room(out_room, '\0');
    std::size_t pos = 0;
    while (pos < input.size()) {
        std::size_t n = std::min(in_piece, input.size() - pos);
        CompressStep step = compressor.compress(input.data() + pos, n, room.data(), room.size());
        REQUIRE((step.consumed > 0 || step.produced > 0));
        out.append(room.data(), step.produced);
        pos += step.consumed;
    }
    for (int rounds = 0;; ++rounds) {
        REQUIRE(rounds < 1'000'000);
        CompressStep step = compressor.finish(room.data(), room.size());
        CHECK(step.consumed == 0);
        out.append(room.data(), step.produced);
        if (step.ended) break;
    }
    return out;
}

}  // namespace

TEST_CASE("gzip round-trips a CSV at every ISA-L level", "[compress]") {
    std::string csv = csv_like(3'000'000, 1);
    for (int level = 0; level <= 3; ++level) {
        CAPTURE(level);
        GzipCompressor gzip(level);
        std::string stored = run(gzip, csv, 70'000, 1 << 20);
        CHECK(stored.size() < csv.size() / 2);
        CHECK(stored.substr(0, 2) == "\x1f\x8b");  // a gzip member, not bare deflate
        CHECK(testing::gunzip(stored) == csv);
    }
}

TEST_CASE("zstd round-trips a CSV with and without worker threads", "[compress]") {
    std::string csv = csv_like(5'000'000, 2);
    for (unsigned workers : {0u, 2u}) {
        for (int level : {1, 3, 9}) {
            CAPTURE(workers, level);
            ZstdCompressor zstd(level, workers);
            std::string stored = run(zstd, csv, 100'000, 1 << 20);
            CHECK(stored.size() < csv.size() / 2);
            CHECK(testing::unzstd(stored) == csv);
        }
    }
}

TEST_CASE("an empty input is a complete stream that decodes to nothing", "[compress]") {
    GzipCompressor gzip(1);
    std::string gz = run(gzip, "", 1, 4096);
    CHECK(gz.size() >= 18);  // header and trailer
    CHECK(testing::gunzip(gz).empty());
    ZstdCompressor zstd(1, 2);
    std::string zst = run(zstd, "", 1, 4096);
    CHECK(!zst.empty());
    CHECK(testing::unzstd(zst).empty());
}

TEST_CASE("output windows of a few bytes still produce the whole stream", "[compress]") {
    std::string csv = csv_like(200'000, 3);
    GzipCompressor gzip(1);
    CHECK(testing::gunzip(run(gzip, csv, 4096, 7)) == csv);
    ZstdCompressor zstd(3, 2);
    CHECK(testing::unzstd(run(zstd, csv, 4096, 7)) == csv);
}

TEST_CASE("the stream is only complete after finish: buffered bytes are flushed at the end", "[compress]") {
    std::string csv = csv_like(100'000, 4);
    for (Codec codec : {Codec::gzip, Codec::zstd}) {
        CAPTURE(codec_name(codec));
        auto compressor = make_compressor(CompressionSettings{codec, level_range(codec).default_level});
        REQUIRE(compressor);
        std::string room(1 << 20, '\0');
        CompressStep step = compressor->compress(csv.data(), csv.size(), room.data(), room.size());
        REQUIRE(step.consumed == csv.size());
        std::string before_finish(room.data(), step.produced);
        if (codec == Codec::gzip) {
            CHECK_THROWS(testing::gunzip(before_finish));
        } else {
            CHECK_THROWS(testing::unzstd(before_finish));
        }
        std::string all = before_finish;
        for (;;) {
            CompressStep end = compressor->finish(room.data(), room.size());
            all.append(room.data(), end.produced);
            if (end.ended) break;
        }
        CHECK((codec == Codec::gzip ? testing::gunzip(all) : testing::unzstd(all)) == csv);
    }
}

TEST_CASE("the stored bytes depend on the CSV only and not on how its pieces arrive", "[compress]") {
    // libcurl's pieces differ from run to run; --if-changed compares stored MD5s across runs.
    std::string csv = csv_like(2'000'000, 5);
    for (Codec codec : {Codec::gzip, Codec::zstd}) {
        CAPTURE(codec_name(codec));
        CompressionSettings settings{codec, 1};
        auto a = make_compressor(settings), b = make_compressor(settings);
        std::string first = run(*a, csv, 1'000, 1 << 20);
        std::string second = run(*b, csv, 16'411, 300'000);
        CHECK(first == second);
    }
}

TEST_CASE("make_compressor makes none for Codec::none", "[compress]") {
    CHECK(make_compressor(CompressionSettings{Codec::none, 0}) == nullptr);
}
