#!/usr/bin/env bash
# Restores production's artifacts (manifest.json, run_results.json, sources.json, ...) from the main branch's last
# successful run of the workflow, for a pull request to compare with and defer to. Runs on GitHub Actions (gh and
# GH_TOKEN); with none found, it leaves the folder empty and pull-request.sh builds everything.
#
#   scripts/ci/restore-artifacts.sh [ARTIFACTS_DIR]   default ARTIFACTS_DIR: prod-artifacts
set -euo pipefail
dir="${1:-prod-artifacts}"
mkdir -p "$dir"
run_id="$(gh run list --branch main --workflow xform --status success --limit 1 --json databaseId --jq '.[0].databaseId // empty')"
if [[ -z "$run_id" ]]; then
  echo "no successful run of the main branch yet: the pull request builds everything"
  exit 0
fi
gh run download "$run_id" --name prod-artifacts --dir "$dir"
echo "restored production's artifacts of run $run_id into $dir"
