#pragma once
// A fixed number of chunk buffers, allocated on first use and recycled. acquire() blocks
// while every buffer is in flight: that wait is the back-pressure that bounds memory to
// capacity × chunk size whatever the export size.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace pe {

struct ChunkBuffer {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
    std::size_t size = 0;
    std::uint64_t crc64 = 0;  // of data[0, size), kept up as the buffer fills
};

class ChunkPool {
public:
    ChunkPool(std::size_t chunk_size, std::size_t capacity);

    // A buffer with size 0, or nullptr once close() was called.
    ChunkBuffer* acquire();
    void release(ChunkBuffer* buffer);
    // Wakes every waiter; later acquire() calls return nullptr.
    void close();
    std::size_t allocated() const;

private:
    std::size_t chunk_size_;
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<ChunkBuffer>> owned_;
    std::vector<ChunkBuffer*> free_;
    bool closed_ = false;
};

}  // namespace pe
