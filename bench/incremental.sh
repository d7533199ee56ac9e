#!/usr/bin/env bash
# Incremental append of one day vs full refresh, on a 10-million-row DuckDB table.
# Usage: bench/incremental.sh [rows]   (default 10000000). Prints a Markdown table.
set -euo pipefail
rows=${1:-10000000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release "$root/src/Xform.Cli" -v q -nologo >/dev/null
dotnet build -c Release "$root/src/Xform.Retail.Generator" -v q -nologo >/dev/null
xform="dotnet $root/src/Xform.Cli/bin/Release/net10.0/xform.dll"
gen="dotnet $root/src/Xform.Retail.Generator/bin/Release/net10.0/xform-retail-gen.dll"

mkdir -p "$work/p/models"
$gen --rows "$rows" --days 365 --seed 7 --date-style iso --customer-id-style int --out "$work/p/raw.csv" >/dev/null
cat > "$work/p/project.yml" <<'YML'
name: bench
profile: bench
vars: {through_day: 364}
YML
cat > "$work/p/profiles.yml" <<'YML'
bench:
  target: dev
  outputs:
    dev: {type: duckdb, path: target/bench.duckdb, threads: 2}
YML
# The raw lines, typed once; day_number counts days from the first.
cat > "$work/p/models/raw_lines.sql" <<'SQL'
{{ config(materialized='table') }}
select *, cast(date_diff('day', date '2010-12-01', cast(InvoiceDate as date)) + 1 as integer) as day_number
from read_csv('raw.csv', header = true, all_varchar = true, columns = {
  'InvoiceNo': 'varchar', 'StockCode': 'varchar', 'Description': 'varchar', 'Quantity': 'integer',
  'InvoiceDate': 'timestamp', 'UnitPrice': 'decimal(18,3)', 'CustomerID': 'varchar', 'Country': 'varchar'})
SQL
cat > "$work/p/models/lines.sql" <<'SQL'
{{ config(materialized='incremental', incremental_strategy='append') }}
select InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice, CustomerID, Country, day_number,
       cast(Quantity * UnitPrice as decimal(18,3)) as line_amount
from {{ ref('raw_lines') }}
where day_number <= {{ var('through_day') }}
{% if is_incremental() %} and day_number > (select max(day_number) from {{ this }}) {% endif %}
SQL
cd "$work/p"
$xform run -s raw_lines -q
secs() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }
full=$(secs $xform run -s lines --full-refresh -q)
base=$($xform show --inline "select count(*) from {{ ref('lines') }}" -q | sed -n 3p | tr -d '| ')
inc=$(secs $xform run -s lines --vars '{through_day: 365}' -q)
after=$($xform show --inline "select count(*) from {{ ref('lines') }}" -q | sed -n 3p | tr -d '| ')
echo "| table rows before | rows appended (one day) | full refresh | incremental append | ratio |"
echo "|---:|---:|---:|---:|---:|"
echo "| $base | $((after - base)) | ${full} s | ${inc} s | $(python3 -c "print(f'{$full/$inc:.1f}x')") |"
