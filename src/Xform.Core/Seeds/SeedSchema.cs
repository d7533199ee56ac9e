namespace Xform.Core.Seeds;

/// <summary>The kind of values a seed column holds, inferred from the file or read from <c>column_types</c>.</summary>
public enum SeedType
{
    Text,
    Integer,
    Decimal,
    Boolean,
    Date,
    Timestamp,
    /// <summary>A <c>column_types</c> type xform does not check itself (uuid, time, json, ...): the engine checks it.</summary>
    Other,
}

/// <summary>
/// One column of a seed: its header name, its kind and the SQL type to create it with. For inferred
/// columns the SQL type is the adapter's name for the kind; for <c>column_types</c> overrides it is the
/// user's text, verbatim.
/// </summary>
public sealed record SeedColumn(string Name, SeedType Type, string SqlType, int Precision = 0, int Scale = 0, bool Overridden = false);

/// <summary>What a pass over a seed file found: its columns (in file order) and how many data rows it has.</summary>
public sealed record SeedSchema(IReadOnlyList<SeedColumn> Columns, long RowCount, bool HadByteOrderMark, byte Delimiter);

/// <summary>How an engine spells each inferred kind; each adapter supplies its own.</summary>
public sealed record SeedTypeNames(string Text, string Integer, string Boolean, string Date, string Timestamp, string DecimalName)
{
    public string For(SeedType type, int precision, int scale) => type switch
    {
        SeedType.Integer => Integer,
        SeedType.Decimal => $"{DecimalName}({precision},{scale})",
        SeedType.Boolean => Boolean,
        SeedType.Date => Date,
        SeedType.Timestamp => Timestamp,
        _ => Text,
    };
}
