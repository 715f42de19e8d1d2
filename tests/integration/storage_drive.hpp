#pragma once
// Drives a storage sink the way the pipeline does (open → concurrent uploads, one thread per
// worker → commit, or commit_single for a small export; abort on any failure), so the sinks
// can be tested at the library level with exact control over chunks and failures.
#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fakes/process_runner.hpp"
#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/storage/sink.hpp"

namespace storage_test {

inline pe::Config storage_config(const std::string& base_url, const std::string& account, const std::string& container,
                                 const std::string& path, pe::StorageApi api) {
    pe::Config c;
    c.destination.kind = pe::DestinationKind::storage;
    auto& s = c.destination.storage;
    s.endpoint = pe::StorageEndpoint::path_style;
    s.scheme = base_url.substr(0, base_url.find("://"));
    s.host = base_url.substr(base_url.find("://") + 3);
    s.host = s.host.substr(0, s.host.find('/'));
    s.account = account;
    s.container = container;
    s.path = path;
    c.transfer.storage_api = api;
    c.transfer.parallel = 3;
    c.transfer.max_retries = 3;
    return c;
}

inline pe::CommitInfo commit_info(const std::string& data, std::size_t chunk_size) {
    pe::CommitInfo info;
    info.total_bytes = data.size();
    info.chunk_count = data.empty() ? 0 : (data.size() + chunk_size - 1) / chunk_size;
    info.md5_base64 = testing::md5_base64(data);
    info.rows = 0;
    for (char c : data) info.rows += c == '\n' ? 1 : 0;
    info.block_type = "metric";
    info.block_id = "0b6c1a52-3f55-4d3e-9d1b-4c1c5e0d2a11";
    info.exported_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
    return info;
}

// A chunk as the pipeline hands it to a sink, its CRC-64 included.
inline pe::ChunkView chunk_view(std::uint64_t index, std::uint64_t offset, const char* data, std::size_t size) {
    return {index, offset, data, size, pe::crc64(data, size)};
}

// Runs one export of `data` through `sink`. With `cut_after`, the "export" fails after that
// many chunks were handed out (as a Pigment stream cut mid-way would), and the sink is aborted.
inline void drive(pe::Sink& sink, const std::string& data, std::size_t chunk_size,
                  std::optional<std::size_t> cut_after = std::nullopt) {
    sink.open();
    try {
        pe::CommitInfo info = commit_info(data, chunk_size);
        if (data.size() <= chunk_size && !cut_after) {
            sink.commit_single(chunk_view(0, 0, data.data(), data.size()), info);
            return;
        }
        std::size_t chunks = static_cast<std::size_t>(info.chunk_count);
        std::size_t limit = cut_after ? std::min(*cut_after, chunks) : chunks;
        unsigned workers = sink.max_concurrency();
        std::vector<std::exception_ptr> errors(workers);
        std::vector<std::thread> threads;
        for (unsigned w = 0; w < workers; ++w) {
            threads.emplace_back([&, w] {
                try {
                    for (std::size_t i = w; i < limit; i += workers) {
                        std::size_t offset = i * chunk_size;
                        std::size_t size = std::min(chunk_size, data.size() - offset);
                        sink.upload(w, chunk_view(i, offset, data.data() + offset, size));
                    }
                } catch (...) {
                    errors[w] = std::current_exception();
                }
            });
        }
        for (auto& t : threads) t.join();
        for (auto& e : errors) {
            if (e) std::rethrow_exception(e);
        }
        if (cut_after) {
            throw pe::Failure(pe::Stage::export_, "the export stream was cut");
        }
        sink.commit(info);
    } catch (...) {
        sink.abort();
        throw;
    }
}

// A CSV of at least `bytes` bytes.
inline std::string csv_of_size(std::size_t bytes) {
    std::string out = "Month;Country;Revenue\n";
    for (std::size_t i = 0; out.size() < bytes; ++i) {
        out += "2026-" + std::to_string(1 + i % 12) + ";C" + std::to_string(i % 97) + ";" +
               std::to_string(i * 7919 % 100000) + "\n";
    }
    return out;
}

inline std::string base64url(std::string_view bytes) {
    std::string out = pe::base64_encode(bytes);
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

// A JWT shaped the way Azurite's --oauth basic check and the DFS fake expect (unsigned).
inline std::string storage_jwt(const std::string& audience = "https://storage.azure.com") {
    auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string payload = R"({"aud":")" + audience +
                          R"(","iss":"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/","iat":)" +
                          std::to_string(now - 60) + R"(,"nbf":)" + std::to_string(now - 60) + R"(,"exp":)" +
                          std::to_string(now + 3600) + R"(,"oid":"00000000-0000-0000-0000-000000000001"})";
    return base64url(R"({"alg":"RS256","typ":"JWT"})") + "." + base64url(payload) + ".c2lnbmF0dXJl";
}

}  // namespace storage_test
