#!/usr/bin/env bash
# Installs the Debian packages of the real peers the tests talk to.
# Idempotent: skips apt when every binary is already present.
set -euo pipefail
need=()
command -v mosquitto >/dev/null || need+=(mosquitto mosquitto-clients)
command -v coap-client-notls >/dev/null || need+=(libcoap3-bin)
command -v kcat >/dev/null || need+=(kcat)
command -v influxd >/dev/null || need+=(influxdb)
command -v chromium >/dev/null || need+=(chromium)
command -v openssl >/dev/null || need+=(openssl)
command -v mbpoll >/dev/null || need+=(mbpoll)
command -v socat >/dev/null || need+=(socat)
# pymodbus.server imports serial_asyncio (only Recommended by python3-pymodbus, and --no-install-recommends skips it)
/usr/bin/python3 -c "import pymodbus.server, serial" 2>/dev/null || need+=(python3-pymodbus python3-serial python3-serial-asyncio)
if [ ${#need[@]} -eq 0 ]; then
  echo "install-peers: all peers present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
# Debian starts mosquitto/influxdb services on install where systemd runs; tests start their own on other ports.
echo "install-peers: installed ${need[*]}"
