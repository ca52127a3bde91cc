// The configuration used when no file is given and /etc/portsentry/portsentry.conf does not exist: PortSentry's
// documented defaults (Debian's lists; blocking on, as upstream ships it — the block step is the native ban set with
// an expiry), plus portsentinel's own keys. Embedded so nothing is read to get it.

export const DEFAULT_CONFIG_FILE_NAME = '<embedded default>';

export const DEFAULT_CONFIG_TEXT = `# portsentinel default configuration (PortSentry 1.2 format)

# Detection modes, as Debian's /etc/default/portsentry picks them: advanced stealth for TCP and UDP.
TCP_MODE="atcp"
UDP_MODE="audp"

# Ports watched by the classic (tcp/udp) and stealth (stcp/sudp) modes.
TCP_PORTS="1,11,15,79,111,119,143,540,635,1080,1524,2000,5742,6667,12345,12346,20034,27665,31337,32771,32772,32773,32774,40421,49724,54320"
UDP_PORTS="1,7,9,69,161,162,513,635,640,641,700,37444,34555,31335,32770,32771,32772,32773,32774,31337,54321"

# Advanced modes watch every port below these, except the excluded ones and ports with a listener.
ADVANCED_PORTS_TCP="1024"
ADVANCED_PORTS_UDP="1024"
ADVANCED_EXCLUDE_TCP="113,139"
# Broadcast chatter: RIP, NetBIOS, DHCP.
ADVANCED_EXCLUDE_UDP="520,138,137,67"

IGNORE_FILE="/etc/portsentry/portsentry.ignore"
# portsentinel's own journal (/var/lib/portsentinel) records every ban; set HISTORY_FILE to also keep
# PortSentry's history file for scripts that read it.
#HISTORY_FILE="/var/lib/portsentry/portsentry.history"
#BLOCKED_FILE="/var/lib/portsentry/portsentry.blocked"

RESOLVE_HOST="0"

# 0 = log only, 1 = block, 2 = run KILL_RUN_CMD only.
BLOCK_UDP="1"
BLOCK_TCP="1"

# Blocking goes into the kernel ban set (nftables, else blackhole routes); it expires by itself.
BAN_BACKEND="auto"
BAN_TIMEOUT="1h"
NFT_HOOKS="input"
NFT_PRIORITY="-10"
MAX_BANS_PER_MINUTE="60"

# Run only with BAN_BACKEND="command".
#KILL_ROUTE="/sbin/ip route add blackhole $TARGET$/32"

HOSTS_DENY_FILE="/etc/hosts.deny"
KILL_HOSTS_DENY="ALL: $TARGET$ : DENY"

#KILL_RUN_CMD="/usr/local/sbin/notify-admin $TARGET$ $PORT$ $MODE$"
KILL_RUN_CMD_FIRST="0"
COMMAND_TIMEOUT="30"

SCAN_TRIGGER="0"
`;
