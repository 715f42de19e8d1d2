#pragma once
// SIGINT/SIGTERM request a cooperative stop (the run unwinds through its abort paths and
// exits 130/143); a second signal exits at once. SIGPIPE is ignored so a closed stdout
// is an error we report, not a silent death.
namespace pe {

void install_signal_handlers();

}  // namespace pe
