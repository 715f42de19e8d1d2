#pragma once
// Stage 2: asks Pigment for one block as CSV and streams the body to a consumer.
// Transient failures before the first byte are retried (by http::retry_loop, the one loop);
// once bytes have flowed, any interruption (reset, short body, missing final chunk, stall)
// fails the export. Only a body whose end is provable counts as complete.
#include <cstddef>
#include <cstdint>
#include <functional>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe::http {
class TransportError;
}

namespace pe::pigment {

// The export's classifier for transport failures: only a transient failure, and only before
// the first body byte has been handed to the consumer (after that a retry would duplicate it).
bool export_may_retry(const http::TransportError& error, std::uint64_t bytes_delivered);

enum class StreamEnd { complete, stopped_by_consumer };

using BodyConsumer = std::function<bool(const char* data, std::size_t size)>;

class ExportClient {
public:
    ExportClient(ExportSettings settings, NetworkSettings network, unsigned max_retries);

    // Throws Failure (stage export) on every Pigment or network error.
    StreamEnd stream(const Secret& api_key, const BodyConsumer& consumer);

    // Proves the key may export this block: sends the export request and hangs up once
    // the answer is a CSV, so almost no data moves. Throws Failure (stage export).
    void probe(const Secret& api_key);

private:
    ExportSettings settings_;
    NetworkSettings network_;
    unsigned max_retries_;
};

}  // namespace pe::pigment
