// --compress through the binary (issue 15): what is stored passes `gzip -t` / `zstd -t` and
// decompresses to exactly Pigment's bytes on every sink (local file, stdout, the DFS fake,
// Azurite's Blob API), multi-chunk and empty; the Content-Type says the codec and no
// Content-Encoding is set; the MD5 and length are of the stored bytes and the rows of the CSV;
// a failure mid-stream leaves the destination as it was; the option's rules are usage errors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "fakes/azurite.hpp"
#include "fakes/csv_generator.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"

using namespace testing;

namespace {

const std::string kApiKey = "pgx_export_key_compress_7e21";
const std::string kId = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";

struct Codec {
    std::string name, extension, tool, content_type;
};
const Codec kGzip{"gzip", ".gz", "/usr/bin/gzip", "application/gzip"};
const Codec kZstd{"zstd", ".zst", "/usr/bin/zstd", "application/zstd"};

// The codec's own CLI: `-t` must pass, and `-dc` gives the CSV back.
std::string decompressed_by_cli(const Codec& codec, const std::string& stored) {
    RunOptions options;
    options.stdin_data = stored;
    auto test = run_program({"-t"}, options, codec.tool);
    INFO(codec.tool << " -t: " << test.err);
    REQUIRE(test.exit_code == 0);
    auto out = run_program({"-dc"}, options, codec.tool);
    REQUIRE(out.exit_code == 0);
    return out.out;
}

Azurite& azurite() {
    static Azurite instance;
    return instance;
}

struct Run {
    FakePigment pigment{kApiKey};
    TempDir dir;
    std::string summary = dir.file("summary.json");
    std::uint64_t rows = 0;
    std::string csv = generate_csv_string(3'000'000, &rows);  // compressed, still several 64 KiB chunks

    Run() { pigment.add_block("metric", kId, csv); }

    RunResult run(const std::string& dest, std::vector<std::string> extra,
                  std::map<std::string, std::string> env = {}) {
        std::vector<std::string> args = {"--pigment-url", pigment.base_url(),
                                         "--block-type",  "metric",
                                         "--block-id",    kId,
                                         "--dest",        dest,
                                         "--max-retries", "1",
                                         "--progress",    "off"};
        if (dest != "-") args.insert(args.end(), {"--summary-json", summary});
        args.insert(args.end(), extra.begin(), extra.end());
        env["PIGMENT_API_KEY"] = kApiKey;
        RunOptions options;
        options.env = std::move(env);
        options.timeout = std::chrono::seconds(60);
        return run_program(args, options);
    }

    nlohmann::json summary_json() const { return nlohmann::json::parse(read_file(summary)); }

    // The summary of a good compressed run: CSV counted as sent, MD5 and size of what is stored.
    void check_summary(const Codec& codec, const std::string& stored) const {
        auto s = summary_json();
        CHECK(s["compression"] == codec.name);
        CHECK(s["csv_bytes"] == csv.size());
        CHECK(s["stored_bytes"] == stored.size());
        CHECK(s["bytes"] == stored.size());
        CHECK(s["rows"] == rows);
        CHECK(s["md5"] == md5_base64(stored));
    }
};

}  // namespace

TEST_CASE("compress: a local file in many chunks decompresses to Pigment's bytes", "[compress][binary]") {
    for (const Codec& codec : {kGzip, kZstd}) {
        CAPTURE(codec.name);
        Run r;
        std::string dest = r.dir.file("out.csv" + codec.extension);
        write_file(dest, "old\n");
        auto result = r.run(dest, {"--chunk-size", "64KiB", "--parallel", "3"});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        std::string stored = read_file(dest);
        CHECK(stored.size() > 3 * (64u << 10));  // several chunks of compressed bytes
        CHECK(stored.size() < r.csv.size() / 2);
        CHECK(decompressed_by_cli(codec, stored) == r.csv);
        r.check_summary(codec, stored);
        CHECK(result.err.find("of CSV stored as") != std::string::npos);
        CHECK(temporary_files(r.dir.path()).empty());
    }
}

TEST_CASE("compress: stdout carries the compressed stream when asked", "[compress][binary]") {
    for (const Codec& codec : {kGzip, kZstd}) {
        CAPTURE(codec.name);
        Run r;
        auto result = r.run("-", {"--compress", codec.name, "--chunk-size", "64KiB"});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(decompressed_by_cli(codec, result.out) == r.csv);
    }
}

