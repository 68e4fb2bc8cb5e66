#!/usr/bin/env python3
"""Runs requests through Django (Debian's python3-django) with the sample
middleware samples/apps/django/defender_middleware.py in its stack, which
asks a real defender-scan serve. Prints "STATUS BODY" per client address.

usage: django_check.py DEFENDER_URL SAMPLE_DIR CLIENT...
CLIENT is IP, or IP|PATH|USER_AGENT for one request with that target and agent.
"""
import sys

sys.path.insert(0, sys.argv[2])
import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path


def index(request):
    return HttpResponse("hello score=%d" % request.threat_score)


urlpatterns = [path("", index)]
settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["defender_middleware.DefenderMiddleware"],
    DEFENDER_URL=sys.argv[1],
)
django.setup()
from django.test import Client

for client in sys.argv[3:]:
    ip, target, agent = (client.split("|") + ["/", ""])[:3] if "|" in client else (client, "/", "")
    response = Client(REMOTE_ADDR=ip).get(target, HTTP_USER_AGENT=agent)
    print(response.status_code, response.content.decode())
