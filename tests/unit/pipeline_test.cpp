#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "decompress.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/storage/sink.hpp"
#include "pigment_export/transfer/pipeline.hpp"

using namespace pe;

namespace {

struct UploadRecord {
    unsigned worker = 0;
    std::uint64_t index = 0;
    std::uint64_t offset = 0;
    std::string data;
    const char* pointer = nullptr;
    std::uint64_t crc64 = 0;
};

// An in-memory sink that records every call.
class RecordingSink : public Sink {
public:
    explicit RecordingSink(unsigned concurrency = 4) : concurrency_(concurrency) {}

    unsigned max_concurrency() const override { return concurrency_; }

    void open() override {
        std::lock_guard lock(mutex_);
        ++opens;
    }

    bool holds(const CommitInfo& info) override {
        std::lock_guard lock(mutex_);
        ++holds_calls;
        return holds_md5 == info.md5_base64;
    }

    void upload(unsigned worker, const ChunkView& chunk) override {
        int now = ++in_flight_;
        int seen = max_in_flight.load();
        while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
        }
        int n = ++upload_calls_;
        if (upload_delay.count() > 0) std::this_thread::sleep_for(upload_delay);
        {
            std::lock_guard lock(mutex_);
            if (worker >= concurrency_) bad_worker = true;
            uploads.push_back(
                {worker, chunk.index, chunk.offset, std::string(chunk.data, chunk.size), chunk.data, chunk.crc64});
        }
        --in_flight_;
        if (fail_on_upload != 0 && n == fail_on_upload) {
            if (throw_std_exception) throw std::runtime_error("disk on fire");
            throw Failure(FailureInfo{Stage::store, 503, "ServerBusy", "injected upload failure", ""});
        }
    }

    void commit(const CommitInfo& info) override {
        std::lock_guard lock(mutex_);
        ++commits;
        committed = info;
        if (fail_commit) throw Failure(Stage::store, "commit refused");
    }

    void commit_single(const ChunkView& only, const CommitInfo& info) override {
        std::lock_guard lock(mutex_);
        ++commit_singles;
        single_data.assign(only.data, only.size);
        single_crc64 = only.crc64;
        single_index = only.index;
        single_offset = only.offset;
        committed = info;
    }

    void abort() noexcept override {
        if (in_flight_.load() != 0) abort_during_upload = true;
        std::lock_guard lock(mutex_);
        ++aborts;
    }

    std::string location() const override { return "memory://test"; }

    std::vector<UploadRecord> sorted_uploads() {
        std::lock_guard lock(mutex_);
        auto copy = uploads;
        std::sort(copy.begin(), copy.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
        return copy;
    }

    std::size_t distinct_buffers() {
        std::lock_guard lock(mutex_);
        std::set<const char*> pointers;
        for (const auto& u : uploads) pointers.insert(u.pointer);
        return pointers.size();
    }

    // configuration
    int fail_on_upload = 0;  // 1-based; 0 = never
    bool throw_std_exception = false;
    bool fail_commit = false;
    std::chrono::milliseconds upload_delay{0};

    // observations
    int opens = 0, commits = 0, commit_singles = 0, aborts = 0, holds_calls = 0;
    std::string holds_md5;  // holds() answers true for an export of this MD5
    std::vector<UploadRecord> uploads;
    std::string single_data;
    std::uint64_t single_crc64 = 0;
    std::uint64_t single_index = 99, single_offset = 99;
    CommitInfo committed;
    std::atomic<int> max_in_flight{0};
    std::atomic<bool> abort_during_upload{false};
    bool bad_worker = false;

private:
    unsigned concurrency_;
    std::mutex mutex_;
    std::atomic<int> in_flight_{0};
    std::atomic<int> upload_calls_{0};
};

std::string md5_base64_openssl(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    REQUIRE(EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) == 1);
    unsigned char b64[64];
    int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
    return std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
}

