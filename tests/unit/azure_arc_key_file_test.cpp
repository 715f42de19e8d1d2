#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include <sys/stat.h>

#include "pigment_export/azure/arc_source.hpp"
#include "pigment_export/core/failure.hpp"

using namespace pe::azure;
namespace fs = std::filesystem;

namespace {

struct Folders {
    Folders() {
        root = fs::temp_directory_path() / ("arc-test-" + std::to_string(std::random_device{}()));
        tokens = root / "tokens";
        elsewhere = root / "elsewhere";
        fs::create_directories(tokens);
        fs::create_directories(elsewhere);
    }
    ~Folders() { fs::remove_all(root); }
    Folders(const Folders&) = delete;
    Folders& operator=(const Folders&) = delete;
    fs::path root, tokens, elsewhere;
};

void write(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

std::string challenge(const fs::path& path) {
    return "Basic realm=" + path.string();
}

}  // namespace

TEST_CASE("Arc: the key file in the agent's folder is read", "[azure][arc]") {
    Folders f;
    write(f.tokens / "abc.key", "key-content-123");
    CHECK(read_arc_key_file(challenge(f.tokens / "abc.key"), f.tokens).reveal() == "key-content-123");
}

TEST_CASE("Arc: a challenge cannot make us read another file", "[azure][arc]") {
    Folders f;
    write(f.elsewhere / "abc.key", "secret");
    write(f.tokens / "abc.txt", "secret");
    write(f.tokens / "big.key", std::string(4097, 'k'));
    fs::create_symlink(f.elsewhere / "abc.key", f.tokens / "link.key");
    CHECK_THROWS_AS(read_arc_key_file(challenge(f.elsewhere / "abc.key"), f.tokens), pe::Failure);
    CHECK_THROWS_AS(read_arc_key_file(challenge(f.tokens / ".." / "elsewhere" / "abc.key"), f.tokens), pe::Failure);
    CHECK_THROWS_AS(read_arc_key_file(challenge(f.tokens / "abc.txt"), f.tokens), pe::Failure);
    CHECK_THROWS_AS(read_arc_key_file(challenge(f.tokens / "big.key"), f.tokens), pe::Failure);
    CHECK_THROWS_AS(read_arc_key_file(challenge(f.tokens / "link.key"), f.tokens), pe::Failure);
    CHECK_THROWS_AS(read_arc_key_file(challenge(f.tokens / "missing.key"), f.tokens), pe::Failure);
    CHECK_THROWS_AS(read_arc_key_file("Bearer realm=x", f.tokens), pe::Failure);
    CHECK_THROWS_AS(read_arc_key_file("", f.tokens), pe::Failure);
    write(f.tokens / "max.key", std::string(4096, 'k'));
    CHECK(read_arc_key_file(challenge(f.tokens / "max.key"), f.tokens).reveal().size() == 4096);
}

TEST_CASE("Arc: a key file's content must be fit for a header, and a FIFO is not read", "[azure][arc]") {
    Folders f;
    write(f.tokens / "crlf.key", "key\r\nX-Injected: 1");
    write(f.tokens / "space.key", "key content");
    REQUIRE(mkfifo((f.tokens / "pipe.key").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(read_arc_key_file(challenge(f.tokens / "crlf.key"), f.tokens),
                      Catch::Contains("has a line break at byte 4"));
    CHECK_THROWS_WITH(read_arc_key_file(challenge(f.tokens / "space.key"), f.tokens),
                      Catch::Contains("has whitespace"));
    CHECK_THROWS_WITH(read_arc_key_file(challenge(f.tokens / "pipe.key"), f.tokens),
                      Catch::Contains("not a regular file"));
}
