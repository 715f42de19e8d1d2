#include "pigment_export/app/signals.hpp"

#include <signal.h>
#include <unistd.h>

#include "pigment_export/core/cancellation.hpp"

namespace pe {

namespace {

void on_signal(int signo) {
    if (cancellation::requested()) {
        // The user insists: leave now. Temporary objects may remain; the destination is
        // still untouched because nothing is committed outside commit().
        _exit(signo == SIGTERM ? 143 : 130);
    }
    cancellation::request(signo == SIGTERM ? cancellation::Reason::sigterm : cancellation::Reason::sigint);
}

}  // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

}  // namespace pe
