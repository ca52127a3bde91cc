# Sourced by the bench scripts. NODE_EXTRA_CA_CERTS makes every Node process read and parse that certificate bundle
# before it runs any code (~40 ms per start on the machine the README's figures come from). portsentinel opens no TLS
# connection and a host it protects has no reason to set it, so the runs go without it, and say so; KEEP_ENV=1 keeps
# the environment as it is.
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && "${KEEP_ENV:-0}" != 1 ]]; then
  echo "note: running without NODE_EXTRA_CA_CERTS (set KEEP_ENV=1 to keep it)" >&2
  unset NODE_EXTRA_CA_CERTS
fi
