using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

public enum FixtureFormat { Dict, Csv, Sql }

/// <summary>
/// The rows of a unit test's input or expectation: a list of column-to-value rows (<c>dict</c>, and <c>csv</c> read
/// into text values) or a select (<c>sql</c>). <see cref="Columns"/> is every column the rows name, in first-seen order.
/// </summary>
public sealed record FixtureRows(FixtureFormat Format, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows, string? Sql, SourceLocation Location)
{
    public IReadOnlyList<string> Columns => Rows.SelectMany(r => r.Keys).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

/// <summary>One <c>given</c> entry: the input it stands for (a ref, a source, or the model's own relation for <c>this</c>) and its rows.</summary>
public sealed record UnitTestInput(string Text, Reference? Input, FixtureRows Rows)
{
    public bool IsThis => Input is null;
}

/// <summary>
/// What a unit test node checks: the model it tests, the rows standing in for what the model reads, the rows expected
/// of it, and the overrides of macros, vars and env vars its render sees.
/// </summary>
public sealed record UnitTestSpec(
    string ModelId,
    IReadOnlyList<UnitTestInput> Given,
    FixtureRows Expect,
    IReadOnlyDictionary<string, object?> Macros,
    IReadOnlyDictionary<string, object?> Vars,
    IReadOnlyDictionary<string, string> EnvVars);
