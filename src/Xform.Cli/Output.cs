using System.Globalization;
using System.Text.Json;

namespace Xform.Cli;

/// <summary>The only writer to the console: text lines with a time stamp, or JSON lines.</summary>
public sealed class Output(TextWriter stdout, TextWriter stderr, bool json, bool quiet, bool color)
{
    readonly object _gate = new();

    public TextWriter Out => stdout;
    public bool Color => color && !json;

    public void Info(string message, IReadOnlyDictionary<string, object?>? data = null)
    {
        if (!quiet) Write(stdout, "info", message, data);
    }

    public void Warn(string message) => Write(quiet ? stderr : stdout, "warn", Paint(message, "33"));

    public void Error(string message) => Write(stderr, "error", Paint(message, "31"));

    /// <summary>Plain data for the user (ls, show, compile output): never time-stamped, never suppressed.</summary>
    public void Data(string text)
    {
        lock (_gate) stdout.WriteLine(text);
    }

    public string Paint(string text, string code) => Color ? $"\u001b[{code}m{text}\u001b[0m" : text;

    void Write(TextWriter writer, string level, string message, IReadOnlyDictionary<string, object?>? data = null)
    {
        string line;
        if (json)
        {
            var record = new Dictionary<string, object?>
            {
                ["ts"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["level"] = level,
                ["msg"] = StripAnsi(message),
            };
            if (data is not null) foreach (var (k, v) in data) record[k] = v;
            line = JsonSerializer.Serialize(record);
        }
        else
        {
            line = $"{DateTime.Now:HH:mm:ss}  {message}";
        }
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    static string StripAnsi(string s) => System.Text.RegularExpressions.Regex.Replace(s, "\u001b\\[[0-9;]*m", "");
}
