#include "pigment_export/storage/file_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/local_output.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/md5.hpp"
#include "pigment_export/storage/local_temporary.hpp"

namespace pe {

namespace {

Failure io_failure(const std::string& what, const std::filesystem::path& path, int err) {
    std::string hint = err == EACCES || err == EPERM ? "check the permissions of the destination folder"
                       : err == ENOSPC               ? "free disk space on the destination's file system"
                                                     : "";
    return Failure(
        FailureInfo{Stage::store, 0, "LocalIoError", what + " '" + path.string() + "': " + std::strerror(err), hint});
}

// The MD5 of the first `size` bytes of an open file, base64; empty when it cannot be read whole.
std::string md5_of_file(int fd, std::uint64_t size) {
    constexpr std::size_t kBuffer = 1u << 20;
    std::vector<char> buffer(kBuffer);
    Md5 md5;
    for (std::uint64_t at = 0; at < size;) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kBuffer, size - at));
        ssize_t got = pread(fd, buffer.data(), want, static_cast<off_t>(at));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return {};
        md5.update(buffer.data(), static_cast<std::size_t>(got));
        at += static_cast<std::uint64_t>(got);
    }
    return base64_encode(md5.finish());
}

}  // namespace

FileSink::FileSink(std::filesystem::path destination, bool overwrite)
    : destination_(std::move(destination)), overwrite_(overwrite) {}

FileSink::~FileSink() {
    abort();
}

void FileSink::open() {
    std::error_code ec;
    if (destination_.has_parent_path()) {
        std::filesystem::create_directories(destination_.parent_path(), ec);
        if (ec) {
            throw io_failure("cannot create the folder of", destination_, ec.value());
        }
    }
    ExistingOutput existing = inspect_output(destination_, Stage::store, "--dest");
    if (!overwrite_ && existing.exists) {
        throw Failure(
            FailureInfo{Stage::store, 0, "DestinationExists",
                        "'" + destination_.string() + "' exists and --no-overwrite was given; it was left as it was",
                        "remove it, pick another --dest, or drop --no-overwrite"});
    }
    reclaimed_ = reclaim_abandoned_temporaries(destination_);
    if (reclaimed_ > 0) {
        spdlog::info("reclaimed {} abandoned temporary file(s) of earlier runs beside {}", reclaimed_,
                     destination_.string());
    }
    try {
        fd_ = create_locked_temporary(destination_, temporary_);  // 0600 until published (see commit)
    } catch (const std::system_error& e) {
        throw io_failure("cannot create a temporary file beside", destination_, e.code().value());
    }
    spdlog::debug("writing to temporary file {}", temporary_.string());
}

void FileSink::upload(unsigned, const ChunkView& chunk) {
    const char* p = chunk.data;
    std::size_t left = chunk.size;
    auto offset = static_cast<off_t>(chunk.offset);
    while (left > 0) {
        ssize_t n = pwrite(fd_, p, left, offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw io_failure("cannot write", temporary_, errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
        offset += n;
    }
}

void FileSink::commit(const CommitInfo& info) {
    struct stat st {};
    if (fstat(fd_, &st) != 0 || static_cast<std::uint64_t>(st.st_size) != info.total_bytes) {
        throw Failure(
            FailureInfo{Stage::store, 0, "LengthMismatch",
                        "the temporary file does not hold the " + std::to_string(info.total_bytes) + " bytes streamed",
                        "check the destination's file system"});
    }
    // Checked again now, not only at open: a FIFO or link put there during the export is not replaced.
    ExistingOutput existing = inspect_output(destination_, Stage::store, "--dest");
    if (fchmod(fd_, published_mode(existing)) != 0 || fsync(fd_) != 0) {
        throw io_failure("cannot flush", temporary_, errno);
    }
    // The descriptor, and with it the lock, stays open through the rename: an unlocked temporary
    // would look abandoned to a concurrent run.
    publish();
    close(fd_);
    fd_ = -1;
}

// The old file stores no digest, so it is read; only when its length already matches. The new
// bytes are known by their MD5 alone: a single-chunk export never reached the temporary file.
bool FileSink::holds(const CommitInfo& info) {
    ExistingOutput existing = inspect_output(destination_, Stage::store, "--dest");
    if (!existing.exists) return false;
    int fd = ::open(destination_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw io_failure("cannot read", destination_, errno);
    struct stat st {};
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                static_cast<std::uint64_t>(st.st_size) == info.total_bytes &&
                md5_of_file(fd, info.total_bytes) == info.md5_base64;
    close(fd);
    return same;
}

void FileSink::publish() {
    if (overwrite_) {
        if (::rename(temporary_.c_str(), destination_.c_str()) != 0) {
            throw io_failure("cannot rename the temporary file onto", destination_, errno);
        }
    } else {
        // link() fails with EEXIST instead of replacing: a file that appeared meanwhile wins.
        if (::link(temporary_.c_str(), destination_.c_str()) != 0) {
            int err = errno;
            if (err == EEXIST) {
                throw Failure(
                    FailureInfo{Stage::store, 0, "DestinationExists",
                                "'" + destination_.string() +
                                    "' appeared during the run and --no-overwrite was given; it was left as it was",
                                "remove it, pick another --dest, or drop --no-overwrite"});
            }
            throw io_failure("cannot create", destination_, err);
        }
        ::unlink(temporary_.c_str());
    }
    temporary_.clear();
    sync_parent_folder(destination_);  // the rename itself made durable
}

void FileSink::abort() noexcept {
    if (fd_ >= 0) {
        close(fd_);
        fd_ = -1;
    }
    if (!temporary_.empty()) {
        ::unlink(temporary_.c_str());
        temporary_.clear();
    }
}

std::string FileSink::location() const {
    return std::filesystem::absolute(destination_).string();
}

}  // namespace pe
