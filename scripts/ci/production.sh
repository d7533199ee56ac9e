#!/usr/bin/env bash
# The main branch's job: build everything on the production target (seeds, models, snapshots, tests), check source
# freshness, generate the docs site (ARTIFACTS_DIR/site), and keep the artifacts that pull requests compare with and
# defer to.
#
#   scripts/ci/production.sh [ARTIFACTS_DIR]      default ARTIFACTS_DIR: prod-artifacts
#
# XFORM_TARGET: the production target (default: the profile's own default target). See common.sh for the rest.
artifacts="$(mkdir -p "${1:-prod-artifacts}" && cd "${1:-prod-artifacts}" && pwd)"
source "$(dirname "$0")/common.sh"
target=()
if [[ -n "${XFORM_TARGET:-}" ]]; then target=(-t "$XFORM_TARGET"); fi

install_packages
xform build "${target[@]}" "${extra[@]}"
# sources.json lets the next runs select source_status:fresher+; stale sources warn here, the build already ran.
xform source freshness "${target[@]}" "${extra[@]}" || echo "warning: source freshness found stale sources (see above)"
xform docs generate "${target[@]}" "${extra[@]}"

for f in "${artifact_files[@]}"; do
  if [[ -f "$target_path/$f" ]]; then cp "$target_path/$f" "$artifacts/$f"; fi
done
mkdir -p "$artifacts/site"
for f in "${site_files[@]}"; do cp "$target_path/$f" "$artifacts/site/$f"; done
if [[ -n "$prod_duckdb" ]]; then cp "$prod_duckdb" "$artifacts/$(basename "$prod_duckdb")"; fi
echo "production artifacts kept in $artifacts: $(cd "$artifacts" && ls | tr '\n' ' ')"
