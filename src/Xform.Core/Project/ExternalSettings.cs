using System.Globalization;

namespace Xform.Core.Project;

/// <summary>
/// The configs of a model materialized as <c>external</c> (dbt-duckdb's): the rows are written to a file with
/// <c>COPY ... TO</c> and the model's relation is a view over that file. <c>location</c> (default
/// <c>&lt;external_root&gt;/&lt;name&gt;.&lt;format&gt;</c>, a folder when partitioned), <c>format</c> parquet (default), csv or
/// json (else read from the location's extension), <c>delimiter</c> (csv), <c>partition_by</c> (a column or a list; also
/// accepted inside <c>options</c>, where dbt-duckdb reads it), <c>options</c> (any other COPY option), <c>external_root</c>.
/// </summary>
public sealed record ExternalSettings(
    string? Location,
    string Format,
    string? Delimiter,
    IReadOnlyList<string> PartitionBy,
    IReadOnlyList<KeyValuePair<string, string>> Options,
    string? ExternalRoot)
{
    public static readonly IReadOnlyList<string> Formats = ["parquet", "csv", "json"];

    public static ExternalSettings Of(Node node)
    {
        var config = node.Config;
        var location = config.GetString("location");
        var options = new List<KeyValuePair<string, string>>();
        var partition = config.GetStrings("partition_by").ToList();
        string? format = config.GetString("format"), delimiter = config.GetString("delimiter");
        if (config.TryGetValue("options", out var raw) && raw is not null)
        {
            if (raw is not IReadOnlyDictionary<string, object?> map)
                throw BuildSettings.Error(node, "options", $"options of external model '{node.Name}' must be a mapping of COPY options, such as {{compression: zstd}}");
            foreach (var (key, value) in map)
            {
                var text = value switch
                {
                    IEnumerable<object?> list when value is not string => string.Join(", ", list.Select(Text)),
                    _ => Text(value),
                };
                switch (key.ToLowerInvariant())
                {
                    case "format": format ??= text; break;
                    case "delimiter": delimiter ??= text; break;
                    case "partition_by" when partition.Count == 0:
                        partition = text.Trim('(', ')').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                        break;
                    case "partition_by": break;
                    default: options.Add(new(key, text)); break;
                }
            }
        }
        format = (format ?? FormatOf(location, delimiter)).ToLowerInvariant();
        if (!Formats.Contains(format))
            throw BuildSettings.Error(node, "format", $"format '{format}' of external model '{node.Name}' is not one of {string.Join(", ", Formats)}");
        if (partition.Any(string.IsNullOrWhiteSpace))
            throw BuildSettings.Error(node, "partition_by", $"partition_by of external model '{node.Name}' must name columns");
        return new ExternalSettings(location, format, delimiter, partition, options, config.GetString("external_root"));
    }

    /// <summary>dbt-duckdb's guess without a format: the location's extension when it is one, csv with a delimiter, else parquet.</summary>
    static string FormatOf(string? location, string? delimiter)
    {
        var ext = location is null ? "" : Path.GetExtension(location).TrimStart('.').ToLowerInvariant();
        return Formats.Contains(ext) ? ext : delimiter is not null ? "csv" : "parquet";
    }

    static string Text(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
