#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "pigment_export/core/input_file.hpp"

namespace fs = std::filesystem;
using pe::InputFile;
using pe::read_input_file;

namespace {

fs::path scratch(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("pe-input-file-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

std::string code_of(const fs::path& path, const InputFile& spec) {
    try {
        read_input_file(path, spec);
    } catch (const pe::Failure& failure) {
        CHECK(failure.stage() == spec.stage);
        return failure.info().service_code;
    }
    return "ok";
}

}  // namespace

TEST_CASE("input file: a regular file up to the limit is read whole", "[core][input_file]") {
    fs::path path = scratch("exact");
    std::ofstream(path) << "12345";
    CHECK(read_input_file(path, InputFile{"--config", pe::Stage::usage, 5}) == "12345");
    CHECK(read_input_file(path, InputFile{"--config", pe::Stage::usage, 100}) == "12345");
    CHECK(code_of(path, InputFile{"--config", pe::Stage::usage, 4}) == "InputFileTooLarge");
}

TEST_CASE("input file: devices, FIFOs, directories and missing files are refused", "[core][input_file]") {
    InputFile spec{"--manifest", pe::Stage::usage, 1 << 20};
    CHECK(code_of("/dev/zero", spec) == "InputFileNotRegular");
    CHECK(code_of(scratch(""), spec) == "InputFileNotRegular");
    CHECK(code_of(scratch("missing"), spec) == "InputFileUnreadable");
    fs::path fifo = scratch("fifo");
    fs::remove(fifo);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(code_of(fifo, InputFile{"--api-key-file", pe::Stage::secret, 64}) == "InputFileNotRegular");
}
