using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>
/// Every cross-database macro dbt ships, rendered in a real model on the engine and read back, against answers
/// worked out by hand from what dbt's implementation for the engine computes (dbt-adapters' default__, dbt-postgres's
/// postgres__ and dbt-duckdb's duckdb__ versions). Where dbt's versions differ between the engines the case names
/// both answers. Snowflake is checked on the SQL these macros compile to (its golden tests), not here.
/// </summary>
public abstract class CrossDbMacroKnownAnswers : ConformanceFixture
{
    /// <summary>A SQL expression (templated) whose value, cast to text, is <see cref="Expected"/> (null: SQL NULL),
    /// or <see cref="OnPostgres"/> / <see cref="OnDuckDb"/> where dbt's versions for those engines disagree.</summary>
    protected sealed record Case(string Name, string Sql, string? Expected, bool PerEngine = false, string? OnPostgres = null, string? OnDuckDb = null)
    {
        public string? For(string engine) => !PerEngine ? Expected : engine switch
        {
            "postgres" => OnPostgres,
            "duckdb" => OnDuckDb,
            _ => throw new InvalidOperationException($"no known answer of '{Name}' on {engine}"),
        };
    }

    static Case Same(string name, string sql, string? expected) => new(name, sql, expected);

    static Case Differs(string name, string sql, string? onPostgres, string? onDuckDb) => new(name, sql, null, true, onPostgres, onDuckDb);

    const string Ts = "cast('{0}' as timestamp)";
    const string D = "cast('{0}' as date)";

    static string T(string value) => string.Format(CultureInfo.InvariantCulture, Ts, value);
    static string Dt(string value) => string.Format(CultureInfo.InvariantCulture, D, value);

    /// <summary>Builds one table of (n, answer) from the cases and compares each answer, by name.</summary>
    void Check(IReadOnlyList<Case> cases, params (string Path, string Text)[] files)
    {
        var p = NewProject();
        foreach (var (path, text) in files) p.Write(path, text);
        var selects = cases.Select((c, i) => $"select {i} as n, cast({c.Sql} as varchar) as answer");
        p.Write("models/answers.sql", "{{ config(materialized='table') }}\n" + string.Join("\nunion all\n", selects) + "\n");
        var r = p.Run("run");
        var compiled = Path.Combine(p.Dir, "target/compiled/proj/models/answers.sql");
        Assert.That(r.ExitCode, Is.Zero, r + "\n" + (File.Exists(compiled) ? File.ReadAllText(compiled) : ""));
        var rows = p.QueryRows($"select n, answer from {p.Rel("answers")} order by n");
        var actual = rows.Select(x => $"{cases[(int)ConformanceProject.ToLong(x[0])].Name} = {Show(x[1])}").ToArray();
        var expected = cases.Select(c => $"{c.Name} = {Show(c.For(Target.Type))}").ToArray();
        Assert.That(actual, Is.EqualTo(expected), File.ReadAllText(compiled));
    }

    static string Show(object? value) => value is null or DBNull ? "NULL" : $"'{Convert.ToString(value, CultureInfo.InvariantCulture)}'";

