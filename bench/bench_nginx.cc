// bench_nginx: how long the nginx sink takes to write N bans as a geo
// include (render, validate, atomic replace). bench/run.sh then checks that
// `nginx -t` accepts the file.
//
//   bench_nginx PATH [N]     (default 100000; one in five is an IPv6 /64)
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "sinks/nginx_conf_sink.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: bench_nginx PATH [N]\n");
    return 2;
  }
  int n = argc > 2 ? std::atoi(argv[2]) : 100000;
  defender::NginxConfOptions o;
  o.path = argv[1];
  o.geo = true;
  auto created = defender::NewNginxConfSink(o);
  if (!created.ok()) {
    fmt::print(stderr, "bench_nginx: {}\n", created.status().message());
    return 1;
  }
  std::unique_ptr<defender::Sink> sink = std::move(*created);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    defender::Decision d;
    d.action = defender::DecisionAction::kBan;
    d.reason = "http-probing";
    if (i % 5 == 4) {
      auto a = *defender::IpAddress::Parse(fmt::format("2001:db8:{:x}:{:x}::1", i >> 16, i & 0xffff));
      d.target = defender::Cidr(a, 64);
    } else {
      d.target = defender::Cidr::Host(defender::IpAddress::FromV4(0x0b000000u + uint32_t(i)));
    }
    (void)sink->Apply(d);
  }
  auto t1 = std::chrono::steady_clock::now();
  defender::Status s = sink->Finish();
  auto t2 = std::chrono::steady_clock::now();
  if (!s.ok()) {
    fmt::print(stderr, "bench_nginx: {}\n", s.message());
    return 1;
  }
  using secs = std::chrono::duration<double>;
  fmt::print("bench_nginx: {} bans: applied in {:.3f} s, geo include written in {:.3f} s (target < 1 s)\n", n,
             secs(t1 - t0).count(), secs(t2 - t1).count());
  return 0;
}
