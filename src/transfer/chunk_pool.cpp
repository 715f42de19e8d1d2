#include "pigment_export/transfer/chunk_pool.hpp"

namespace pe {

ChunkPool::ChunkPool(std::size_t chunk_size, std::size_t capacity) : chunk_size_(chunk_size), capacity_(capacity) {}

ChunkBuffer* ChunkPool::acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return closed_ || !free_.empty() || owned_.size() < capacity_; });
    if (closed_) {
        return nullptr;
    }
    if (!free_.empty()) {
        ChunkBuffer* buffer = free_.back();
        free_.pop_back();
        buffer->size = 0;
        buffer->crc64 = 0;
        return buffer;
    }
    // Lazily allocated, so a small export costs one buffer, not the whole pool. The memory
    // is not zeroed: every byte is written before it is read.
    auto buffer = std::make_unique<ChunkBuffer>();
    buffer->data = std::make_unique_for_overwrite<char[]>(chunk_size_);
    buffer->capacity = chunk_size_;
    owned_.push_back(std::move(buffer));
    return owned_.back().get();
}

void ChunkPool::release(ChunkBuffer* buffer) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(buffer);
    }
    available_.notify_one();
}

void ChunkPool::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    available_.notify_all();
}

std::size_t ChunkPool::allocated() const {
    std::lock_guard lock(mutex_);
    return owned_.size();
}

}  // namespace pe
