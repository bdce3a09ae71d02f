#!/usr/bin/env bash
# Builds what the lab runs: the CLI, the agent (Release) and the NativeAOT CNI binary. Skips the work when
# no source changed since the last build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
stamp=artifacts/.build-stamp
if [ -f "$stamp" ] && [ -z "$(find src Directory.Build.props Directory.Packages.props -newer "$stamp" -type f 2>/dev/null | head -1)" ]; then
  exit 0
fi
echo "building weft (first run takes a minute)..." >&2
dotnet build src/Weft.Cli -c Release -nologo -v q -clp:ErrorsOnly
dotnet build src/Weft.Agent -c Release -nologo -v q -clp:ErrorsOnly
dotnet publish src/Weft.Cni -c Release -r linux-x64 -nologo -v q -clp:ErrorsOnly
mkdir -p artifacts && touch "$stamp"