    [Test]
    public void Datediff_counts_the_boundaries_of_every_datepart()
    {
        Check([
            Same("day across midnight", $"{{{{ datediff(\"{T("2024-01-01 23:59:00")}\", \"{T("2024-01-02 00:01:00")}\", 'day') }}}}", "1"),
            Same("day backwards over Feb 29", $"{{{{ datediff(\"{Dt("2024-03-01")}\", \"{Dt("2024-02-28")}\", 'day') }}}}", "-2"),
            // weeks start on Sunday in dbt's PostgreSQL and DuckDB versions; 2024-01-06 is a Saturday
            Same("week Saturday to Sunday", $"{{{{ datediff(\"{Dt("2024-01-06")}\", \"{Dt("2024-01-07")}\", 'week') }}}}", "1"),
            Same("week Sunday to the Saturday after next", $"{{{{ datediff(\"{Dt("2024-01-07")}\", \"{Dt("2024-01-20")}\", 'week') }}}}", "1"),
            Same("week backwards over two Sundays", $"{{{{ datediff(\"{Dt("2024-01-15")}\", \"{Dt("2024-01-06")}\", 'week') }}}}", "-2"),
            Same("month a day apart", $"{{{{ datediff(\"{Dt("2024-01-31")}\", \"{Dt("2024-02-01")}\", 'month') }}}}", "1"),
            Same("month across a year", $"{{{{ datediff(\"{Dt("2023-11-15")}\", \"{Dt("2024-02-01")}\", 'month') }}}}", "3"),
            Same("quarter a day apart", $"{{{{ datediff(\"{Dt("2023-12-31")}\", \"{Dt("2024-01-01")}\", 'quarter') }}}}", "1"),
            Same("quarter Q1 to Q4", $"{{{{ datediff(\"{Dt("2024-02-15")}\", \"{Dt("2024-12-31")}\", 'quarter') }}}}", "3"),
            Same("year a second apart", $"{{{{ datediff(\"{T("2023-12-31 23:59:59")}\", \"{T("2024-01-01 00:00:00")}\", 'year') }}}}", "1"),
            Same("hour a second apart", $"{{{{ datediff(\"{T("2024-01-01 10:59:59")}\", \"{T("2024-01-01 11:00:00")}\", 'hour') }}}}", "1"),
            Same("hour across midnight", $"{{{{ datediff(\"{T("2024-01-01 23:30:00")}\", \"{T("2024-01-02 01:10:00")}\", 'hour') }}}}", "2"),
            Same("minute a second apart", $"{{{{ datediff(\"{T("2024-01-01 10:00:59")}\", \"{T("2024-01-01 10:01:00")}\", 'minute') }}}}", "1"),
            Same("minute across hours", $"{{{{ datediff(\"{T("2024-01-01 10:59:30")}\", \"{T("2024-01-01 12:00:10")}\", 'minute') }}}}", "61"),
            Same("second 0.2 s apart", $"{{{{ datediff(\"{T("2024-01-01 10:00:00.900")}\", \"{T("2024-01-01 10:00:01.100")}\", 'second') }}}}", "1"),
            Same("millisecond", $"{{{{ datediff(\"{T("2024-01-01 10:00:00.100")}\", \"{T("2024-01-01 10:00:01.250")}\", 'millisecond') }}}}", "1150"),
            Same("millisecond across a minute", $"{{{{ datediff(\"{T("2024-01-01 10:00:59.999")}\", \"{T("2024-01-01 10:01:00.001")}\", 'millisecond') }}}}", "2"),
            Same("millisecond of fractions", $"{{{{ datediff(\"{T("2024-01-01 10:00:00.1004")}\", \"{T("2024-01-01 10:00:00.1016")}\", 'millisecond') }}}}", "1"),
            Same("microsecond", $"{{{{ datediff(\"{T("2024-01-01 10:00:00.000001")}\", \"{T("2024-01-01 10:00:01")}\", 'microsecond') }}}}", "999999"),
        ]);
    }

