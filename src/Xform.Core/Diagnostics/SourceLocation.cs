namespace Xform.Core.Diagnostics;

/// <summary>A position in a project file. Line and column are 1-based; 0 means unknown.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation None => new("", 0, 0);

    public bool IsKnown => !string.IsNullOrEmpty(File);

    public override string ToString() => !IsKnown ? "" : Line <= 0 ? File : $"{File}:{Line}:{Column}";
}