TEST_CASE("compress: DFS stores the codec's Content-Type and the stored bytes' MD5", "[compress][binary][dfs]") {
    for (const Codec& codec : {kGzip, kZstd}) {
        CAPTURE(codec.name);
        Run r;
        FakeDfs dfs;
        dfs.create_filesystem("lake");
        dfs.put_file("lake", "p/m.csv" + codec.extension, "old");
        auto result = r.run(dfs.url("lake", "p/m.csv" + codec.extension),
                            {"--storage-api", "dfs", "--chunk-size", "64KiB", "--parallel", "4"},
                            {{"AZURE_STORAGE_KEY", Azurite::kKey}});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto file = dfs.file("lake", "p/m.csv" + codec.extension);
        REQUIRE(file);
        CHECK(decompressed_by_cli(codec, file->content) == r.csv);
        CHECK(file->content_type == codec.content_type);
        CHECK(file->content_md5 == md5_base64(file->content));
        CHECK(file->properties.at("pigment_rows") == std::to_string(r.rows));
        CHECK(dfs.calls(DfsOp::append) > 3);
        CHECK(dfs.temp_paths("lake").empty());
        r.check_summary(codec, file->content);
    }
}

TEST_CASE("compress: Blob (Azurite) stores the codec's Content-Type and no Content-Encoding",
          "[compress][binary][azurite]") {
    for (const Codec& codec : {kGzip, kZstd}) {
        CAPTURE(codec.name);
        Run r;
        std::string container = "compress-" + codec.name;
        azurite().create_container(container);
        std::string blob = "m.csv" + codec.extension;
        auto result = r.run(azurite().base_url() + "/" + container + "/" + blob,
                            {"--chunk-size", "64KiB", "--parallel", "3"}, {{"AZURE_STORAGE_KEY", Azurite::kKey}});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto got = azurite().get_blob(container, blob);
        REQUIRE(got.status == 200);
        CHECK(decompressed_by_cli(codec, got.body) == r.csv);
        CHECK(header(got, "Content-Type") == codec.content_type);
        CHECK(header(got, "Content-Encoding").empty());
        CHECK(header(got, "Content-MD5") == md5_base64(got.body));
        r.check_summary(codec, got.body);
    }
}

TEST_CASE("compress: an empty export is a valid empty stream on every sink", "[compress][binary][dfs][azurite]") {
    for (const Codec& codec : {kGzip, kZstd}) {
        CAPTURE(codec.name);
        Run r;
        r.pigment.add_block("metric", kId, "");
        std::string dest = r.dir.file("empty.csv" + codec.extension);
        auto local = r.run(dest, {});
        INFO(local.err);
        REQUIRE(local.exit_code == 0);
        CHECK(!read_file(dest).empty());
        CHECK(decompressed_by_cli(codec, read_file(dest)).empty());
        CHECK(r.summary_json()["csv_bytes"] == 0);

        FakeDfs dfs;
        dfs.create_filesystem("lake");
        auto on_dfs = r.run(dfs.url("lake", "e.csv" + codec.extension), {"--storage-api", "dfs"},
                            {{"AZURE_STORAGE_KEY", Azurite::kKey}});
        INFO(on_dfs.err);
        REQUIRE(on_dfs.exit_code == 0);
        CHECK(decompressed_by_cli(codec, dfs.file("lake", "e.csv" + codec.extension)->content).empty());

        std::string container = "empty-" + codec.name;
        azurite().create_container(container);
        auto on_blob = r.run(azurite().base_url() + "/" + container + "/e.csv" + codec.extension, {},
                             {{"AZURE_STORAGE_KEY", Azurite::kKey}});
        INFO(on_blob.err);
        REQUIRE(on_blob.exit_code == 0);
        CHECK(decompressed_by_cli(codec, azurite().get_blob(container, "e.csv" + codec.extension).body).empty());
    }
}

