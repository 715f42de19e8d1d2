#include "pigment_export/app/standard_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

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

void refuse_closed_stdout(const Config& config) {
    if (g_stdout_was_closed && config.destination.kind == DestinationKind::standard_output) {
        throw Failure(FailureInfo{Stage::usage,
                                  0,
                                  {},
                                  "--dest - but standard output is closed",
                                  "give the export somewhere to go: redirect stdout (> file) or name a --dest file"});
    }
}

}  // namespace pe
