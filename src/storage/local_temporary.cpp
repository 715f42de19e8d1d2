#include "pigment_export/storage/local_temporary.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <system_error>

#include "pigment_export/core/local_output.hpp"
#include "pigment_export/core/random_id.hpp"

namespace pe {

namespace {

constexpr std::size_t kSuffix = 6;  // as mkstemp's XXXXXX

// ".NAME.pigment-tmp-": core/local_output's pattern without its XXXXXX, so both name one thing.
std::string name_prefix(std::string_view destination_name) {
    std::string pattern = temporary_pattern_for(std::filesystem::path(destination_name)).string();
    return pattern.substr(0, pattern.size() - kSuffix);
}

std::filesystem::path folder_of(const std::filesystem::path& destination) {
    return destination.has_parent_path() ? destination.parent_path() : std::filesystem::path(".");
}

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// O_TMPFILE: the file exists, unnamed, while we lock it; it gets its name already locked.
int create_unnamed_then_link(const std::filesystem::path& destination, std::filesystem::path& path) {
    int fd = ::open(folder_of(destination).c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        throw_errno("flock");
    }
    std::string proc = "/proc/self/fd/" + std::to_string(fd);
    std::filesystem::path prefix = folder_of(destination) / name_prefix(destination.filename().string());
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::filesystem::path candidate = prefix.string() + random_hex(kSuffix);
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, candidate.c_str(), AT_SYMLINK_FOLLOW) == 0) {
            path = candidate;
            return fd;
        }
        if (errno != EEXIST) break;
    }
    ::close(fd);
    return -1;
}

}  // namespace

bool is_local_temporary_of(std::string_view entry_name, std::string_view destination_name) {
    if (destination_name.empty()) return false;
    std::string prefix = name_prefix(destination_name);
    if (entry_name.size() != prefix.size() + kSuffix || !entry_name.starts_with(prefix)) return false;
    auto suffix = entry_name.substr(prefix.size());
    return std::all_of(suffix.begin(), suffix.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

int create_locked_temporary(const std::filesystem::path& destination, std::filesystem::path& path) {
    int fd = create_unnamed_then_link(destination, path);
    if (fd >= 0) return fd;
    // No O_TMPFILE here (some network file systems): between mkstemp and flock another run could
    // take the file for abandoned and remove it; this run then fails at the rename, with the
    // destination unchanged, which is safe.
    std::string pattern = temporary_pattern_for(destination).string();
    fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0) throw_errno("mkstemp");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        ::close(fd);
        ::unlink(pattern.c_str());
        throw std::system_error(err, std::generic_category(), "flock");
    }
    path = pattern;
    return fd;
}

std::size_t reclaim_abandoned_temporaries(const std::filesystem::path& destination) {
    std::size_t removed = 0;
    std::string name = destination.filename().string();
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder_of(destination), ec), end; !ec && it != end; it.increment(ec)) {
        std::filesystem::path entry = it->path();
        if (!is_local_temporary_of(entry.filename().string(), name)) continue;
        int fd = ::open(entry.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat held {
        }, named{};
        // Locked: a live run's. Unlocked: its writer is gone. The name must still be this file.
        bool abandoned = ::fstat(fd, &held) == 0 && S_ISREG(held.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
                         ::lstat(entry.c_str(), &named) == 0 && named.st_dev == held.st_dev &&
                         named.st_ino == held.st_ino;
        if (abandoned && ::unlink(entry.c_str()) == 0) ++removed;
        ::close(fd);
    }
    return removed;
}

}  // namespace pe