    [Test]
    public void Dateadd_date_trunc_and_last_day()
    {
        Check([
            Same("dateadd day into a leap day", $"cast({{{{ dateadd('day', 3, \"{Dt("2024-02-26")}\") }}}} as date)", "2024-02-29"),
            Same("dateadd gives a timestamp", $"{{{{ dateadd('day', 3, \"{Dt("2024-02-27")}\") }}}}", "2024-03-01 00:00:00"),
            Same("dateadd month clamps", $"cast({{{{ dateadd('month', 1, \"{Dt("2024-01-31")}\") }}}} as date)", "2024-02-29"),
            Same("dateadd negative hours", $"{{{{ dateadd('hour', -2, \"{T("2024-01-01 01:00:00")}\") }}}}", "2023-12-31 23:00:00"),
            Same("dateadd an expression", $"{{{{ dateadd('minute', '1 + 2', \"{T("2024-01-01 10:00:00")}\") }}}}", "2024-01-01 10:03:00"),
            Same("dateadd weeks", $"cast({{{{ dateadd('week', 2, \"{Dt("2024-01-01")}\") }}}} as date)", "2024-01-15"),
            Same("dateadd a year from Feb 29", $"cast({{{{ dateadd('year', 1, \"{Dt("2024-02-29")}\") }}}} as date)", "2025-02-28"),
            Same("date_trunc month", $"{{{{ date_trunc('month', \"{T("2024-02-27 10:00:00")}\") }}}}", "2024-02-01 00:00:00"),
            // date_trunc's weeks start on Monday (ISO), unlike datediff's: 2024-01-07 is a Sunday
            Same("date_trunc week", $"cast({{{{ date_trunc('week', \"{Dt("2024-01-07")}\") }}}} as date)", "2024-01-01"),
            Same("date_trunc quarter", $"cast({{{{ date_trunc('quarter', \"{Dt("2024-05-15")}\") }}}} as date)", "2024-04-01"),
            Same("last_day month", $"{{{{ last_day(\"{Dt("2024-02-10")}\", 'month') }}}}", "2024-02-29"),
            Same("last_day quarter", $"{{{{ last_day(\"{Dt("2023-11-05")}\", 'quarter') }}}}", "2023-12-31"),
            Same("last_day year", $"{{{{ last_day(\"{Dt("2024-06-15")}\", 'year') }}}}", "2024-12-31"),
            Same("last_day week", $"{{{{ last_day(\"{Dt("2024-01-03")}\", 'week') }}}}", "2024-01-07"),
            Same("dbt.date", "{{ dbt.date(2024, 2, 29) }}", "2024-02-29"),
            Same("dbt.date of January 5th", "{{ dbt.date(2024, 1, 5) }}", "2024-01-05"),
        ]);
    }

    [Test]
    public void Now_is_the_clock_of_this_machine()
    {
        // Engines and this process read the same clock: each value falls within ten minutes of it (UTC, or the
        // machine's local time where dbt's macro gives a local wall-clock time).
        static string Around(DateTime t, string type) =>
            $"between {type} '{t.AddMinutes(-10):yyyy-MM-dd HH:mm:ss}{(type == "timestamptz" ? "+00" : "")}' and {type} '{t.AddMinutes(10):yyyy-MM-dd HH:mm:ss}{(type == "timestamptz" ? "+00" : "")}'";
        var utc = DateTime.UtcNow;
        var local = DateTime.Now;
        Check([
            Same("current_timestamp (with time zone)", $"{{{{ current_timestamp() }}}} {Around(utc, "timestamptz")}", "true"),
            Same("current_timestamp_backcompat (local)", $"{{{{ current_timestamp_backcompat() }}}} {Around(local, "timestamp")}", "true"),
            // UTC on PostgreSQL; dbt-duckdb has no version of its own, and dbt's default is the backcompat one, local
            Same("current_timestamp_in_utc_backcompat", $"{{{{ current_timestamp_in_utc_backcompat() }}}} {Around(Target.Type == "duckdb" ? local : utc, "timestamp")}", "true"),
        ]);
    }

