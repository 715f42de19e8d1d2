#include "pigment_export/app/core_dumps.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace pe {

void forbid_core_dumps() noexcept {
    // Both: a non-dumpable process writes no core even when a core_pattern pipe would take it,
    // and the zero limit is inherited by the processes we start (the Azure CLI), which the
    // dumpable flag is not (execve resets it).
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct rlimit none {
        0, 0
    };
    ::setrlimit(RLIMIT_CORE, &none);
}

}  // namespace pe
