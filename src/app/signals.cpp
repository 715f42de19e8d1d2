#include "pigment_export/app/signals.hpp"

#include <signal.h>
#include <unistd.h>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe {

namespace {

void on_signal(int signo) {
    if (cancellation::stop_signal() != 0) {
        // The user insists: leave now. Temporary objects may remain (the next run reclaims
        // them); the destination is still untouched because nothing is committed outside commit().
        _exit(interrupted_exit_code());
    }
    cancellation::request_stop(signo);
}

}  // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (int signo : kStopSignals) {
        // An ignore inherited on purpose stays: nohup ignores SIGHUP, a shell ignores SIGINT and
        // SIGQUIT for background jobs. SIGTERM is always honoured (it is how services are stopped).
        struct sigaction inherited {};
        if (signo != SIGTERM && sigaction(signo, nullptr, &inherited) == 0 && inherited.sa_handler == SIG_IGN) continue;
        sigaction(signo, &action, nullptr);
    }
    // A closed stdout or a file-size limit is an error we report, not a silent death.
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
}

}  // namespace pe
