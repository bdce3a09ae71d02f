#!/usr/bin/env bash
# Runs every test: installs what is missing, builds everything, then runs each test project in turn
# (lab and kernel tests need the machine's two cores to themselves) and prints one summary line.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi
export WEFT_ROOT="$root"
eng/setup.sh || exit 1
dotnet build Weft.slnx -c Release -nologo -v q -clp:ErrorsOnly || exit 1
dotnet publish src/Weft.Cni -c Release -r linux-x64 -nologo -v q -clp:ErrorsOnly || exit 1
dotnet format Weft.slnx --verify-no-changes --no-restore -v q || { echo "dotnet format: the tree is not formatted (run: dotnet format Weft.slnx)" >&2; exit 1; }
touch artifacts/.build-stamp
export WEFT_CNI_BINARY="$root/artifacts/publish/Weft.Cni/release_linux-x64/weft-cni"
passed=0; failed=0; skipped=0; broken=0
for proj in tests/*/*.Tests.csproj; do
  echo "== $proj"
  log=$(mktemp)
  dotnet test "$proj" -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" | awk '/^[[:space:]]+(Failed|Skipped) |^Total tests|^ +(Passed|Failed|Skipped): /{print} /Error Message/{n=8} n>0{print; n--}' 
  total=$(grep -E '^Total tests: [0-9]+' "$log" | tail -1)
  if [ -z "$total" ]; then echo "no result from $proj" >&2; broken=$((broken+1)); rm -f "$log"; continue; fi
  count() { grep -E "^ +$1: [0-9]+\$" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
  passed=$((passed+$(count Passed))); failed=$((failed+$(count Failed))); skipped=$((skipped+$(count Skipped)))
  rm -f "$log"
done
echo "$passed passed, $((failed+broken)) failed, $skipped skipped"
[ $failed -eq 0 ] && [ $broken -eq 0 ]
