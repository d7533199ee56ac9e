using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>Macros shipped inside xform itself (the generic data tests), lowest in precedence.</summary>
public static class BuiltinMacros
{
    public static readonly IReadOnlyList<TemplateSource> All = EmbeddedMacros.Load(typeof(BuiltinMacros).Assembly, "xform/macros/", "core");
}
