#include "pigment_export/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "pigment_export/core/size_text.hpp"

namespace pe {

namespace {

[[noreturn]] void fail(const InputFile& spec, const std::filesystem::path& path, std::string code, std::string why,
                       std::string hint) {
    throw Failure(FailureInfo{spec.stage, 0, std::move(code),
                              std::string(spec.what) + " '" + path.string() + "' " + std::move(why), std::move(hint)});
}

struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string read_input_file(const std::filesystem::path& path, const InputFile& spec) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can refuse it.
    Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (file.fd < 0) {
        int error = errno;
        fail(spec, path, "InputFileUnreadable", std::string("cannot be read: ") + std::strerror(error),
             error == ENOENT ? "check the path" : "check the path and that this user may read it");
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) {
        fail(spec, path, "InputFileUnreadable", std::string("cannot be read: ") + std::strerror(errno),
             "check the path and that this user may read it");
    }
    if (!S_ISREG(st.st_mode)) {
        fail(spec, path, "InputFileNotRegular", S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file",
             "name a regular file; pipes, devices and sockets are refused because they may block or never end");
    }
    // Sized from fstat so a small file costs little, but the limit still holds if the file grows.
    std::size_t expected = std::min<std::size_t>(static_cast<std::size_t>(st.st_size), spec.limit);
    std::string content(expected + 1, '\0');
    std::size_t total = 0;
    for (;;) {
        if (total == content.size()) {
            if (content.size() > spec.limit) break;
            content.resize(spec.limit + 1);
        }
        ssize_t n = ::read(file.fd, content.data() + total, content.size() - total);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            fail(spec, path, "InputFileUnreadable", std::string("cannot be read: ") + std::strerror(errno),
                 "check the file");
        }
        if (n == 0) break;
        total += static_cast<std::size_t>(n);
    }
    if (total > spec.limit) {
        fail(spec, path, "InputFileTooLarge", "is larger than " + limit_text(spec.limit),
             "check that the path names the intended file");
    }
    content.resize(total);
    return content;
}

}  // namespace pe
