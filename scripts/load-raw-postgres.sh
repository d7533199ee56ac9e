#!/usr/bin/env bash
# Loads a raw POS file into PostgreSQL as the source table pos.transaction_logs of the retail project.
#
#   scripts/load-raw-postgres.sh                       # the committed sample, data/sample/transaction_logs.csv
#   scripts/load-raw-postgres.sh /path/online_retail.csv.gz
#   scripts/load-raw-postgres.sh --append day.csv      # add a day's file to what is loaded (incremental builds read it)
#   PGHOST=db PGPORT=5432 PGUSER=analyst PGPASSWORD=... PGDATABASE=analytics scripts/load-raw-postgres.sh file.csv
#   xform build -t postgres                            # then build the project on that server
#
# The file is in the original "Online Retail" layout: a header row, then
#   InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
# as CSV (RFC 4180 quoting) or gzip'd CSV (.gz, read through zcat). The server is the one libpq's
# variables name (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, or ~/.pgpass / PGSERVICE), as for
# `xform -t postgres`. RAW_ENCODING names the file's encoding when it is not UTF8 (e.g. LATIN1).
#
# What it does, in ONE transaction (psql --single-transaction, ON_ERROR_STOP): creates the schema pos
# and the table pos.transaction_logs if missing (the 8 columns as text, typing happens in
# stg_transaction_logs, plus _loaded_at timestamptz), empties it, and copies the file in with psql's
# \copy (client side: the file never has to be on the server), every row stamped with _loaded_at = the
# load time (the transaction's start, the same for every row; the source freshness check reads it).
# Readers see the old rows until the commit and the new ones after it; a failed load (bad CSV, wrong
# header, lost connection) leaves the previous rows in place. The table is emptied, not dropped, so
# views that read it keep working.
# With --append the table is not emptied: the file's rows are added with their own, later _loaded_at, and an
# incremental `xform build -t postgres` reads just them. A replacing load under incremental tables makes the next
# build stop and ask for --full-refresh (the rows it read are gone).
set -euo pipefail

append=false
if [[ "${1:-}" == "--append" ]]; then
  append=true
  shift
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
file="${1:-$root/data/sample/transaction_logs.csv}"
encoding="${RAW_ENCODING:-UTF8}"
expected='InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'

if [[ ! -f "$file" ]]; then
  echo "load-raw-postgres: no such file: $file" >&2
  exit 2
fi
case "$file" in
  *.gz) reader=(zcat -- "$file") ;;
  *.csv | *.CSV | *.txt) reader=(cat -- "$file") ;;
  *.parquet) echo "load-raw-postgres: $file: Parquet cannot be loaded by psql; convert it to CSV first" >&2; exit 2 ;;
  *) reader=(zcat -f -- "$file") ;; # gzip or plain, whatever the name
esac
if ! [[ "$encoding" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "load-raw-postgres: RAW_ENCODING must be an encoding name such as UTF8 or LATIN1, not '$encoding'" >&2
  exit 2
fi

# The header must be the original layout (a byte-order mark and a CR are tolerated): a file with
# columns in another order would load without an error and be wrong.
header="$("${reader[@]}" | head -n 1 | tr -d '\r' | sed 's/^\xEF\xBB\xBF//')" || true
if [[ "$header" != "$expected" ]]; then
  echo "load-raw-postgres: $file: the header is '$header', expected '$expected'" >&2
  exit 2
fi

start=$(date +%s.%N)
"${reader[@]}" | psql -X -q --no-psqlrc -v ON_ERROR_STOP=1 --single-transaction -f <(cat <<SQL
set client_min_messages = warning;
create schema if not exists pos;
create table if not exists pos.transaction_logs (
    "InvoiceNo" text,
    "StockCode" text,
    "Description" text,
    "Quantity" text,
    "InvoiceDate" text,
    "UnitPrice" text,
    "CustomerID" text,
    "Country" text,
    _loaded_at timestamptz
);
lock table pos.transaction_logs in access exclusive mode;
$([[ "$append" == true ]] || echo "truncate pos.transaction_logs;")
alter table pos.transaction_logs alter column _loaded_at set default now();
\copy pos.transaction_logs ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country") from pstdin with (format csv, header true, encoding '$encoding')
select format('loaded %s rows into %I.%I at %s (%s rows in all)', count(*) filter (where _loaded_at = now()), 'pos', 'transaction_logs', now(), count(*)) as done from pos.transaction_logs \gset
\echo :done
SQL
)
end=$(date +%s.%N)
printf 'load-raw-postgres: %s in %.1f s\n' "$file" "$(echo "$end - $start" | bc)"
