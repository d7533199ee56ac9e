using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Xform.Core.Project;

namespace Xform.Cli;

/// <summary>
/// The only writer to the console: text lines with a time stamp, or (<c>--log-format json</c>) one JSON object a line
/// whose shape README.md documents (ts, level, event, msg, then the event's fields). Blank text lines are layout
/// and have no JSON event. In JSON every event goes to stdout, in order, so one stream has the whole run.
/// </summary>
public sealed class Output(TextWriter stdout, TextWriter stderr, bool json, bool quiet, bool color)
{
    /// <summary>Readable JSON: +, &lt;, &gt;, ' and &amp; as they are (a log line is never embedded in HTML).</summary>
    static readonly JsonWriterOptions JsonLine = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly object _gate = new();

    public TextWriter Out => stdout;
    public bool Color => color && !json;
    public bool Json => json;

    /// <summary>A line of text for the user; in JSON an event named "message".</summary>
    public void Info(string message) => Event("message", message);

    /// <summary>An event with its fields (the text line is <paramref name="message"/> alone); --quiet hides info only.</summary>
    public void Event(string name, string message, IReadOnlyDictionary<string, object?>? data = null, string level = "info")
    {
        if (level == "info" && quiet) return;
        Write(level == "info" ? stdout : stderr, level, name, message, data);
    }

    /// <summary>
    /// A statement run (--debug): in text, dbt's debug lines; in JSON the event <c>sql_statement</c> at level <c>debug</c>
    /// with <c>node</c>, <c>sql</c> (or <c>catalog</c>: what a catalog read looked up), <c>status</c> (<c>ok</c>,
    /// <c>error</c>) and <c>elapsed</c> (seconds).
    /// </summary>
    public void Statement(Xform.Core.Adapters.StatementRun run)
    {
        if (!json)
        {
            Info(run.Text());
            return;
        }
        Write(stdout, "debug", "sql_statement", run.Text(), new Dictionary<string, object?>
        {
            ["node"] = run.Node,
            [run.Catalog ? "catalog" : "sql"] = run.Statement,
            ["status"] = run.Ok ? "ok" : "error",
            ["elapsed"] = Math.Round(run.Elapsed.TotalSeconds, 3),
        });
    }

    public void Warn(string message) => Write(quiet ? stderr : stdout, "warn", "warning", Paint(message, "33"), null);

    public void Error(string message) => Write(stderr, "error", "error", Paint(message, "31"), null);

    /// <summary>Plain data for the user (ls, show, compile output): never time-stamped, never suppressed.</summary>
    public void Data(string text)
    {
        lock (_gate) stdout.WriteLine(text);
    }

    public string Paint(string text, string code) => Color ? $"\u001b[{code}m{text}\u001b[0m" : text;

    void Write(TextWriter writer, string level, string name, string message, IReadOnlyDictionary<string, object?>? data)
    {
        string line;
        if (json)
        {
            if (message.Length == 0 && data is null) return;
            var record = new Dictionary<string, object?>
            {
                ["ts"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["level"] = level,
                ["event"] = name,
                ["msg"] = StripAnsi(message),
            };
            if (data is not null) foreach (var (k, v) in data) record[k] = v;
            line = PlainJson.Serialize(record, JsonLine);
        }
        else
        {
            line = $"{DateTime.Now:HH:mm:ss}  {message}";
        }
        if (json) writer = stdout;
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    static string StripAnsi(string s) => System.Text.RegularExpressions.Regex.Replace(s, "\u001b\\[[0-9;]*m", "");
}
