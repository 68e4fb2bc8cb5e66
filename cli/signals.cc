#include "cli/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace defender {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
std::atomic<int> g_stop_timeout_s{10};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void OnStop(int) { RequestStop(); }
void OnReload(int) { RequestReload(); }
void OnStopTimeout(int) {
  static constexpr char kMessage[] =
      "defender-scan: error: still not stopped after --stop-timeout; exiting without waiting further\n";
  ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
  _exit(1);
}

void Handle(int signal, void (*handler)(int)) {
  struct sigaction action = {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(signal, &action, nullptr);
}

}  // namespace

void InstallSignalHandlers(int stop_timeout_s) {
  g_stop_timeout_s = stop_timeout_s;
  Handle(SIGTERM, OnStop);
  Handle(SIGINT, OnStop);
  Handle(SIGHUP, OnReload);
  Handle(SIGALRM, OnStopTimeout);
}

void RequestStop() {
  if (!g_stop.exchange(true)) alarm(unsigned(g_stop_timeout_s.load()));
}

void RequestReload() { g_reload = true; }

bool StopRequested() { return g_stop.load(std::memory_order_relaxed); }

bool TakeReloadRequest() { return g_reload.exchange(false); }

}  // namespace defender
