#!/bin/sh
# Keepalived's health check (the runbook's): the API answers through this node's HAProxy.
# -k: localhost is in the serving certificates, but the check need not trust the lab CA.
exec curl -sfk --max-time 1 https://localhost:{{port}}/healthz -o /dev/null
