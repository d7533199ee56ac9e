#!/usr/bin/env bash
# A pull request's job: build only the models, seeds and snapshots the branch changed and everything downstream of
# them, with their tests, on the CI target; every other ref reads production's relation (--defer).
#
#   scripts/ci/pull-request.sh [ARTIFACTS_DIR]    default ARTIFACTS_DIR: prod-artifacts (from the main branch's last run)
#
# XFORM_TARGET: the CI target (default: ci). Without production's artifacts (the very first run) everything is built,
# and the script says so. See common.sh for the rest.
artifacts="$(cd "$(dirname "${1:-prod-artifacts}")" && pwd)/$(basename "${1:-prod-artifacts}")"
source "$(dirname "$0")/common.sh"
target=(-t "${XFORM_TARGET:-ci}")

install_packages
if [[ -n "$prod_duckdb" && -f "$artifacts/$(basename "$prod_duckdb")" && ! -f "$prod_duckdb" ]]; then
  # Production's DuckDB file back where the profile's production output has it; --defer attaches it read-only.
  mkdir -p "$(dirname "$prod_duckdb")"
  cp "$artifacts/$(basename "$prod_duckdb")" "$prod_duckdb"
fi
if [[ -f "$artifacts/manifest.json" ]]; then
  xform build -s state:modified+ --defer --state "$artifacts" "${target[@]}" "${extra[@]}"
else
  echo "no production artifacts in $artifacts (no run of the main branch yet): building everything"
  xform build "${target[@]}" "${extra[@]}"
fi
