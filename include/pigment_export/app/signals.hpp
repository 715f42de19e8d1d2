#pragma once
// Every terminating signal a shell, cron, systemd or Kubernetes sends (SIGINT from Ctrl-C,
// SIGTERM from kill/systemd/Kubernetes, SIGHUP from a closed terminal or ssh session, SIGQUIT
// from Ctrl-\) requests the same cooperative stop: the run unwinds through its abort paths and
// exits 128 + the signal; a second signal exits at once with the same code. A signal the
// launcher set to be ignored (nohup's SIGHUP, SIGINT/SIGQUIT of a background job) stays ignored,
// except SIGTERM. SIGPIPE and SIGXFSZ
// are ignored so a closed stdout or a file-size limit surfaces as a write error we report.
#include <array>
#include <csignal>

namespace pe {

inline constexpr std::array<int, 4> kStopSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void install_signal_handlers();

}  // namespace pe
