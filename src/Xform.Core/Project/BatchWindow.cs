namespace Xform.Core.Project;

/// <summary>A microbatch window: [Start, End).</summary>
public sealed record BatchWindow(DateTime Start, DateTime End)
{
    public override string ToString() => $"{Start:yyyy-MM-dd HH:mm}..{End:yyyy-MM-dd HH:mm}";
}