    [Test]
    public void Date_spine_and_generate_series()
    {
        var p = NewProject();
        p.Write("models/days.sql", "{{ config(materialized='table') }}\n" +
                                   "select cast(date_day as date) as d from ({{ date_spine('day', \"cast('2024-02-27' as date)\", \"cast('2024-03-02' as date)\") }}) as s");
        // month by month from the 31st: dateadd clamps each to the month's end
        p.Write("models/months.sql", "{{ config(materialized='table') }}\n" +
                                     "select cast(date_month as date) as d from ({{ date_spine('month', \"cast('2024-01-31' as date)\", \"cast('2024-05-01' as date)\") }}) as s");
        // bounds from a query of the model, as scalar subqueries (dbt would need them when the template renders)
        p.Write("models/bounded.sql", "{{ config(materialized='table') }}\n" +
                                      "with bounds as (select cast('2024-12-30' as date) as lo, cast('2025-01-02' as date) as hi)\n" +
                                      "select cast(date_day as date) as d from ({{ date_spine('day', '(select lo from bounds)', '(select hi from bounds)') }}) as s");
        p.Write("models/series.sql", "{{ config(materialized='table') }}\n" + string.Join("\nunion all\n",
            new[] { 1, 5, 8, 9 }.Select(n => $"select {n} as bound, count(*) as n, min(generated_number) as lo, max(generated_number) as hi, sum(generated_number) as total from ({{{{ generate_series({n}) }}}}) as s")) +
            "\nunion all\nselect 0, count(*), min(generated_number), max(generated_number), sum(generated_number) from ({{ generate_series(get_intervals_between(\"cast('2024-01-01' as date)\", \"cast('2024-03-01' as date)\", 'day')) }}) as s");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        string[] Days(string model) => p.QueryRows($"select cast(d as varchar) from {p.Rel(model)} order by d").Select(x => (string)x[0]!).ToArray();
        Assert.That(Days("days"), Is.EqualTo(new[] { "2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01" }), "up to, not including, the end");
        Assert.That(Days("months"), Is.EqualTo(new[] { "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30" }));
        Assert.That(Days("bounded"), Is.EqualTo(new[] { "2024-12-30", "2024-12-31", "2025-01-01" }));
        var series = p.QueryRows($"select bound, n, lo, hi, total from {p.Rel("series")} order by bound")
            .Select(x => string.Join(" ", x.Select(v => Convert.ToString(v is double d ? (long)d : v, CultureInfo.InvariantCulture)))).ToArray();
        // 1..n: count n, sum n(n+1)/2; 0: the 60 days of 2024-01-01 .. 2024-03-01 as a SQL expression
        Assert.That(series, Is.EqualTo(new[] { "0 60 1 60 1830", "1 1 1 1 1", "5 5 1 5 15", "8 8 1 8 36", "9 9 1 9 45" }));
    }

    [Test]
    public void String_macros()
    {
        Check([
            Same("concat", "{{ concat([\"'x'\", \"'y'\", \"'z'\"]) }}", "xyz"),
            Same("concat with a NULL", "{{ concat([\"'x'\", 'cast(null as varchar)']) }}", null),
            // RFC 1321's test vectors: md5("abc"), and md5("1") of the integer 1 cast to text
            Same("hash of text", "{{ hash(\"'abc'\") }}", "900150983cd24fb0d6963f7d28e17f72"),
            Same("hash of a number", "{{ hash('1') }}", "c4ca4238a0b923820dcc509a6f75849b"),
            Same("split_part", "{{ split_part(\"'a,b,c'\", \"','\", 2) }}", "b"),
            Same("split_part -1", "{{ split_part(\"'a,b,c'\", \"','\", -1) }}", "c"),
            Same("split_part -3", "{{ split_part(\"'a,b,c'\", \"','\", -3) }}", "a"),
            // PostgreSQL's split_part gives an empty string past the last field, DuckDB's list index a NULL
            Differs("split_part past the end", "{{ split_part(\"'a,b,c'\", \"','\", 4) }}", "", null),
            Same("position", "{{ position(\"'c'\", \"'abcabc'\") }}", "3"),
            Same("position absent", "{{ position(\"'z'\", \"'abcabc'\") }}", "0"),
            Same("replace", "{{ replace(\"'a-b-c'\", \"'-'\", \"'+'\") }}", "a+b+c"),
            Same("right", "{{ right(\"'abcdef'\", 3) }}", "def"),
            Same("right 0", "{{ right(\"'abcdef'\", 0) }}", ""),
            Same("length", "{{ length(\"'abcdef'\") }}", "6"),
            Same("length of empty", "{{ length(\"''\") }}", "0"),
            Same("string_literal", "{{ string_literal('a b') }}", "a b"),
            Same("escape_single_quotes", "'{{ escape_single_quotes(\"they're\") }}'", "they're"),
            Same("string_literal of escaped", "{{ string_literal(escape_single_quotes(\"it's\")) }}", "it's"),
        ]);
    }

