#pragma once
// A local file destination: data goes to a hidden temporary file beside the destination,
// (mode 0600 until then, and locked: see storage/local_temporary), which is fsynced and
// renamed over it only on commit, so a reader sees the old file or
// the complete new one, never a partial one.
#include <filesystem>
#include <string>

#include "pigment_export/storage/sink.hpp"

namespace pe {

class FileSink final : public Sink {
public:
    FileSink(std::filesystem::path destination, bool overwrite);
    ~FileSink() override;

    unsigned max_concurrency() const override { return 2; }
    void open() override;
    void upload(unsigned worker, const ChunkView& chunk) override;
    void commit(const CommitInfo& info) override;
    bool holds(const CommitInfo& info) override;
    void abort() noexcept override;
    std::string location() const override;
    std::size_t reclaimed() const override { return reclaimed_; }

private:
    void publish();

    std::filesystem::path destination_;
    std::filesystem::path temporary_;
    bool overwrite_;
    int fd_ = -1;
    std::size_t reclaimed_ = 0;
};

}  // namespace pe