// A CSV with `rows` data rows, quoted fields with embedded newlines and delimiters.
std::string make_csv(int rows) {
    std::string csv = "id;name;note\r\n";
    for (int i = 0; i < rows; ++i) {
        csv += std::to_string(i) + ";\"name " + std::to_string(i) + "\";\"a;b\r\nc \"\"q\"\"\"\r\n";
    }
    return csv;
}

void feed_in_random_pieces(Pipeline& p, const std::string& data, unsigned seed) {
    std::mt19937 rng(seed);
    std::size_t pos = 0;
    while (pos < data.size()) {
        std::size_t n = std::min<std::size_t>(1 + rng() % 3000, data.size() - pos);
        REQUIRE(p.feed(data.data() + pos, n));
        pos += n;
    }
}

// Field by field, so the test does not depend on the options' full member list.
PipelineOptions options(std::size_t chunk_size, unsigned parallel) {
    PipelineOptions o;
    o.chunk_size = chunk_size;
    o.parallel = parallel;
    return o;
}

CommitInfo commit_info() {
    CommitInfo info;
    info.block_type = "metric";
    info.block_id = "m-1";
    return info;
}

}  // namespace

TEST_CASE("chunks are contiguous and reassemble the stream exactly", "[transfer]") {
    RecordingSink sink(4);
    const std::string data = make_csv(2000);
    const std::size_t chunk = 4096;
    REQUIRE(data.size() > 10 * chunk);
    {
        Pipeline p(sink, options(chunk, 4));
        p.start();
        feed_in_random_pieces(p, data, 1);
        auto result = p.finish(commit_info());
        CHECK(result.csv_bytes == data.size());
        CHECK(result.stored_bytes == data.size());
        CHECK(result.rows == 2000);
        CHECK(result.chunks == (data.size() + chunk - 1) / chunk);
        CHECK(result.md5_base64 == md5_base64_openssl(data));
        CHECK(p.bytes_received() == data.size());
        CHECK(p.bytes_stored() == data.size());
        CHECK(p.rows_so_far() == 2000);
    }
    CHECK(sink.opens == 1);
    CHECK(sink.commits == 1);
    CHECK(sink.commit_singles == 0);
    CHECK(sink.aborts == 0);
    CHECK_FALSE(sink.bad_worker);

    auto uploads = sink.sorted_uploads();
    REQUIRE(uploads.size() == (data.size() + chunk - 1) / chunk);
    std::string joined;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < uploads.size(); ++i) {
        INFO("chunk " << i);
        CHECK(uploads[i].index == i);
        CHECK(uploads[i].offset == offset);
        if (i + 1 < uploads.size()) CHECK(uploads[i].data.size() == chunk);
        CHECK_FALSE(uploads[i].data.empty());
        // Kept up piece by piece while the chunk filled, reset when its buffer is reused.
        CHECK(uploads[i].crc64 == pe::crc64(uploads[i].data.data(), uploads[i].data.size()));
        offset += uploads[i].data.size();
        joined += uploads[i].data;
    }
    CHECK(joined == data);

    const CommitInfo& info = sink.committed;
    CHECK(info.total_bytes == data.size());
    CHECK(info.chunk_count == uploads.size());
    CHECK(info.md5_base64 == md5_base64_openssl(data));
    CHECK(info.rows == 2000);
    CHECK(info.block_type == "metric");
    CHECK(info.block_id == "m-1");
}

TEST_CASE("a stream that fits in one chunk uses commit_single and no upload", "[transfer]") {
    RecordingSink sink(4);
    const std::string data = "h1;h2\n1;2\n3;\"x\ny\"\n";
    {
        Pipeline p(sink, options(1024, 4));
        p.start();
        REQUIRE(p.feed(data.data(), 5));
        REQUIRE(p.feed(data.data() + 5, data.size() - 5));
        auto result = p.finish(commit_info());
        CHECK(result.chunks == 1);
        CHECK(result.rows == 2);
        CHECK(result.csv_bytes == data.size());
        CHECK(result.stored_bytes == data.size());
    }
    CHECK(sink.uploads.empty());
    CHECK(sink.commit_singles == 1);
    CHECK(sink.commits == 0);
    CHECK(sink.aborts == 0);
    CHECK(sink.single_data == data);
    CHECK(sink.single_crc64 == pe::crc64(data.data(), data.size()));
    CHECK(sink.single_index == 0);
    CHECK(sink.single_offset == 0);
    CHECK(sink.committed.md5_base64 == md5_base64_openssl(data));
    CHECK(sink.committed.chunk_count == 1);
    CHECK(sink.committed.rows == 2);
    CHECK(sink.committed.total_bytes == data.size());
}