    [Test]
    public void Aggregates_arrays_comparisons_and_set_operators()
    {
        const string Letters = "(values ('b', 2), ('a', 1), ('d', 4), ('c', 3)) as t(x, o)";
        const string Flags = "(values (false), (true), (cast(null as boolean))) as t(b)";
        Check([
            Same("listagg ordered", $"(select {{{{ listagg('x', \"'|'\", 'order by o') }}}} from {Letters})", "a|b|c|d"),
            Same("listagg descending", $"(select {{{{ listagg('x', \"'|'\", 'order by o desc') }}}} from {Letters})", "d|c|b|a"),
            Same("listagg limited", $"(select {{{{ listagg('x', \"'|'\", 'order by o', 2) }}}} from {Letters})", "a|b"),
            Same("listagg default delimiter", $"(select {{{{ listagg('x', order_by_clause='order by o') }}}} from {Letters})", "a,b,c,d"),
            Same("listagg keywords", $"(select {{{{ listagg(measure='x', delimiter_text=\"'; '\", order_by_clause='order by o desc', limit_num=3) }}}} from {Letters})", "d; c; b"),
            Same("any_value", "(select {{ any_value('x') }} from (values ('k'), ('k')) as t(x))", "k"),
            Same("bool_or true", $"(select {{{{ bool_or('b') }}}} from {Flags})", "true"),
            Same("bool_or false", "(select {{ bool_or('b') }} from (values (false), (false)) as t(b))", "false"),
            Same("equals", "case when {{ equals(\"'a'\", \"'a'\") }} then 'equal' else 'not equal' end", "equal"),
            // dbt's default: enable_truthy_nulls_equals_macro off, so NULL = NULL is not true
            Same("equals of NULLs", "case when {{ equals('cast(null as integer)', 'cast(null as integer)') }} then 'equal' else 'not equal' end", "not equal"),
            Same("except", "(select sum(v) from (select v from (values (1), (2), (3)) as a(v) {{ except() }} select v from (values (2), (3), (4)) as b(v)) as s)", "1"),
            Same("intersect", "(select sum(v) from (select v from (values (1), (2), (3)) as a(v) {{ intersect() }} select v from (values (2), (3), (4)) as b(v)) as s)", "5"),
            Same("array_construct", "array_to_string({{ array_construct([1, 2, 3]) }}, ',')", "1,2,3"),
            Same("array_construct of text", "array_to_string({{ array_construct([\"'a'\", \"'b'\"]) }}, ',')", "a,b"),
            Same("array_construct empty, of integers", "array_to_string({{ array_append(array_construct(), 7) }}, ',')", "7"),
            Same("array_construct empty, of text", "array_to_string({{ array_append(array_construct([], 'varchar'), \"'x'\") }}, ',')", "x"),
            Same("array_append", "array_to_string({{ array_append(array_construct([1, 2]), 3) }}, ',')", "1,2,3"),
            Same("array_concat", "array_to_string({{ array_concat(array_construct([1, 2]), array_construct([3, 4])) }}, ',')", "1,2,3,4"),
        ]);
    }

