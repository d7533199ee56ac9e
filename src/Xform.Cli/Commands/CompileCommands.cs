using System.CommandLine;
using System.Globalization;
using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Tasks;

namespace Xform.Cli.Commands;

/// <summary>compile and show: render SQL, and preview what it returns.</summary>
static class CompileCommands
{
    public static readonly Option<int> Limit = new("--limit") { Description = "Rows to show (default 5; -1 for all)", DefaultValueFactory = _ => 5, CustomParser = r => CliOptions.WholeNumber(r) ?? 0 };
    public static readonly Option<string?> Inline = new("--inline") { Description = "SQL (may use ref/source) to run instead of a model" };
    public static readonly Option<string> ShowOutput = new("--output", "-o") { Description = "text (a table) or json (dbt's {\"node\": ..., \"show\": [rows]})", DefaultValueFactory = _ => "text" };

    static CompileCommands()
    {
        CliOptions.OneOf(ShowOutput, ["text", "json"]);
    }

    public static int Compile(CommandContext context)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var compiled = CompileTask.Run(context.Workspace);
        // Like dbt: compiling one explicitly selected model prints its SQL.
        if (compiled.OnlySql is { } only) context.Output.Data(only.Trim());
        var (models, analyses) = (compiled.Models, compiled.Analyses);
        context.Output.Info($"Compiled {models} model{(models == 1 ? "" : "s")}{(analyses > 0 ? $" and {analyses} analys{(analyses == 1 ? "is" : "es")}" : "")} into {Path.GetRelativePath(context.ProjectDir, Path.Combine(context.TargetDir, "compiled"))} in {watch.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)}s");
        return XformCli.Success;
    }

    public static int Show(CommandContext context)
    {
        var query = ShowTask.Prepare(context.Workspace, context.Get(Inline), context.Get(Limit));
        var (rows, result) = ShowTask.Run(context.Workspace, query);
        if (rows is null)
        {
            context.Output.Error(result.Message);
            return XformCli.NodeFailure;
        }
        // The query asked for one row more than --limit: its presence says the limit cut the result.
        var cut = query.Limit >= 0 && rows.Rows.Count > query.Limit;
        var shown = cut ? rows with { Rows = rows.Rows.Take(query.Limit).ToList() } : rows;
        var inline = context.Get(Inline) is not null;
        if (context.Get(ShowOutput) == "json")
        {
            context.Output.Data(Table.Json(shown, inline ? null : query.Title));
            return XformCli.Success;
        }
        context.Output.Info(inline ? "Previewing inline node:" : $"Previewing node '{query.Title}':");
        context.Output.Data(Table.Render(shown));
        if (cut) context.Output.Info($"first {query.Limit} row{(query.Limit == 1 ? "" : "s")} (--limit); --limit -1 shows them all");
        return XformCli.Success;
    }
}

/// <summary>Query results as a text table, like dbt show.</summary>
static class Table
{
    public static string Render(QueryResult result)
    {
        var cells = result.Rows.Select(r => r.Select(Format).ToArray()).ToList();
        var widths = result.Columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        string Line(IEnumerable<string> values) =>
            "| " + string.Join(" | ", values.Select((v, i) => v.PadRight(widths[i]))) + " |";
        sb.AppendLine(Line(result.Columns));
        sb.AppendLine("| " + string.Join(" | ", widths.Select(w => new string('-', w))) + " |");
        foreach (var row in cells) sb.AppendLine(Line(row));
        return sb.ToString().TrimEnd();
    }

    /// <summary>dbt's <c>show --output json</c>: <c>{"node": name, "show": [{column: value, ...}]}</c> (no "node" for inline SQL), indented.</summary>
    public static string Json(QueryResult result, string? node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            if (node is not null) w.WriteString("node", node);
            w.WriteStartArray("show");
            foreach (var row in result.Rows)
            {
                w.WriteStartObject();
                for (var i = 0; i < result.Columns.Count; i++)
                {
                    w.WritePropertyName(result.Columns[i]);
                    JsonValue(w, row[i]);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Numbers and booleans as JSON's own (agate's to_json), everything else as the text the table shows.</summary>
    static void JsonValue(System.Text.Json.Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case sbyte or byte or short or ushort or int or uint or long: w.WriteNumberValue(Convert.ToInt64(v, CultureInfo.InvariantCulture)); break;
            case ulong u: w.WriteNumberValue(u); break;
            case decimal d: w.WriteNumberValue(d); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case System.Numerics.BigInteger big: w.WriteRawValue(big.ToString(CultureInfo.InvariantCulture)); break;
            case byte[]: w.WriteStringValue(Format(v)); break;
            // a STRUCT or MAP as an object, a LIST as an array (agate's to_json of Python's dicts and lists)
            case System.Collections.IDictionary map:
                w.WriteStartObject();
                foreach (System.Collections.DictionaryEntry e in map)
                {
                    w.WritePropertyName(Format(e.Key));
                    JsonValue(w, e.Value);
                }
                w.WriteEndObject();
                break;
            case System.Collections.IList list:
                w.WriteStartArray();
                foreach (var item in list) JsonValue(w, item);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(Format(v)); break;
        }
    }

    static string Format(object? v) => v switch
    {
        null => "",
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        // a BLOB as DuckDB writes it: printable ASCII as it is, other bytes as \xHH
        byte[] bytes => string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7f and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}")),
        // nested values as DuckDB writes them as text: [1, 2, NULL], {'a': 1, 'b': x} (a STRUCT), {k=1} (a MAP)
        Dictionary<string, object?> fields => "{" + string.Join(", ", fields.Select(e => $"'{e.Key}': {Nested(e.Value)}")) + "}",
        System.Collections.IDictionary map => "{" + string.Join(", ", Entries(map).Select(e => $"{Nested(e.Key)}={Nested(e.Value)}")) + "}",
        System.Collections.IList list => "[" + string.Join(", ", list.Cast<object?>().Select(Nested)) + "]",
        _ => v.ToString() ?? "",
    };

    static string Nested(object? v) => v switch { null => "NULL", bool b => b ? "true" : "false", _ => Format(v) };

    // a dictionary's entries through its own enumerator (a generic one's IEnumerable yields KeyValuePairs)
    static IEnumerable<System.Collections.DictionaryEntry> Entries(System.Collections.IDictionary map)
    {
        foreach (System.Collections.DictionaryEntry e in map) yield return e;
    }
}
