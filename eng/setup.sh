#!/usr/bin/env bash
# Installs what Weft needs on a fresh Debian 12 machine with the .NET SDK. Idempotent and quiet when
# everything is already there.
set -euo pipefail
need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v etcdctl >/dev/null || need+=(etcd-client)
command -v nft >/dev/null || need+=(nftables)
command -v ip >/dev/null || need+=(iproute2)
command -v iperf3 >/dev/null || need+=(iperf3)
command -v ping >/dev/null || need+=(iputils-ping)
command -v nsenter >/dev/null || need+=(util-linux)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
# A real container runtime for the CNI tests: podman 4.3 with its CNI backend, runc, a static busybox image.
command -v podman >/dev/null || need+=(podman)
command -v runc >/dev/null || need+=(runc)
command -v conmon >/dev/null || need+=(conmon)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts etcd as a service on install; Weft runs its own etcd per lab and test.
  if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet not found on PATH)" >&2; exit 1; }
