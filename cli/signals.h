// The signals a long run answers, as flags its loops read between batches
// of lines: SIGTERM and SIGINT ask it to stop (stop reading, flush every
// sink, save the state, exit 0), SIGHUP to reload its configuration. The
// handlers only set flags and, on the first stop request, arm a SIGALRM
// after the stop timeout that ends the process with status 1 and a message,
// so no hanging action or reload holds up the exit longer. Process-wide;
// the flags may be read from any thread.
#pragma once

namespace defender {

// Installs the handlers (SIGTERM, SIGINT, SIGHUP, SIGALRM).
void InstallSignalHandlers(int stop_timeout_s);
// What SIGTERM does, for whoever receives the signal itself (serve's asio
// signal_set). Async-signal-safe.
void RequestStop();
void RequestReload();
bool StopRequested();
// True once per SIGHUP received since the last call.
bool TakeReloadRequest();

}  // namespace defender
