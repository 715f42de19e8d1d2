#pragma once
// `--dest -`: the CSV goes to standard output in order. A pipe cannot be rolled back, so a
// failed run is signalled only by the exit code (and the summary); the consumer must check it.
#include <string>

#include "pigment_export/storage/sink.hpp"

namespace pe {

class StdoutSink final : public Sink {
public:
    unsigned max_concurrency() const override { return 1; }
    void open() override {}
    void upload(unsigned worker, const ChunkView& chunk) override;
    void commit(const CommitInfo& info) override;
    bool holds(const CommitInfo&) override { return false; }  // a pipe holds nothing to compare with
    void abort() noexcept override {}
    std::string location() const override { return "-"; }
};

}  // namespace pe
