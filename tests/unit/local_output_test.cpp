#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "pigment_export/core/local_output.hpp"
#include "pigment_export/storage/file_sink.hpp"
#include "pigment_export/storage/local_temporary.hpp"

using namespace pe;
namespace fs = std::filesystem;

namespace {

struct Folder {
    fs::path path = fs::temp_directory_path() / ("local-output-" + std::to_string(std::random_device{}()));
    Folder() { fs::create_directories(path); }
    ~Folder() { fs::remove_all(path); }
    Folder(const Folder&) = delete;
    Folder& operator=(const Folder&) = delete;
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> temporaries(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename().string().find(".pigment-tmp-") != std::string::npos) out.push_back(e.path());
    }
    return out;
}

}  // namespace

TEST_CASE("inspect_output: nothing or a regular file is fine, anything else is refused by kind", "[core]") {
    Folder f;
    CHECK_FALSE(inspect_output(f.path / "absent.csv", Stage::usage, "--dest").exists);
    std::ofstream(f.path / "file.csv") << "x";
    ::chmod((f.path / "file.csv").c_str(), 0640);
    auto existing = inspect_output(f.path / "file.csv", Stage::usage, "--dest");
    CHECK(existing.exists);
    CHECK(existing.mode == 0640);
    CHECK(published_mode(existing) == 0640);
    REQUIRE(::mkfifo((f.path / "fifo").c_str(), 0600) == 0);
    fs::create_symlink(f.path / "file.csv", f.path / "link.csv");
    CHECK_THROWS_WITH(inspect_output(f.path / "fifo", Stage::usage, "--dest"), Catch::Contains("is a FIFO"));
    CHECK_THROWS_WITH(inspect_output(f.path / "link.csv", Stage::usage, "--dest"),
                      Catch::Contains("is a symbolic link"));
    CHECK_THROWS_WITH(inspect_output(f.path, Stage::usage, "--dest"), Catch::Contains("is a directory"));
    CHECK_THROWS_WITH(inspect_output("/dev/null", Stage::usage, "--dest"), Catch::Contains("is a device"));
}

TEST_CASE("write_output_atomically replaces whole, keeps the mode, and leaves nothing on failure", "[core]") {
    Folder f;
    fs::path out = f.path / "summary.json";
    std::ofstream(out) << "old";
    ::chmod(out.c_str(), 0600);
    write_output_atomically(out, "new\n", Stage::store, "--summary-json");
    CHECK(read(out) == "new\n");
    struct stat st {};
    REQUIRE(::stat(out.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK_THROWS_AS(write_output_atomically(f.path / "missing" / "s.json", "x", Stage::store, "--summary-json"),
                    Failure);
    CHECK(temporaries(f.path).empty());
}

TEST_CASE("the file sink's temporary is 0600 until it is published", "[storage]") {
    Folder f;
    FileSink sink(f.path / "out.csv", true);
    sink.open();
    auto temps = temporaries(f.path);
    REQUIRE(temps.size() == 1);
    struct stat st {};
    REQUIRE(::stat(temps[0].c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    sink.abort();
    CHECK(temporaries(f.path).empty());
}

TEST_CASE("local temporaries: the name pattern belongs to one destination", "[storage]") {
    CHECK(is_local_temporary_of(".out.csv.pigment-tmp-a1B2c3", "out.csv"));
    CHECK_FALSE(is_local_temporary_of(".out.csv.pigment-tmp-a1B2c", "out.csv"));
    CHECK_FALSE(is_local_temporary_of(".out.csv.pigment-tmp-a1B2c3x", "out.csv"));
    CHECK_FALSE(is_local_temporary_of(".other.csv.pigment-tmp-a1B2c3", "out.csv"));
    CHECK_FALSE(is_local_temporary_of(".out.csv.pigment-tmp-a1B2-3", "out.csv"));
    CHECK_FALSE(is_local_temporary_of("out.csv.pigment-tmp-a1B2c3", "out.csv"));
    CHECK_FALSE(is_local_temporary_of(".x.pigment-tmp-a1B2c3", ""));
}

TEST_CASE("local temporaries: a locked one survives reclaim, an unlocked one is removed", "[storage]") {
    Folder f;
    fs::path dest = f.path / "out.csv";
    fs::path live_path;
    int live = create_locked_temporary(dest, live_path);
    REQUIRE(live >= 0);
    std::ofstream(f.path / ".out.csv.pigment-tmp-DEAD01") << "partial";
    std::ofstream(f.path / ".other.csv.pigment-tmp-DEAD02") << "another destination's";
    CHECK(reclaim_abandoned_temporaries(dest) == 1);
    CHECK(fs::exists(live_path));
    CHECK_FALSE(fs::exists(f.path / ".out.csv.pigment-tmp-DEAD01"));
    CHECK(fs::exists(f.path / ".other.csv.pigment-tmp-DEAD02"));
    ::close(live);  // the writer dies: its lock goes with it
    CHECK(reclaim_abandoned_temporaries(dest) == 1);
    CHECK_FALSE(fs::exists(live_path));
}
