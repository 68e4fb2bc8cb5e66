<?php
// Asks `defender-scan serve` (GET /api/check) about a client. Plain PHP
// (streams, no extension needed), so it works in Laravel (see
// DefenderMiddleware.php) and anywhere else.
namespace App\Http\Middleware;

final class DefenderClient
{
    public function __construct(
        private string $url = 'http://127.0.0.1:8080',
        private float $timeout = 0.3,
    ) {}

    /** @return array{int,int}|null [status, score], or null when it cannot be asked */
    // The target and the agent let /api/check refuse an attack (an
    // injection, sqlmap) on its first request.
    public function check(string $ip, string $method = 'GET', string $uri = '/', string $userAgent = ''): ?array
    {
        if (filter_var($ip, FILTER_VALIDATE_IP) === false) {
            return null;
        }
        // Header values must not carry line breaks.
        $clean = fn (string $v) => str_replace(["\r", "\n"], '', $v);
        $context = stream_context_create(['http' => [
            'method' => 'GET',
            'header' => "X-Real-IP: $ip\r\nX-Original-Method: {$clean($method)}\r\nX-Original-URI: {$clean($uri)}\r\n"
                . "User-Agent: {$clean($userAgent)}\r\n",
            'timeout' => $this->timeout,
            'ignore_errors' => true,  // a 403 is an answer, not a failure
        ]]);
        $body = @file_get_contents(rtrim($this->url, '/') . '/api/check', false, $context);
        if ($body === false || !isset($http_response_header[0])) {
            return null;
        }
        if (!preg_match('#^HTTP/\S+ (\d{3})#', $http_response_header[0], $m)) {
            return null;
        }
        $score = 0;
        foreach ($http_response_header as $h) {
            if (stripos($h, 'X-Threat-Score:') === 0) {
                $score = (int) trim(substr($h, 15));
            }
        }
        return [(int) $m[1], $score];
    }
}