    [Test]
    public void Types_and_casts()
    {
        Check([
            // what the type macros render, dbt's Column.translate_type: 'string' is TEXT, other labels as written
            Same("type names", "'{{ type_string() }}|{{ type_timestamp() }}|{{ type_float() }}|{{ type_numeric() }}|{{ type_bigint() }}|{{ type_int() }}|{{ type_boolean() }}'",
                "TEXT|timestamp|float|numeric(28,6)|bigint|integer|boolean"),
            Same("type_string", "cast(12 as {{ type_string() }})", "12"),
            Same("type_timestamp", "cast('2024-01-05 10:11:12' as {{ type_timestamp() }})", "2024-01-05 10:11:12"),
            // 2^24 + 1 needs 25 significant bits: a 4-byte float (DuckDB's FLOAT) rounds it, a double keeps it
            Differs("type_float", "cast(cast(16777217 as {{ type_float() }}) as bigint)", "16777217", "16777216"),
            Same("type_numeric rounds to 6 places", "cast(1.23456789 as {{ type_numeric() }})", "1.234568"),
            Same("type_numeric(18, 3), xform's", "cast(1.23456789 as {{ type_numeric(18, 3) }})", "1.235"),
            Same("type_bigint", "cast('9000000000' as {{ type_bigint() }}) + 1", "9000000001"),
            Same("type_int", "cast('12' as {{ type_int() }}) * 2", "24"),
            Same("type_boolean", "cast('true' as {{ type_boolean() }})", "true"),
            Same("cast", "{{ cast(\"'2024-01-05'\", 'date') }}", "2024-01-05"),
            Same("cast to a type macro", "{{ cast(\"'12'\", type_int()) }} + 1", "13"),
            Same("safe_cast", "{{ safe_cast(\"'12'\", type_int()) }} + 1", "13"),
            Same("cast_bool_to_text true", "{{ cast_bool_to_text('1 = 1') }}", "true"),
            Same("cast_bool_to_text false", "{{ cast_bool_to_text('1 = 0') }}", "false"),
            Same("cast_bool_to_text NULL", "{{ cast_bool_to_text('cast(null as boolean)') }}", null),
            // values the templates compute: the smallest n with bound <= 2^n
            Same("get_powers_of_two", "'{{ get_powers_of_two(1) }} {{ get_powers_of_two(2) }} {{ get_powers_of_two(3) }} {{ get_powers_of_two(8) }} {{ get_powers_of_two(9) }} {{ get_powers_of_two(1000) }}'",
                "1 1 2 3 4 10"),
        ]);
    }

    [Test]
    public void A_project_macro_comes_before_dbt_s()
    {
        // dispatch in the dbt namespace searches the project first (its default__ before the engine's own version),
        // and a project macro of the macro's own name replaces it for the project's calls
        Check([
            Same("any_value", "(select {{ any_value('x') }} from (values ('a'), ('b')) as t(x))", "b"),
            Same("dbt.any_value", "(select {{ dbt.any_value('x') }} from (values ('a'), ('b')) as t(x))", "b"),
            Same("right", "{{ right(\"'abc'\", 1) }}", "project's"),
        ], ("macros/overrides.sql", "{% macro default__any_value(expression) %}max({{ expression }}){% endmacro %}\n" +
                                    "{% macro right(string_text, length_expression) %}'project''s'{% endmacro %}\n"));
    }

    [Test]
    public void What_dbt_lets_fail_fails()
    {
        // dbt's safe_cast on PostgreSQL and DuckDB is a plain cast; Feb 29 2023 does not exist (dbt's check when the
        // template renders, make_date's on DuckDB); a power of two of nothing
        foreach (var (name, sql) in new[]
        {
            ("safe_cast", "select {{ safe_cast(\"'not a number'\", type_int()) }} as v"),
            ("date", "select {{ dbt.date(2023, 2, 29) }} as v"),
            ("powers", "select '{{ get_powers_of_two(0) }}' as v"),
        })
        {
            var p = NewProject();
            p.Write($"models/{name}.sql", "{{ config(materialized='table') }}\n" + sql);
            var r = p.Run("run");
            Assert.That(r.ExitCode, Is.Not.Zero, $"{name}: {r}");
            Assert.That(p.Relations(), Does.Not.ContainKey(name), $"{name}: {r}");
        }
    }
}
