# Shared by the CI scripts: how to run xform, and where production's artifacts live.
# XFORM: the command that runs xform. Default: `xform` when installed, else this checkout's CLI (built once).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [[ -n "${XFORM:-}" ]]; then
  read -r -a xform_cmd <<< "$XFORM"
elif command -v xform >/dev/null 2>&1; then
  xform_cmd=(xform)
else
  cli="$root/src/Xform.Cli/bin/Release/net10.0/xform.dll"
  if [[ ! -f "$cli" ]]; then
    echo "building xform (the first time only; install the tool to skip this: see the README)"
    dotnet build "$root/src/Xform.Cli" -c Release -v quiet -nologo >/dev/null
  fi
  xform_cmd=(dotnet "$cli")
fi

xform() { echo "+ xform $*"; "${xform_cmd[@]}" "$@"; }

# The project: XFORM_PROJECT_DIR (default: the current folder). Its artifacts are written to XFORM_TARGET_PATH
# (default: target); extra arguments for every xform call (e.g. --profiles-dir DIR) go in XFORM_ARGS.
cd "${XFORM_PROJECT_DIR:-.}"
target_path="${XFORM_TARGET_PATH:-target}"
read -r -a extra <<< "${XFORM_ARGS:-}"
extra+=(--target-path "$target_path")

# dbt_packages/ is not committed: install the project's packages first when it has any.
install_packages() {
  if [[ -f packages.yml || -f dependencies.yml ]]; then xform deps "${extra[@]}"; fi
}

# The artifacts a later run compares with and defers to; the docs site's files go to site/ beside them (published as
# they are, so nothing else goes there).
artifact_files=(manifest.json run_results.json sources.json catalog.json)
site_files=(index.html catalog.json manifest.json)

# When production is a DuckDB file (XFORM_PROD_DUCKDB, its path in the project; unset for PostgreSQL or Snowflake, whose
# CI target reads production on the server), the file travels with the artifacts: a pull request's runner has no
# other way to read it.
prod_duckdb="${XFORM_PROD_DUCKDB:-}"
