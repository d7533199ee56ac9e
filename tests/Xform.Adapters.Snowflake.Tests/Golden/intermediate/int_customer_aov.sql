select
    customer_id,
    cast(
    sign(cast((monetary) * 10000 as number(38, 0))) * sign(cast(nullif(frequency, 0) as number(38, 0)))
    * cast(((abs(cast((monetary) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(frequency, 0) as number(38, 0)))) - mod(abs(cast((monetary) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(frequency, 0) as number(38, 0))), 2 * abs(cast(nullif(frequency, 0) as number(38, 0))))) / (2 * abs(cast(nullif(frequency, 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as customer_aov,
    cast(
    sign(cast((monetary) * 10000 as number(38, 0))) * sign(cast(nullif(line_count, 0) as number(38, 0)))
    * cast(((abs(cast((monetary) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(line_count, 0) as number(38, 0)))) - mod(abs(cast((monetary) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(line_count, 0) as number(38, 0))), 2 * abs(cast(nullif(line_count, 0) as number(38, 0))))) / (2 * abs(cast(nullif(line_count, 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as avg_line_value
from "RETAIL"."INT_CUSTOMER_RFM_VALUES"