TEST_CASE("an empty stream commits a single empty chunk", "[transfer]") {
    RecordingSink sink(2);
    {
        Pipeline p(sink, options(1024, 2));
        p.start();
        auto result = p.finish(commit_info());
        CHECK(result.csv_bytes == 0);
        CHECK(result.stored_bytes == 0);
        CHECK(result.rows == 0);
        CHECK(result.md5_base64 == "1B2M2Y8AsgTpgAmY7PhCfg==");
    }
    CHECK(sink.commit_singles == 1);
    CHECK(sink.commits == 0);
    CHECK(sink.single_data.empty());
    CHECK(sink.committed.total_bytes == 0);
    CHECK(sink.committed.md5_base64 == md5_base64_openssl(""));
    CHECK(sink.uploads.empty());
}

TEST_CASE("a stream of exactly one chunk size is stored whole", "[transfer]") {
    RecordingSink sink(2);
    std::string data(1024, 'x');
    data.back() = '\n';
    {
        Pipeline p(sink, options(1024, 2));
        p.start();
        REQUIRE(p.feed(data.data(), data.size()));
        auto result = p.finish(commit_info());
        CHECK(result.chunks == 1);
        CHECK(result.md5_base64 == md5_base64_openssl(data));
    }
    CHECK(sink.aborts == 0);
    CHECK(sink.commits + sink.commit_singles == 1);
    std::string stored = sink.commit_singles == 1 ? sink.single_data : sink.sorted_uploads().at(0).data;
    CHECK(stored == data);
    CHECK(sink.committed.chunk_count == 1);
}

TEST_CASE("rows are counted across chunk boundaries, with a BOM and no final newline", "[transfer]") {
    RecordingSink sink(3);
    std::string data = "\xEF\xBB\xBF" + make_csv(300);
    data += "last;\"row\";without newline";
    {
        Pipeline p(sink, options(1000, 3));
        p.start();
        for (char c : data) REQUIRE(p.feed(&c, 1));  // worst case: byte by byte
        auto result = p.finish(commit_info());
        CHECK(result.rows == 301);
        CHECK(result.md5_base64 == md5_base64_openssl(data));
    }
    CHECK(sink.committed.rows == 301);
}

TEST_CASE("an upload failure stops the feed, and finish aborts once and never commits", "[transfer]") {
    RecordingSink sink(2);
    sink.fail_on_upload = 2;
    const std::string data = make_csv(5000);
    bool refused = false;
    {
        Pipeline p(sink, options(1024, 2));
        p.start();
        std::size_t pos = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (pos < data.size()) {
            std::size_t n = std::min<std::size_t>(700, data.size() - pos);
            if (!p.feed(data.data() + pos, n)) {
                refused = true;
                break;
            }
            pos += n;
            if (pos >= 8 * 1024) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            REQUIRE(std::chrono::steady_clock::now() < deadline);
        }
        REQUIRE(refused);
        CHECK(pos < data.size());  // the download was stopped early
        REQUIRE(p.failure().has_value());
        CHECK(p.failure()->message == "injected upload failure");
        try {
            p.finish(commit_info());
            FAIL("finish() succeeded after an upload failure");
        } catch (const Failure& f) {
            CHECK(f.stage() == Stage::store);
            CHECK(f.info().service_code == "ServerBusy");
            CHECK(f.info().http_status == 503);
        }
        CHECK(sink.aborts == 1);
        p.abort();  // idempotent
        CHECK(sink.aborts == 1);
    }
    CHECK(sink.aborts == 1);  // the destructor does not abort again
    CHECK(sink.commits == 0);
    CHECK(sink.commit_singles == 0);
    CHECK_FALSE(sink.abort_during_upload.load());
}

