using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xform.Cli;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>
/// <c>xform compile</c> on a Snowflake target of one model per call of a dbt cross-database macro: each compiles to
/// the SQL dbt-snowflake renders for it (its snowflake__ versions, else dbt-adapters' default__), written here by
/// hand from those macros, compared with whitespace runs made one space (and none inside parentheses). Compiling
/// connects to nothing: the endpoint is a loopback socket that would see a request.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class CrossDbMacroGoldenTests
{
    /// <summary>(model name, model template, the SQL dbt-snowflake renders).</summary>
    static readonly (string Name, string Template, string Snowflake)[] Cases =
    [
        ("datediff_day", "{{ datediff('a', 'b', 'day') }}", "datediff(day, a, b)"),
        ("datediff_week", "{{ datediff('a', 'b', 'week') }}", "datediff(week, a, b)"),
        ("datediff_millisecond", "{{ datediff(first_date='a', second_date='b', datepart='millisecond') }}", "datediff(millisecond, a, b)"),
        ("datediff_microsecond", "{{ dbt.datediff('a', 'b', 'microsecond') }}", "datediff(microsecond, a, b)"),
        ("dateadd", "{{ dateadd('month', 1, 'd') }}", "dateadd(month, 1, d)"),
        ("dateadd_quarter", "{{ dateadd(datepart='quarter', interval='-2', from_date_or_timestamp='d') }}", "dateadd(quarter, -2, d)"),
        ("date_trunc", "{{ date_trunc('week', 'd') }}", "date_trunc('week', d)"),
        ("last_day_month", "{{ last_day('d', 'month') }}", "cast(dateadd(day, -1, dateadd(month, 1, date_trunc('month', d))) as date)"),
        ("last_day_quarter", "{{ last_day('d', 'quarter') }}", "cast(dateadd(day, -1, dateadd(quarter, 1, date_trunc('quarter', d))) as date)"),
        ("date", "{{ dbt.date(2024, 2, 29) }}", "to_date('2024-02-29', 'YYYY-MM-DD')"),
        ("date_padded", "{{ date(2024, 1, 5) }}", "to_date('2024-01-05', 'YYYY-MM-DD')"),
        ("current_timestamp", "{{ current_timestamp() }}", "convert_timezone('UTC', current_timestamp())"),
        ("current_timestamp_backcompat", "{{ current_timestamp_backcompat() }}", "current_timestamp::timestamp"),
        ("current_timestamp_in_utc_backcompat", "{{ current_timestamp_in_utc_backcompat() }}", "convert_timezone('UTC', current_timestamp::timestamp)::timestamp"),
        ("listagg", "{{ listagg('x') }}", "listagg(x, ',')"),
        ("listagg_ordered", "{{ listagg('x', \"'|'\", 'order by o') }}", "listagg(x, '|') within group (order by o)"),
        ("listagg_limited", "{{ listagg('x', \"'|'\", 'order by o', 3) }}", "array_to_string(array_slice(array_agg(x) within group (order by o), 0, 3), '|')"),
        ("any_value", "{{ any_value('x') }}", "any_value(x)"),
        ("bool_or", "{{ bool_or('x') }}", "boolor_agg(x)"),
        ("split_part", "{{ split_part('s', \"','\", 2) }}", "split_part(s, ',', 2)"),
        ("split_part_negative", "{{ split_part('s', \"','\", -1) }}", "split_part(s, ',', -1)"),
        ("concat", "{{ concat(['a', \"'-'\", 'b']) }}", "a || '-' || b"),
        ("hash", "{{ hash('x') }}", "md5(cast(x as TEXT))"),
        ("position", "{{ position(\"'c'\", 's') }}", "position('c' in s)"),
        ("replace", "{{ replace('s', \"'a'\", \"'b'\") }}", "replace(s, 'a', 'b')"),
        ("right", "{{ right('s', 3) }}", "case when 3 = 0 then '' else right(s, 3) end"),
        ("length", "{{ length('s') }}", "length(s)"),
        ("string_literal", "{{ string_literal('abc') }}", "'abc'"),
        ("escape_single_quotes", "'{{ escape_single_quotes(\"they're\") }}'", "'they\\'re'"),
        ("equals", "{{ equals('a', 'b') }}", "(a = b)"),
        ("except", "select 1 {{ except() }} select 2", "select 1 except select 2"),
        ("intersect", "select 1 {{ intersect() }} select 1", "select 1 intersect select 1"),
        ("array_construct", "{{ array_construct(['1', '2']) }}", "array_construct(1 , 2)"),
        ("array_construct_empty", "{{ array_construct() }}", "array_construct()"),
        ("array_append", "{{ array_append('a', '3') }}", "array_append(a, 3)"),
        ("array_concat", "{{ array_concat('a', 'b') }}", "array_cat(a, b)"),
        ("cast", "{{ cast(\"'1'\", type_int()) }}", "cast('1' as integer)"),
        ("cast_geography", "{{ cast('g', 'geography') }}", "to_geography(g)"),
        ("cast_geometry", "{{ cast('g', 'GEOMETRY') }}", "to_geometry(g)"),
        ("safe_cast", "{{ safe_cast(\"'12'\", type_int()) }}", "try_cast('12' as integer)"),
        ("safe_cast_number", "{{ safe_cast(12, 'integer') }}", "try_cast('12' as integer)"),
        ("safe_cast_variant", "{{ safe_cast('v', 'variant') }}", "cast(v as variant)"),
        ("safe_cast_geography", "{{ safe_cast('g', 'geography') }}", "try_to_geography(g)"),
        ("safe_cast_geometry", "{{ safe_cast('g', 'geometry') }}", "try_to_geometry(g)"),
        ("cast_bool_to_text", "{{ cast_bool_to_text('b') }}", "cast(b as TEXT)"),
        ("types", "{{ type_string() }} {{ type_timestamp() }} {{ type_float() }} {{ type_numeric() }} {{ type_bigint() }} {{ type_int() }} {{ type_boolean() }}",
            "TEXT timestamp float numeric(28,6) bigint integer boolean"),
        ("get_powers_of_two", "{{ get_powers_of_two(9) }}", "4"),
        ("generate_series", "{{ generate_series(3) }}",
            "with p as (select 0 as generated_number union all select 1), unioned as (select p0.generated_number * power(2, 0) + p1.generated_number * power(2, 1) + 1 as generated_number " +
            "from p as p0 cross join p as p1) select * from unioned where generated_number <= 3 order by generated_number"),
        // xform's get_intervals_between: dbt's query, as an expression (xform's templates run no query)
        ("get_intervals_between", "{{ get_intervals_between('a', 'b', 'month') }}", "(datediff(month, a, b))"),
        ("date_spine", "{{ date_spine('day', \"to_date('2024-01-01')\", \"to_date('2024-01-08')\") }}",
            "with rawdata as (select cast(value as integer) as generated_number from table(flatten(input => array_generate_range(1, ((datediff(day, to_date('2024-01-01'), to_date('2024-01-08')))) + 1)))), " +
            "all_periods as (select (dateadd(day, row_number() over (order by 1) - 1, to_date('2024-01-01'))) as date_day from rawdata), " +
            "filtered as (select * from all_periods where date_day <= to_date('2024-01-08')) select * from filtered"),
    ];

    string _dir = "";
    TcpListener? _sentinel;
    string _output = "";
    int _exit;
    Dictionary<string, string> _compiled = [];

    [OneTimeSetUp]
    public void Compile()
    {
        _dir = Directory.CreateTempSubdirectory("xform-crossdb-snowflake-").FullName;
        _sentinel = new TcpListener(IPAddress.Loopback, 0);
        _sentinel.Start();
        var port = ((IPEndPoint)_sentinel.LocalEndpoint).Port;
        File.WriteAllText(Path.Combine(_dir, "project.yml"), "name: proj\nprofile: proj\n");
        File.WriteAllText(Path.Combine(_dir, "profiles.yml"), $"""
            proj:
              target: dev
              outputs:
                dev:
                  type: snowflake
                  account: xy12345.us-east-1
                  user: xform
                  database: analytics
                  schema: public
                  warehouse: transforming
                  authenticator: jwt
                  private_key_path: keys/absent.p8
                  protocol: http
                  host: 127.0.0.1
                  port: {port}
            """);
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        foreach (var (name, template, _) in Cases)
            File.WriteAllText(Path.Combine(_dir, "models", name + ".sql"), template + "\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        _exit = XformCli.Run(["compile", "--project-dir", _dir], stdout, stderr);
        _output = $"exit {_exit}\n--- stdout\n{stdout}\n--- stderr\n{stderr}";
        var root = Path.Combine(_dir, "target", "compiled", "proj", "models");
        _compiled = Cases.Where(c => File.Exists(Path.Combine(root, c.Name + ".sql")))
            .ToDictionary(c => c.Name, c => File.ReadAllText(Path.Combine(root, c.Name + ".sql")), StringComparer.Ordinal);
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        _sentinel?.Stop();
        try { if (_dir.Length > 0) Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Test]
    public void Compiles_without_a_request()
    {
        Assert.That(_exit, Is.Zero, _output);
        Assert.That(_sentinel!.Pending(), Is.False, "xform compile connected to the Snowflake endpoint");
    }

    [Test]
    public void Each_macro_compiles_to_dbt_snowflake_sql()
    {
        Assert.That(_exit, Is.Zero, _output);
        var actual = Cases.Select(c => $"{c.Name}: {(_compiled.TryGetValue(c.Name, out var sql) ? Normalise(sql) : "(not compiled)")}").ToArray();
        var expected = Cases.Select(c => $"{c.Name}: {Normalise(c.Snowflake)}").ToArray();
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void A_date_that_does_not_exist_is_a_compile_error()
    {
        var (code, output) = CompileAlone(("models/bad_date.sql", "select {{ dbt.date(2023, 2, 29) }}\n"));
        Assert.That(code, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("day is out of range for month"));
    }

    [Test]
    public void A_project_default_comes_before_dbt_snowflake_s_own_version()
    {
        // dispatch in the dbt namespace searches the project first, default__ included, then dbt's snowflake__
        var (code, output) = CompileAlone(
            ("macros/overrides.sql", "{% macro default__bool_or(expression) %}max({{ expression }}){% endmacro %}\n"),
            ("models/overridden.sql", "select {{ bool_or('x') }}, {{ dbt.bool_or('y') }}\n"));
        Assert.That(code, Is.Zero, output);
        Assert.That(Normalise(File.ReadAllText(Path.Combine(_dir, "target", "compiled", "proj", "models", "overridden.sql"))), Is.EqualTo("select max(x), max(y)"));
    }

    /// <summary>Adds the files, compiles their model alone, removes them again.</summary>
    (int Code, string Output) CompileAlone(params (string Path, string Text)[] files)
    {
        try
        {
            foreach (var (path, text) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_dir, path))!);
                File.WriteAllText(Path.Combine(_dir, path), text);
            }
            var model = Path.GetFileNameWithoutExtension(files.Last().Path);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = XformCli.Run(["compile", "--project-dir", _dir, "-s", model], stdout, stderr);
            return (code, $"{stdout}{stderr}");
        }
        finally
        {
            foreach (var (path, _) in files) File.Delete(Path.Combine(_dir, path));
        }
    }

    /// <summary>Whitespace runs as one space, none after an opening or before a closing parenthesis, trimmed.</summary>
    static string Normalise(string sql) => Paren().Replace(Spaces().Replace(sql, " "), m => m.Value.Trim()).Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\( | \)")]
    private static partial Regex Paren();
}
