#pragma once
// A core file of this process would hold the Pigment API key and the access tokens (a SIGQUIT
// core once held four copies of the key and twelve of the tokens). At start-up the process
// makes itself non-dumpable (no core, no ptrace attach by other users, /proc/PID/mem and
// environ owned by root) and sets its core size limit to zero.
namespace pe {

void forbid_core_dumps() noexcept;

}  // namespace pe
