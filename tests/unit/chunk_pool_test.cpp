#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "pigment_export/transfer/chunk_pool.hpp"

using pe::ChunkBuffer;
using pe::ChunkPool;
using namespace std::chrono_literals;

TEST_CASE("the pool allocates lazily, one buffer at a time", "[transfer]") {
    ChunkPool pool(1024, 3);
    CHECK(pool.allocated() == 0);
    ChunkBuffer* a = pool.acquire();
    REQUIRE(a != nullptr);
    CHECK(pool.allocated() == 1);
    CHECK(a->capacity == 1024);
    CHECK(a->size == 0);
    CHECK(a->data != nullptr);
    // Released buffers are reused before a new one is allocated.
    pool.release(a);
    ChunkBuffer* again = pool.acquire();
    CHECK(again == a);
    CHECK(pool.allocated() == 1);
}

TEST_CASE("a recycled buffer comes back empty", "[transfer]") {
    ChunkPool pool(16, 1);
    ChunkBuffer* a = pool.acquire();
    a->size = 16;
    pool.release(a);
    ChunkBuffer* b = pool.acquire();
    REQUIRE(b == a);
    CHECK(b->size == 0);
}

TEST_CASE("the pool never allocates more than its capacity", "[transfer]") {
    ChunkPool pool(64, 3);
    std::set<ChunkBuffer*> distinct;
    std::vector<ChunkBuffer*> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(pool.acquire());
        distinct.insert(held.back());
    }
    CHECK(distinct.size() == 3);
    CHECK(pool.allocated() == 3);
    for (int round = 0; round < 50; ++round) {
        pool.release(held.back());
        held.pop_back();
        held.push_back(pool.acquire());
        distinct.insert(held.back());
    }
    CHECK(distinct.size() == 3);
    CHECK(pool.allocated() == 3);
}

TEST_CASE("acquire blocks while every buffer is in use, until one is released", "[transfer]") {
    ChunkPool pool(64, 2);
    ChunkBuffer* a = pool.acquire();
    ChunkBuffer* b = pool.acquire();
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    auto waiter = std::async(std::launch::async, [&] { return pool.acquire(); });
    CHECK(waiter.wait_for(100ms) == std::future_status::timeout);  // blocked: back-pressure
    CHECK(pool.allocated() == 2);
    pool.release(b);
    REQUIRE(waiter.wait_for(5s) == std::future_status::ready);
    CHECK(waiter.get() == b);
    CHECK(pool.allocated() == 2);
    pool.release(a);
}

TEST_CASE("close() wakes every waiter with nullptr and later acquires get nullptr", "[transfer]") {
    ChunkPool pool(64, 1);
    ChunkBuffer* only = pool.acquire();
    REQUIRE(only != nullptr);
    auto w1 = std::async(std::launch::async, [&] { return pool.acquire(); });
    auto w2 = std::async(std::launch::async, [&] { return pool.acquire(); });
    CHECK(w1.wait_for(50ms) == std::future_status::timeout);
    pool.close();
    REQUIRE(w1.wait_for(5s) == std::future_status::ready);
    REQUIRE(w2.wait_for(5s) == std::future_status::ready);
    CHECK(w1.get() == nullptr);
    CHECK(w2.get() == nullptr);
    CHECK(pool.acquire() == nullptr);
    // Even with a free buffer, a closed pool hands out nothing.
    pool.release(only);
    CHECK(pool.acquire() == nullptr);
}

TEST_CASE("many threads sharing a pool stay within capacity", "[transfer]") {
    ChunkPool pool(32, 3);
    std::atomic<int> in_use{0};
    std::atomic<int> max_in_use{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                ChunkBuffer* b = pool.acquire();
                int now = ++in_use;
                int seen = max_in_use.load();
                while (now > seen && !max_in_use.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::yield();
                --in_use;
                pool.release(b);
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(max_in_use.load() <= 3);
    CHECK(pool.allocated() <= 3);
    CHECK(pool.allocated() >= 1);
}
