#!/bin/sh
# Stand-in kubelet: a process systemd can stop and start. It does nothing else on purpose.
exec sleep infinity
