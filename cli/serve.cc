#include "cli/serve.h"

#include <sys/resource.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "cli/messages.h"
#include "cli/pipeline.h"
#include "cli/secret_file.h"
#include "cli/signals.h"
#include "core/host_port.h"
#include "server/api.h"
#include "server/ban_view.h"
#include "server/http_server.h"
#include "server/task_queue.h"

namespace defender {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

int Fail(std::string_view message, int status) {
  PrintError(message);
  return status;
}

// "127.0.0.1:8080", "[::1]:8080", ":8080" (all IPv4 addresses).
std::optional<tcp::endpoint> ParseListen(std::string_view text) {
  const auto hp = ParseHostPort(text);
  if (!hp) return std::nullopt;
  boost::system::error_code ec;
  auto a = asio::ip::make_address(hp->address.ToString(), ec);
  if (ec) return std::nullopt;
  return tcp::endpoint(a, hp->port);
}

// The token: the file's first line, at least 16 characters, no spaces.
// Applies every decision to the view the HTTP thread reads.
class ViewSink : public Sink {
 public:
  explicit ViewSink(BanView* view) : view_(view) {}
  Status Apply(const Decision& d) override { return view_->Apply(d); }
  Status Flush() override { return Status::Ok(); }

 private:
  BanView* view_;
};

// Schedules the view's clock update every half second.
void TickViewClock(asio::steady_timer& timer, TaskQueue& tasks, BanView& view) {
  timer.expires_after(std::chrono::milliseconds(500));
  timer.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    tasks.Post([&view](PipelineControl& pipeline) { view.SetClock(pipeline.Clock()); });
    TickViewClock(timer, tasks, view);
  });
}

}  // namespace

int RunServe(const Options& options, const ServeOptions& serve, Config config) {
  auto endpoint = ParseListen(serve.listen);
  if (!endpoint) return Fail(fmt::format("--listen {}: not ADDRESS:PORT", serve.listen), 2);
  ApiOptions api_options;
  api_options.real_ip_header = serve.real_ip_header;
  api_options.ipv6_prefix = config.ipv6_prefix;
  api_options.hosts = serve.api_hosts;
  if (!serve.token_file.empty()) {
    auto token = ReadSecretFile("--api-token-file", serve.token_file, 16);
    if (!token.ok()) return Fail(token.status().message(), 2);
    api_options.token = std::move(*token);
  }
  if (!endpoint->address().is_loopback() && api_options.token.empty()) {
    return Fail(fmt::format("--listen {}: a non-loopback address needs --api-token-file", serve.listen), 2);
  }
  for (const std::string& text : serve.trusted_peers) {
    auto c = Cidr::Parse(text);
    if (!c) return Fail(fmt::format("--trusted-peer {}: not an address or CIDR", text), 2);
    api_options.trusted_peers.push_back(*c);
  }
  auto matcher = SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), config.cache_dir);
  if (!matcher.ok()) return Fail(matcher.status().message(), 2);
  std::vector<bool> refusing = RefusingRules(**matcher, config.scenarios);
  Allowlist allowlist(config.allowlist, config.trusted_proxies, config.crawler_ranges);
  BanView view(config.ipv6_prefix);
  auto created = Pipeline::Create(options, std::move(config));
  if (!created.ok()) return Fail(created.status().message(), ExitStatusOf(created.status()));
  std::unique_ptr<Pipeline> pipeline = std::move(*created);
  pipeline->AddSink(std::make_unique<ViewSink>(&view));

  // Each connection is a file descriptor: allow as many as the hard limit.
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  // The queue outlives nothing of the server's: its tasks hold connections.
  asio::io_context io(1);
  TaskQueue tasks;
  Api api(std::move(api_options), &view, &tasks, &allowlist, std::move(*matcher), std::move(refusing));
  HttpLimits limits;
  limits.request_timeout = std::chrono::seconds(serve.request_timeout_s);
  // nginx's keep-alive connections come from loopback or a trusted peer.
  limits.uncapped_peers = {*Cidr::Parse("127.0.0.0/8"), *Cidr::Parse("::1/128")};
  for (const std::string& text : serve.trusted_peers) limits.uncapped_peers.push_back(*Cidr::Parse(text));  // checked above
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY) {
    limits.max_connections = std::max<size_t>(16, std::min<size_t>(limits.max_connections, nofile.rlim_cur / 2));
  }
  auto listening = HttpServer::Create(
      io, *endpoint, limits,
      [&api](HttpRequest& request, const IpAddress& peer, Respond respond) { api.Handle(request, peer, std::move(respond)); });
  if (!listening.ok()) return Fail(listening.status().message(), 1);
  std::unique_ptr<HttpServer> server = std::move(*listening);
  api.set_http_counters(&server->counters());
  // SIGTERM and SIGINT stop (the pipeline drains and saves); SIGHUP
  // reloads the configuration: the pipeline's part on its thread, then the
  // HTTP side's allowlist and refusing rules here.
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      RequestReload();
      tasks.Post([](PipelineControl&) {});  // wakes the pipeline up to see it
      signals.async_wait(on_signal);
      return;
    }
    RequestStop();
    server->Close();
    tasks.Stop();
  };
  signals.async_wait(on_signal);
  pipeline->set_on_reload([&](const Config& c) {
    asio::post(io, [&allowlist, &api, allowed = c.allowlist, proxies = c.trusted_proxies, crawlers = c.crawler_ranges,
                    scenarios = c.scenarios] {
      allowlist = Allowlist(allowed, proxies, crawlers);
      api.UseScenarios(scenarios);
    });
  });
  asio::steady_timer clock_timer(io);
  TickViewClock(clock_timer, tasks, view);
  fmt::print(stderr, "defender-scan: serving on {}\n", serve.listen);
  std::thread http([&io] {
    // Limits keep the libraries from throwing (see HttpServer); should one
    // throw all the same, that request's connection is dropped, not serve.
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        PrintError(fmt::format("the HTTP thread caught '{}'; the connection is dropped", e.what()));
      }
    }
  });

  pipeline->set_tasks(&tasks);
  int status = pipeline->Run();
  io.stop();
  http.join();
  return status;
}

}  // namespace defender
