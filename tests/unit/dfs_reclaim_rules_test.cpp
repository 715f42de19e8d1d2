// The pure rules behind reclaiming abandoned DFS temporary files: which names are ours for a
// destination, which lease states mean nobody is writing, and when the lease is renewed.
#include <catch2/catch.hpp>

#include "pigment_export/storage/dfs_sink.hpp"
#include "pigment_export/storage/storage_url.hpp"

using namespace pe::storage;
using namespace std::chrono_literals;

TEST_CASE("is_temporary_of: only this tool's temporaries of the same destination", "[unit][dfs]") {
    const std::string destination = "finance/monthly.csv";
    CHECK(is_temporary_of("finance/.monthly.csv.pigment-tmp-0123456789abcdef", destination));
    CHECK(is_temporary_of(temporary_sibling(destination, "fedcba9876543210"), destination));
    CHECK(is_temporary_of(".top.csv.pigment-tmp-0123456789abcdef", "top.csv"));

    CHECK_FALSE(is_temporary_of("finance/.weekly.csv.pigment-tmp-0123456789abcdef", destination));
    CHECK_FALSE(is_temporary_of("finance/.monthly.csv.pigment-tmp-0123456789abcde", destination));
    CHECK_FALSE(is_temporary_of("finance/.monthly.csv.pigment-tmp-0123456789abcdef0", destination));
    CHECK_FALSE(is_temporary_of("finance/.monthly.csv.pigment-tmp-0123456789ABCDEF", destination));
    CHECK_FALSE(is_temporary_of("finance/.monthly.csv.pigment-tmp-0123456789abcdeg", destination));
    CHECK_FALSE(is_temporary_of("other/.monthly.csv.pigment-tmp-0123456789abcdef", destination));
    CHECK_FALSE(is_temporary_of("finance/sub/.monthly.csv.pigment-tmp-0123456789abcdef", destination));
    CHECK_FALSE(is_temporary_of(".monthly.csv.pigment-tmp-0123456789abcdef", destination));
    CHECK_FALSE(is_temporary_of("finance/monthly.csv", destination));
    CHECK_FALSE(is_temporary_of("finance/x.monthly.csv.pigment-tmp-0123456789abcdef", destination));
}

TEST_CASE("lease_abandoned: only a lease nobody holds", "[unit][dfs]") {
    CHECK(lease_abandoned("available"));
    CHECK(lease_abandoned("expired"));
    CHECK(lease_abandoned("broken"));
    CHECK_FALSE(lease_abandoned("leased"));
    CHECK_FALSE(lease_abandoned("breaking"));
    CHECK_FALSE(lease_abandoned(""));
    CHECK_FALSE(lease_abandoned("Available"));
}

TEST_CASE("lease_renewal_due: after a third of the duration", "[unit][dfs]") {
    auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
    CHECK_FALSE(lease_renewal_due(t0, t0, 30s));
    CHECK_FALSE(lease_renewal_due(t0, t0 + 9999ms, 30s));
    CHECK(lease_renewal_due(t0, t0 + 10s, 30s));
    CHECK(lease_renewal_due(t0, t0 + 45s, 30s));  // late (a stalled process) still renews
    CHECK_FALSE(lease_renewal_due(t0, t0 + 19s, 60s));
    CHECK(lease_renewal_due(t0, t0 + 20s, 60s));
    CHECK(lease_renewal_due(t0, t0 + 5s, 15s));
    CHECK(kTemporaryLeaseDuration >= 15s);
    CHECK(kTemporaryLeaseDuration <= 60s);
}

TEST_CASE("settled_for_reclaim: only a temporary unchanged for a lease's duration, by the service's clock",
          "[unit][dfs]") {
    using std::chrono::seconds;
    auto listed = std::chrono::system_clock::time_point(seconds(1'800'000'000));
    CHECK(pe::storage::settled_for_reclaim(listed - seconds(31), listed));
    CHECK(pe::storage::settled_for_reclaim(listed - pe::storage::kTemporaryLeaseDuration, listed));
    // Young: another run may be between its create and its lease.
    CHECK_FALSE(pe::storage::settled_for_reclaim(listed - seconds(29), listed));
    CHECK_FALSE(pe::storage::settled_for_reclaim(listed + seconds(5), listed));  // the clocks of two front ends
    CHECK_FALSE(pe::storage::settled_for_reclaim(std::nullopt, listed));
}
