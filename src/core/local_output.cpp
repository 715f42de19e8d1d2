#include "pigment_export/core/local_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace pe {

namespace {

const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

Failure io_failure(Stage stage, std::string_view what, const std::filesystem::path& path, int err) {
    std::string hint = err == EACCES || err == EPERM    ? "check the permissions of the folder"
                       : err == ENOSPC || err == EDQUOT ? "free disk space on that file system"
                       : err == ENOENT                  ? "create the folder first"
                                                        : "check the path";
    return Failure(FailureInfo{stage, 0, "LocalIoError",
                               "cannot write " + std::string(what) + " '" + path.string() + "': " + std::strerror(err),
                               hint});
}

mode_t current_umask() {
    mode_t mask = umask(0);
    umask(mask);
    return mask;
}

}  // namespace

ExistingOutput inspect_output(const std::filesystem::path& path, Stage stage, std::string_view what) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        int err = errno;
        if (err == ENOENT) return {};
        throw io_failure(stage, what, path, err);
    }
    if (!S_ISREG(st.st_mode)) {
        std::string kind = kind_of(st.st_mode);
        std::string hint =
            S_ISLNK(st.st_mode)
                ? "name the file itself (readlink -f) or remove the link; links are never replaced"
                : "name a regular file or a new path; only files the tool could have written are replaced";
        throw Failure(
            FailureInfo{stage, 0, "OutputNotRegular", std::string(what) + " '" + path.string() + "' is " + kind, hint});
    }
    return {true, static_cast<mode_t>(st.st_mode & 07777), st.st_dev, st.st_ino};
}

mode_t published_mode(const ExistingOutput& existing) {
    return existing.exists ? existing.mode : static_cast<mode_t>(0666) & ~current_umask();
}

std::filesystem::path temporary_pattern_for(const std::filesystem::path& path) {
    return path.parent_path() / ("." + path.filename().string() + ".pigment-tmp-XXXXXX");
}

void sync_parent_folder(const std::filesystem::path& path) noexcept {
    int dir = ::open(path.has_parent_path() ? path.parent_path().c_str() : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void write_output_atomically(const std::filesystem::path& path, std::string_view content, Stage stage,
                             std::string_view what) {
    ExistingOutput existing = inspect_output(path, stage, what);
    std::string temporary = temporary_pattern_for(path).string();
    int fd = ::mkostemp(temporary.data(), O_CLOEXEC);  // 0600 until published
    if (fd < 0) throw io_failure(stage, what, path, errno);
    auto fail = [&](int err) {
        ::close(fd);
        ::unlink(temporary.c_str());
        throw io_failure(stage, what, path, err);
    };
    for (std::size_t done = 0; done < content.size();) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(errno);
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::fchmod(fd, published_mode(existing)) != 0) fail(errno);
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(temporary.c_str());
        throw io_failure(stage, what, path, err);
    }
    // Checked again just before the rename: something other than a file may have appeared.
    try {
        inspect_output(path, stage, what);
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(temporary.c_str());
        throw io_failure(stage, what, path, err);
    }
    sync_parent_folder(path);
}

}  // namespace pe