TEST_CASE("a non-Failure exception from upload becomes a store failure", "[transfer]") {
    RecordingSink sink(1);
    sink.fail_on_upload = 1;
    sink.throw_std_exception = true;
    {
        Pipeline p(sink, options(1024, 1));
        p.start();
        std::string data(4096, 'a');
        p.feed(data.data(), data.size());
        try {
            p.finish(commit_info());
            FAIL("finish() succeeded");
        } catch (const Failure& f) {
            CHECK(f.stage() == Stage::store);
            CHECK_THAT(f.info().message, Catch::Contains("disk on fire"));
        }
    }
    CHECK(sink.aborts == 1);
    CHECK(sink.commits == 0);
}

TEST_CASE("abort() after a refused feed aborts the sink exactly once", "[transfer]") {
    RecordingSink sink(2);
    sink.fail_on_upload = 1;
    {
        Pipeline p(sink, options(1024, 2));
        p.start();
        std::string data(1024, 'z');
        bool refused = false;
        for (int i = 0; i < 2000 && !refused; ++i) {
            refused = !p.feed(data.data(), data.size());
            if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        CHECK(refused);
        p.abort();
        CHECK(sink.aborts == 1);
        p.abort();
    }
    CHECK(sink.aborts == 1);
    CHECK(sink.commits == 0);
    CHECK(sink.commit_singles == 0);
}

TEST_CASE("abandoning a pipeline without finish aborts the sink", "[transfer]") {
    RecordingSink sink(2);
    {
        Pipeline p(sink, options(1024, 2));
        p.start();
        std::string data(5000, 'q');
        REQUIRE(p.feed(data.data(), data.size()));
    }
    CHECK(sink.aborts == 1);
    CHECK(sink.commits == 0);
    CHECK(sink.commit_singles == 0);
    CHECK_FALSE(sink.abort_during_upload.load());
}

TEST_CASE("a stream ending inside quotes fails at the export stage and aborts", "[transfer]") {
    SECTION("single chunk") {
        RecordingSink sink(2);
        {
            Pipeline p(sink, options(1024, 2));
            p.start();
            std::string data = "h\n1;\"cut short";
            REQUIRE(p.feed(data.data(), data.size()));
            try {
                p.finish(commit_info());
                FAIL("finish() accepted a truncated CSV");
            } catch (const Failure& f) {
                CHECK(f.stage() == Stage::export_);
                CHECK(f.info().service_code == "TruncatedCsv");
                CHECK(exit_code(f.stage()) == 4);
            }
        }
        CHECK(sink.aborts == 1);
        CHECK(sink.commit_singles == 0);
        CHECK(sink.commits == 0);
    }
    SECTION("several chunks") {
        RecordingSink sink(2);
        {
            Pipeline p(sink, options(1024, 2));
            p.start();
            std::string data = make_csv(200) + "9;\"open field\r\nstill open";
            feed_in_random_pieces(p, data, 9);
            CHECK_THROWS_AS(p.finish(commit_info()), Failure);
        }
        CHECK(sink.aborts == 1);
        CHECK(sink.commits == 0);
    }
}

TEST_CASE("a failing commit aborts the sink and rethrows", "[transfer]") {
    RecordingSink sink(2);
    sink.fail_commit = true;
    {
        Pipeline p(sink, options(1024, 2));
        p.start();
        std::string data = make_csv(100);
        feed_in_random_pieces(p, data, 3);
        CHECK_THROWS_WITH(p.finish(commit_info()), Catch::Contains("commit refused"));
    }
    CHECK(sink.commits == 1);
    CHECK(sink.aborts == 1);
}

TEST_CASE("uploads never exceed min(parallel, sink concurrency)", "[transfer]") {
    struct Case {
        unsigned parallel, sink_max;
    };
    for (auto c : {Case{8, 3}, Case{2, 8}, Case{1, 4}, Case{4, 1}}) {
        INFO("parallel " << c.parallel << ", sink max " << c.sink_max);
        RecordingSink sink(c.sink_max);
        sink.upload_delay = std::chrono::milliseconds(3);
        std::string data(40 * 512, 'r');
        {
            Pipeline p(sink, options(512, c.parallel));
            p.start();
            feed_in_random_pieces(p, data, c.parallel);
            p.finish(commit_info());
        }
        CHECK(sink.max_in_flight.load() >= 1);
        CHECK(sink.max_in_flight.load() <= static_cast<int>(std::min(c.parallel, c.sink_max)));
        CHECK_FALSE(sink.bad_worker);
        CHECK(sink.uploads.size() == 40);
        CHECK(sink.commits == 1);
    }
}

TEST_CASE("memory stays bounded: at most parallel + 1 distinct buffers", "[transfer]") {
    for (unsigned parallel : {1u, 2u, 4u}) {
        INFO("parallel " << parallel);
        RecordingSink sink(parallel);
        sink.upload_delay = std::chrono::milliseconds(1);
        std::string data(200 * 256, 'm');
        {
            Pipeline p(sink, options(256, parallel));
            p.start();
            feed_in_random_pieces(p, data, 5 + parallel);
            auto result = p.finish(commit_info());
            CHECK(result.chunks == 200);
        }
        CHECK(sink.uploads.size() == 200);
        CHECK(sink.distinct_buffers() <= parallel + 1);
        CHECK(sink.distinct_buffers() >= 1);
    }
}

TEST_CASE("with --compress the chunks CRC MD5 and length are of the stored bytes and the rows of the CSV",
          "[transfer][compress]") {
    // Random numbers beside the quoted fields, so the stored stream spans many 64 KiB chunks.
    std::mt19937 rng(5);
    std::string csv = "id;name;note\r\n";
    for (int i = 0; i < 40'000; ++i) {
        csv += std::to_string(rng()) + ";\"n " + std::to_string(rng()) + "\";\"a;b\r\nc \"\"q\"\"\"\r\n";
    }
    for (Codec codec : {Codec::gzip, Codec::zstd}) {
        CAPTURE(codec_name(codec));
        RecordingSink sink;
        auto o = options(64 << 10, 3);
        o.compression = CompressionSettings{codec, level_range(codec).default_level};
        Pipeline p(sink, o);
        p.start();
        feed_in_random_pieces(p, csv, 11);
        PipelineResult result = p.finish(commit_info());
        auto uploads = sink.sorted_uploads();
        REQUIRE(uploads.size() > 2);
        std::string stored;
        for (const auto& u : uploads) {
            CHECK(u.offset == stored.size());
            CHECK(u.crc64 == crc64(u.data.data(), u.data.size()));
            stored += u.data;
        }
        CHECK((codec == Codec::gzip ? testing::gunzip(stored) : testing::unzstd(stored)) == csv);
        CHECK(result.csv_bytes == csv.size());
        CHECK(result.stored_bytes == stored.size());
        CHECK(result.rows == 40'000);
        CHECK(sink.committed.total_bytes == stored.size());
        CHECK(sink.committed.chunk_count == uploads.size());
        CHECK(sink.committed.md5_base64 == md5_base64_openssl(stored));
        CHECK(result.md5_base64 == md5_base64_openssl(stored));
    }
}

TEST_CASE("an empty export compressed is one small chunk holding an empty stream", "[transfer][compress]") {
    for (Codec codec : {Codec::gzip, Codec::zstd}) {
        CAPTURE(codec_name(codec));
        RecordingSink sink;
        auto o = options(64 << 10, 2);
        o.compression = CompressionSettings{codec, 1};
        Pipeline p(sink, o);
        p.start();
        PipelineResult result = p.finish(commit_info());
        CHECK(sink.commit_singles == 1);
        CHECK(sink.uploads.empty());
        CHECK(result.csv_bytes == 0);
        CHECK(result.chunks == 1);
        CHECK(result.stored_bytes == sink.single_data.size());
        CHECK(sink.single_crc64 == crc64(sink.single_data.data(), sink.single_data.size()));
        CHECK((codec == Codec::gzip ? testing::gunzip(sink.single_data) : testing::unzstd(sink.single_data)).empty());
    }
}

TEST_CASE("if-changed: a destination holding the same bytes is left alone and the upload discarded", "[transfer]") {
    RecordingSink sink(4);
    const std::string data = make_csv(2000);
    sink.holds_md5 = md5_base64_openssl(data);
    auto opts = options(4096, 4);
    opts.if_changed = true;
    PipelineResult result;
    {
        Pipeline p(sink, opts);
        p.start();
        feed_in_random_pieces(p, data, 3);
        result = p.finish(commit_info());
    }
    CHECK(result.unchanged);
    CHECK(result.md5_base64 == sink.holds_md5);
    CHECK(sink.holds_calls == 1);
    CHECK(sink.commits == 0);
    CHECK(sink.commit_singles == 0);
    CHECK(sink.aborts >= 1);
}

TEST_CASE("if-changed: other bytes commit as usual and without the option nothing is compared", "[transfer]") {
    bool if_changed = GENERATE(true, false);
    RecordingSink sink(4);
    sink.holds_md5 = "another export";
    auto opts = options(1u << 20, 4);  // one chunk: commit_single
    opts.if_changed = if_changed;
    PipelineResult result;
    {
        Pipeline p(sink, opts);
        p.start();
        feed_in_random_pieces(p, make_csv(50), 5);
        result = p.finish(commit_info());
    }
    CHECK_FALSE(result.unchanged);
    CHECK(sink.holds_calls == (if_changed ? 1 : 0));
    CHECK(sink.commit_singles == 1);
}

// Compression runs on a thread of its own; an upload failure must still stop the download, and a
// pipeline given up while that thread waits (for input or for a buffer) must end it and abort once.
TEST_CASE("with --compress an upload failure stops the feed and a pipeline given up mid-stream aborts once",
          "[transfer][compress]") {
    std::mt19937 rng(7);
    std::string csv;
    while (csv.size() < (24u << 20)) csv += std::to_string(rng()) + ";" + std::to_string(rng()) + "\n";
    for (Codec codec : {Codec::gzip, Codec::zstd}) {
        CAPTURE(codec_name(codec));
        {
            RecordingSink sink(2);
            sink.fail_on_upload = 2;
            auto o = options(64 << 10, 2);
            o.compression = CompressionSettings{codec, level_range(codec).default_level};
            Pipeline p(sink, o);
            p.start();
            std::size_t pos = 0;
            bool refused = false;
            while (pos < csv.size() && !refused) {
                std::size_t n = std::min<std::size_t>(100'000, csv.size() - pos);
                refused = !p.feed(csv.data() + pos, n);
                pos += n;
            }
            CHECK(refused);
            CHECK_THROWS_AS(p.finish(commit_info()), Failure);
            CHECK(sink.aborts == 1);
            CHECK(sink.commits + sink.commit_singles == 0);
        }
        for (std::size_t fed : {std::size_t{0}, std::size_t{300'000}, std::size_t{6u << 20}}) {
            CAPTURE(fed);
            RecordingSink sink(1);
            sink.upload_delay = std::chrono::milliseconds(5);
            auto o = options(64 << 10, 1);
            o.compression = CompressionSettings{codec, level_range(codec).default_level};
            {
                Pipeline p(sink, o);
                p.start();
                CHECK(p.feed(csv.data(), fed));
            }
            CHECK(sink.aborts == 1);
            CHECK(sink.commits + sink.commit_singles == 0);
        }
    }
}
