#!/bin/sh
# Keepalived's health check (runbook): the API answers through this node's HAProxy.
exec curl -sfk --max-time 1 -o /dev/null https://localhost:{{port}}/healthz
