#pragma once
// Work a run hands to a second thread so that two round trips overlap instead of following each
// other (the storage token and the sink's open while Key Vault answers). The thread keeps the
// run's --timeout (or the deadline it is given) and works under the given log stage. get() on
// the returned future collects the result or rethrows the task's failure; a future dropped
// uncollected still waits for its task (std::async's future joins), so a task never outlives
// what it refers to.
#include <future>
#include <type_traits>
#include <utility>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/log.hpp"

namespace pe {

template <class Work>
std::future<std::invoke_result_t<Work&>> start_concurrently(
    Stage stage, Work work, cancellation::RunDeadline* deadline = cancellation::current_deadline()) {
    return std::async(std::launch::async, [deadline, stage, work = std::move(work)]() mutable {
        cancellation::DeadlineBinding bound(deadline);
        log::set_stage(stage);
        return work();
    });
}

}  // namespace pe