TEST_CASE("compress: a failure mid-stream leaves the destination unchanged", "[compress][binary][dfs]") {
    for (const Codec& codec : {kGzip, kZstd}) {
        CAPTURE(codec.name);
        SECTION("DFS appends refused") {
            Run r;
            FakeDfs dfs;
            dfs.create_filesystem("lake");
            dfs.put_file("lake", "m.csv" + codec.extension, "old");
            dfs.inject({DfsOp::append, 3, -1, 503, "ServerBusy"});
            auto result =
                r.run(dfs.url("lake", "m.csv" + codec.extension), {"--storage-api", "dfs", "--chunk-size", "64KiB"},
                      {{"AZURE_STORAGE_KEY", Azurite::kKey}});
            INFO(result.err);
            CHECK(result.exit_code == 5);
            CHECK(dfs.file("lake", "m.csv" + codec.extension)->content == "old");
            CHECK(dfs.temp_paths("lake").empty());
        }
        SECTION("the export cut after part of the CSV") {
            Run r;
            std::string dest = r.dir.file("m.csv" + codec.extension);
            write_file(dest, "old");
            r.pigment.push_fault({PigmentFault::Kind::cut_after, 0, "", 500'000, std::chrono::milliseconds(0)});
            auto result = r.run(dest, {"--chunk-size", "64KiB"});
            INFO(result.err);
            CHECK(result.exit_code == 4);
            CHECK(read_file(dest) == "old");
            CHECK(temporary_files(r.dir.path()).empty());
        }
    }
}

TEST_CASE("compress: --min-rows and --expect-header read the CSV, not the compressed bytes", "[compress][binary]") {
    Run r;
    std::string dest = r.dir.file("m.csv.gz");
    write_file(dest, "old");
    std::string first_line = r.csv.substr(0, r.csv.find('\n'));
    if (!first_line.empty() && first_line.back() == '\r') first_line.pop_back();
    auto good = r.run(dest, {"--expect-header", first_line, "--min-rows", std::to_string(r.rows)});
    INFO(good.err);
    CHECK(good.exit_code == 0);
    write_file(dest, "old");
    auto too_few = r.run(dest, {"--min-rows", std::to_string(r.rows + 1)});
    CHECK(too_few.exit_code == 4);
    CHECK(too_few.err.find("TooFewRows") != std::string::npos);
    CHECK(read_file(dest) == "old");
}

TEST_CASE("compress: option rules are usage errors before any request", "[compress][binary][usage]") {
    struct Case {
        std::string dest_name;
        std::vector<std::string> extra;
        std::string needle;
    };
    const Case cases[] = {
        {"m.csv.gz",
         {"--compress", "zstd"},
         "--compress zstd conflicts with the destination's name, which ends in .gz"},
        {"m.csv.gz", {"--compress", "none"}, "--compress none conflicts"},
        {"m.csv", {"--compress", "gzip"}, "needs a destination name ending in .gz"},
        {"m.csv.zst", {"--compress", "brotli"}, "--compress must be gzip, zstd or none"},
        {"m.csv.gz", {"--compress-level", "4"}, "--compress-level for gzip must be 0-3"},
        {"m.csv.zst", {"--compress-level", "22"}, "--compress-level for zstd must be 1-19"},
        {"m.csv", {"--compress-level", "1"}, "--compress-level needs --compress gzip or zstd"},
        // A name readers would take for a format that is not stored, or read differently by letter case.
        {"m.csv.bz2", {}, "ends in .bz2, which readers take for bzip2"},
        {"m.csv.xz", {"--compress", "none"}, "ends in .xz, which readers take for xz"},
        {"m.tar.gz", {}, "ends in .tar.gz, which readers take for a tar archive"},
        {"m.csv.zip", {"--compress", "gzip"}, "which readers take for a zip archive"},
        {"M.CSV.GZ", {}, "ends in .GZ: write it .gz, in lower case"},
        {"m.csv.Zst", {"--compress", "zstd"}, "ends in .Zst: write it .zst"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.dest_name, c.needle);
        Run r;
        auto result = r.run(r.dir.file(c.dest_name), c.extra);
        CHECK(result.exit_code == 2);
        CHECK(result.err.rfind("pigment-export: usage: ", 0) == 0);
        CHECK(result.err.find(c.needle) != std::string::npos);
        CHECK(line_count(result.err) == 1);
        CHECK(r.pigment.export_requests() == 0);
    }
}

TEST_CASE("compress: --dry-run shows the codec and level - check names it", "[compress][binary]") {
    Run r;
    auto dry = r.run(r.dir.file("m.csv.zst"), {"--dry-run", "--compress-level", "6"});
    INFO(dry.err);
    REQUIRE(dry.exit_code == 0);
    CHECK(dry.out.find("compression zstd level 6, stored as application/zstd") != std::string::npos);
    auto plain = r.run(r.dir.file("m.csv"), {"--dry-run"});
    CHECK(plain.out.find("compression none, stored as text/csv") != std::string::npos);
    CHECK(r.pigment.export_requests() == 0);

    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}};
    auto check = run_program({"check", "--pigment-url", r.pigment.base_url(), "--block-type", "metric", "--block-id",
                              kId, "--dest", r.dir.file("m.csv.gz"), "--compress-level", "2"},
                             options);
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
    CHECK((check.out + check.err).find("is writable (compression gzip level 2, stored as application/gzip)") !=
          std::string::npos);
    CHECK(!std::filesystem::exists(r.dir.file("m.csv.gz")));
}

