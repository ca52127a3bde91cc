#!/bin/bash
# Runs PortSentry 1.2 for one latency run, inside `ip netns exec VICTIM unshare -m -p -f --mount-proc`: its config,
# state and hosts.deny are bind-mounted from the run's directory over the system paths, privately, so nothing on
# the host changes and every process started here dies with the namespace.
# $1 = run directory holding portsentry.conf; writes ready when PortSentry watches; exits when done appears.
set -e
W=$1
mount --make-rprivate /
mkdir -p "$W/varlib" /var/lib/portsentry
mount --bind "$W/varlib" /var/lib/portsentry
mount --bind "$W/portsentry.conf" /etc/portsentry/portsentry.conf
touch "$W/hosts.deny"
mount --bind "$W/hosts.deny" /etc/hosts.deny
/usr/sbin/portsentry -atcp
# PortSentry forks into the background, then binds its raw socket and checks the ports in use.
for _ in $(seq 1 100); do
  pgrep -x portsentry >/dev/null && break
  sleep 0.05
done
sleep 1.5
touch "$W/ready"
while [ ! -f "$W/done" ]; do sleep 0.1; done
