"""Django middleware: asks `defender-scan serve` (GET /api/check) about each
request's client. Banned clients get 403; others go on with
request.threat_score (0-100) set. Fail-open by default.

settings.py:
    MIDDLEWARE = ["defender_middleware.DefenderMiddleware", ...]
    DEFENDER_URL = "http://127.0.0.1:8080"
    DEFENDER_FAIL_OPEN = True
    DEFENDER_TIMEOUT = 0.3          # seconds
    DEFENDER_CLIENT_HEADER = None   # e.g. "HTTP_X_REAL_IP" behind nginx; else REMOTE_ADDR
"""
import http.client
import ipaddress
import urllib.parse

from django.conf import settings
from django.http import JsonResponse


class DefenderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        url = urllib.parse.urlsplit(getattr(settings, "DEFENDER_URL", "http://127.0.0.1:8080"))
        self.host, self.port = url.hostname, url.port or 80
        self.timeout = getattr(settings, "DEFENDER_TIMEOUT", 0.3)
        self.fail_open = getattr(settings, "DEFENDER_FAIL_OPEN", True)
        self.client_header = getattr(settings, "DEFENDER_CLIENT_HEADER", None)

    def client_ip(self, request):
        value = request.META.get(self.client_header or "REMOTE_ADDR", "")
        try:
            return str(ipaddress.ip_address(value.strip()))
        except ValueError:
            return None

    def ask(self, ip, request):
        """(status, score) from /api/check, or None when it cannot be asked."""
        # The target and the agent let /api/check refuse an attack (an
        # injection, sqlmap) on its first request. http.client refuses
        # header values with line breaks.
        headers = {"X-Real-IP": ip, "X-Original-Method": request.method,
                   "X-Original-URI": request.get_full_path(),
                   "User-Agent": request.META.get("HTTP_USER_AGENT", "")}
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request("GET", "/api/check", headers=headers)
            answer = conn.getresponse()
            answer.read()
            return answer.status, int(answer.getheader("X-Threat-Score", "0") or 0)
        except (OSError, http.client.HTTPException, ValueError):
            return None
        finally:
            conn.close()

    def __call__(self, request):
        ip = self.client_ip(request)
        result = self.ask(ip, request) if ip else None
        if result is None or result[0] not in (200, 403):
            if not self.fail_open:
                return JsonResponse({"error": "defender unavailable"}, status=503)
            request.threat_score = 0
            return self.get_response(request)
        status, score = result
        request.threat_score = score
        if status == 403:
            return JsonResponse({"error": "Forbidden"}, status=403)
        return self.get_response(request)
