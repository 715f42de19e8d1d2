#pragma once
// Stage 2: asks Pigment for one block as CSV and streams the body to a consumer.
// Transient failures before the first byte are retried; once bytes have flowed, any
// interruption (reset, short body, missing final chunk, stall) fails the export.
#include <cstddef>
#include <functional>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe::pigment {

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
