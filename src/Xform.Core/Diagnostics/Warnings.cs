namespace Xform.Core.Diagnostics;

/// <summary>A non-fatal finding (e.g. a dbt key xform accepts but does not use yet).</summary>
public sealed record Warning(string Message, SourceLocation Location)
{
    public override string ToString() => Location.IsKnown ? $"{Location}: warning: {Message}" : $"warning: {Message}";
}