TEST_CASE("compress: the config file and manifest entries set the option", "[compress][binary][config][manifest]") {
    Run r;
    write_file(r.dir.file("c.toml"), "block-type = \"metric\"\nblock-id = \"" + kId + "\"\npigment-url = \"" +
                                         r.pigment.base_url() + "\"\ndest = \"" + r.dir.file("c.csv.gz") +
                                         "\"\ncompress = \"gzip\"\ncompress-level = 3\n");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}};
    auto from_config = run_program({"--config", r.dir.file("c.toml")}, options);
    INFO(from_config.err);
    REQUIRE(from_config.exit_code == 0);
    CHECK(decompressed_by_cli(kGzip, read_file(r.dir.file("c.csv.gz"))) == r.csv);

    nlohmann::json manifest = {
        {"defaults", {{"pigment-url", r.pigment.base_url()}, {"block-type", "metric"}, {"block-id", kId}}},
        {"exports",
         {{{"dest", r.dir.file("a.csv.zst")}, {"compress-level", 5}},
          {{"dest", r.dir.file("b.out")}, {"compress", "none"}},
          {{"dest", r.dir.file("c.csv.zst")}, {"compress", "gzip"}}}}};
    write_file(r.dir.file("m.json"), manifest.dump());
    auto refused = run_program({"--manifest", r.dir.file("m.json"), "--dry-run"}, options);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("--compress gzip conflicts") != std::string::npos);
    manifest["exports"].erase(2);
    write_file(r.dir.file("m.json"), manifest.dump());
    auto from_manifest =
        run_program({"--manifest", r.dir.file("m.json"), "--summary-json", r.dir.file("ms.json")}, options);
    INFO(from_manifest.err);
    REQUIRE(from_manifest.exit_code == 0);
    CHECK(decompressed_by_cli(kZstd, read_file(r.dir.file("a.csv.zst"))) == r.csv);
    CHECK(read_file(r.dir.file("b.out")) == r.csv);
    auto s = nlohmann::json::parse(read_file(r.dir.file("ms.json")));
    CHECK(s["exports"][0]["compression"] == "zstd");
    CHECK(s["exports"][1]["compression"] == "none");
    CHECK(s["total"]["csv_bytes"] == 2 * r.csv.size());
}

TEST_CASE("compress: --if-changed recognises a compressed export that did not change", "[compress][binary][dfs]") {
    for (const Codec& codec : {kGzip, kZstd}) {
        CAPTURE(codec.name);
        Run r;
        std::string dest = r.dir.file("m.csv" + codec.extension);
        REQUIRE(r.run(dest, {"--chunk-size", "64KiB"}).exit_code == 0);
        auto again = r.run(dest, {"--chunk-size", "64KiB", "--if-changed"});
        INFO(again.err);
        CHECK(again.exit_code == 0);
        CHECK(r.summary_json()["unchanged"] == true);

        FakeDfs dfs;
        dfs.create_filesystem("lake");
        std::string url = dfs.url("lake", "m.csv" + codec.extension);
        std::map<std::string, std::string> key{{"AZURE_STORAGE_KEY", Azurite::kKey}};
        REQUIRE(r.run(url, {"--storage-api", "dfs", "--chunk-size", "64KiB"}, key).exit_code == 0);
        int renames = dfs.calls(DfsOp::rename);
        auto on_dfs = r.run(url, {"--storage-api", "dfs", "--chunk-size", "64KiB", "--if-changed"}, key);
        INFO(on_dfs.err);
        CHECK(on_dfs.exit_code == 0);
        CHECK(r.summary_json()["unchanged"] == true);
        CHECK(dfs.calls(DfsOp::rename) == renames);
    }
}
