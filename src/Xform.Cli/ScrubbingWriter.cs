using System.Text;
using Xform.Core.Diagnostics;

namespace Xform.Cli;

/// <summary>Console output with dbt's secret environment variables masked (see <see cref="Secrets"/>); a plain pass-through when none is set.</summary>
sealed class ScrubbingWriter : TextWriter
{
    readonly TextWriter _inner;
    readonly IReadOnlyList<string> _secrets;

    ScrubbingWriter(TextWriter inner, IReadOnlyList<string> secrets) => (_inner, _secrets) = (inner, secrets);

    public static TextWriter Wrap(TextWriter inner) => Secrets.Values() is { Count: > 0 } values ? new ScrubbingWriter(inner, values) : inner;

    /// <summary>Whether output goes to the process's console (wrapped or not), where colours may be used.</summary>
    public static bool IsConsole(TextWriter writer) => ReferenceEquals(writer is ScrubbingWriter s ? s._inner : writer, Console.Out);

    public override Encoding Encoding => _inner.Encoding;
    public override void Write(char value) => _inner.Write(value);
    public override void Write(string? value) => _inner.Write(value is null ? null : Secrets.Scrub(value, _secrets));
    public override void WriteLine(string? value) => _inner.WriteLine(value is null ? null : Secrets.Scrub(value, _secrets));
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
    public override void Flush() => _inner.Flush();
}
