#include "pigment_export/app/standard_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "pigment_export/core/compression.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe {

namespace {
bool g_stdout_was_closed = false;
}  // namespace

void reopen_closed_standard_streams() noexcept {
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        if (fd == STDOUT_FILENO) g_stdout_was_closed = true;
        // open() returns the lowest free descriptor, which is `fd` since the lower ones are open.
        int opened = ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
        if (opened != fd) _exit(1);
    }
}

void refuse_unusable_stdout(const Config& config) {
    if (config.destination.kind != DestinationKind::standard_output) return;
    if (g_stdout_was_closed) {
        throw Failure(FailureInfo{Stage::usage,
                                  0,
                                  {},
                                  "--dest - but standard output is closed",
                                  "give the export somewhere to go: redirect stdout (> file) or name a --dest file"});
    }
    Codec codec = config.transfer.compression.codec;
    if (codec != Codec::none && ::isatty(STDOUT_FILENO) == 1) {
        std::string name = codec_name(codec);
        throw Failure(FailureInfo{Stage::usage,
                                  0,
                                  {},
                                  "--dest - --compress " + name + " but standard output is a terminal",
                                  "compressed bytes would only garble it: redirect stdout (> export.csv" +
                                      std::string(codec_extension(codec)) + ") or pipe it (| " + name + " -dc)"});
    }
}

}  // namespace pe
