#!/usr/bin/env bash
# Validation report of the retail analytics project.
#
# Builds the project on the real "Online Retail" file when it is present (else says so plainly and
# uses the file given as $1, or the committed sample), into its own DuckDB file, then prints:
# rows per transaction_category and the data-loss share, customers per RFM segment, CLTV tier and
# churn-risk group, overall AOV, and the engagement range (min/max DAU, MAU, stickiness).
#
#   scripts/validation-report.sh                 # the real dataset if present, else the sample
#   scripts/validation-report.sh /path/file.csv  # any raw file in the original layout
#   REAL_DATA=/other/online_retail.csv.gz scripts/validation-report.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
real="${REAL_DATA:-$root/../shared/data/online-retail/online_retail.csv.gz}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ $# -ge 1 ]]; then
  data="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  echo "Data: $data (given on the command line)"
elif [[ -f "$real" ]]; then
  data="$(cd "$(dirname "$real")" && pwd)/$(basename "$real")"
  echo "Data: the real Online Retail dataset, $data"
else
  data="data/sample/transaction_logs.csv"
  echo "THE REAL DATASET IS ABSENT (looked for $real): reporting on the committed synthetic sample instead."
fi

cli="$root/src/Xform.Cli/bin/Release/net10.0/xform.dll"
if [[ ! -f "$cli" ]]; then
  dotnet build "$root/src/Xform.Cli" -c Release -v quiet -nologo >/dev/null
fi

cat > "$work/profiles.yml" <<YAML
retail:
  target: report
  outputs:
    report:
      type: duckdb
      path: $work/report.duckdb
      threads: 4
YAML

xform() { dotnet "$cli" "$@" --project-dir "$root" --profiles-dir "$work" --target-path "$work/target" --vars "{raw_transactions_path: '$data'}"; }

start=$(date +%s.%N)
if ! xform build -q > "$work/build.log" 2>&1; then
  cat "$work/build.log"
  echo "xform build FAILED: the report below would not be trustworthy." >&2
  exit 1
fi
end=$(date +%s.%N)
printf 'xform build: every model built and every data test passed (%.1f s)\n' "$(echo "$end - $start" | bc)"

section() { echo; echo "== $1"; }
show() { xform show --limit 100 --inline "$1" 2>&1 | grep -v 'Previewing inline query'; }

section "Rows per transaction_category (share of all raw rows, gross value = sum of quantity * unit price)"
show "select transaction_category, row_count, share_of_raw_rows, gross_value from {{ ref('rpt_data_loss') }} order by row_count desc"

section "Data loss: raw rows that do not reach the customer metrics"
show "select max(raw_rows) as raw_rows, max(rows_in_customer_metrics) as rows_in_customer_metrics, max(data_loss_share) as data_loss_share from {{ ref('rpt_data_loss') }}"

section "Customers per RFM segment"
show "select rfm_segment, count(*) as customers, sum(monetary) as monetary from {{ ref('obt_customer_kpis_and_segmentation') }} group by rfm_segment order by customers desc, rfm_segment"

section "Customers per CLTV tier (heuristic CLTV profit; thresholds p33 / p66)"
show "select d.cltv_segment, count(o.customer_id) as customers, d.min_cltv_profit, d.max_cltv_profit_exclusive from {{ ref('dim_cltv_group') }} as d left join {{ ref('obt_customer_kpis_and_segmentation') }} as o on o.cltv_segment = d.cltv_segment group by d.cltv_segment, d.tier_order, d.min_cltv_profit, d.max_cltv_profit_exclusive order by d.tier_order"

section "Customers per churn-risk group"
show "select d.churn_risk_group, count(o.customer_id) as customers, d.min_recency_days, d.max_recency_days from {{ ref('dim_churn_group') }} as d left join {{ ref('obt_customer_kpis_and_segmentation') }} as o on o.churn_risk_group = d.churn_risk_group group by d.churn_risk_group, d.risk_order, d.min_recency_days, d.max_recency_days order by d.risk_order"

section "Overall KPIs (overall AOV = gross sales / orders)"
show "select snapshot_date, customers, orders, gross_sales, returns_value, net_revenue, overall_aov, avg_cltv_profit, churn_rate from {{ ref('obt_overall_customer_kpis') }}"

section "Engagement range (DAU, rolling 30-day MAU, stickiness = DAU / MAU)"
show "select min(activity_date) as first_day, max(activity_date) as last_day, min(dau) as min_dau, max(dau) as max_dau, min(mau) as min_mau, max(mau) as max_mau, min(stickiness) as min_stickiness, max(stickiness) as max_stickiness, min(calendar_month_mau) as min_month_mau, max(calendar_month_mau) as max_month_mau from {{ ref('obt_customer_dau_mau_stickiness') }}"
