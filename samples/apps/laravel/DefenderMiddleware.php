<?php
// Laravel middleware: banned clients get 403; others go on with the
// request attribute 'threat_score' (0-100). Fail-open by default.
//
// app/Http/Middleware/DefenderMiddleware.php and DefenderClient.php; then in
// app/Http/Kernel.php: protected $middleware = [ ..., \App\Http\Middleware\DefenderMiddleware::class ];
// config/services.php: 'defender' => ['url' => env('DEFENDER_URL', 'http://127.0.0.1:8080'), 'fail_open' => true],
// With nginx in front, list it in TrustProxies so $request->ip() is the client.
namespace App\Http\Middleware;

use Closure;
use Illuminate\Http\Request;

class DefenderMiddleware
{
    public function handle(Request $request, Closure $next)
    {
        $client = new DefenderClient(config('services.defender.url', 'http://127.0.0.1:8080'));
        $answer = $client->check((string) $request->ip(), $request->method(), $request->getRequestUri(),
                                 (string) $request->userAgent());
        if ($answer === null || !in_array($answer[0], [200, 403], true)) {
            if (!config('services.defender.fail_open', true)) {
                return response()->json(['error' => 'defender unavailable'], 503);
            }
            $answer = [200, 0];
        }
        $request->attributes->set('threat_score', $answer[1]);
        if ($answer[0] === 403) {
            return response()->json(['error' => 'Forbidden'], 403);
        }
        return $next($request);
    }
}
