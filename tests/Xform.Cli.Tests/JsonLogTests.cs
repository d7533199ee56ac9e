using System.Text.Json;

namespace Xform.Cli.Tests;

/// <summary><c>--log-format json</c>: one event a line, the shape README.md documents, for orchestrators to follow a run.</summary>
public class JsonLogTests
{
    static List<JsonElement> Events(CliResult r)
    {
        Assert.That(r.Err, Is.Empty, "in JSON every event goes to stdout");
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.Not.Empty);
        foreach (var line in lines)
            Assert.That(line, Does.Not.Contain("\\u00"), "ordinary characters are written as they are: " + line);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var e in events)
        {
            Assert.That(e.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(DateTimeOffset.TryParse(e.GetProperty("ts").GetString(), out _), e.ToString());
            Assert.That(e.GetProperty("level").GetString(), Is.AnyOf("info", "warn", "error"), e.ToString());
            Assert.That(e.GetProperty("event").GetString(), Is.Not.Empty, e.ToString());
            Assert.That(e.GetProperty("msg").GetString(), Is.Not.Empty, "no empty msg: " + e);
        }
        return events;
    }

    static string Event(JsonElement e) => e.GetProperty("event").GetString()!;

    [Test]
    public void A_build_is_one_event_a_line_with_node_status_timing_and_a_summary()
    {
        using var p = new TestProject();
        p.Write("models/good.sql", "{{ config(materialized='table') }}\nselect 1 as id, 'a+b <c> & d''s' as label");
        p.Write("models/bad.sql", "{{ config(materialized='table') }}\nselect cast('not a number' as integer) as n");
        p.Write("models/after_bad.sql", "select * from {{ ref('bad') }}");
        p.Write("models/schema.yml", """
            version: 2
            models:
              - name: good
                columns:
                  - name: id
                    data_tests:
                      - accepted_values: {values: [2], quote: false, config: {severity: warn}}
            """);
        var r = p.Run("build", "--log-format", "json");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        var events = Events(r);

        var started = events.First();
        Assert.That(Event(started), Is.EqualTo("run_started"));
        Assert.That(started.GetProperty("command").GetString(), Is.EqualTo("build"));
        Assert.That(started.GetProperty("target").GetString(), Is.EqualTo("dev"));
        Assert.That(started.GetProperty("invocation_id").GetString(), Is.Not.Empty);

        var finished = events.Where(e => Event(e) == "node_finished").ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.That(finished.Values.Select(e => e.GetProperty("resource_type").GetString()), Is.EquivalentTo(new[] { "model", "model", "model", "test" }));
        Assert.That(events.Count(e => Event(e) == "node_started"), Is.EqualTo(3), "a skipped node never starts");
        var good = finished["good"];
        Assert.That(good.GetProperty("node").GetString(), Is.EqualTo("model.proj.good"));
        Assert.That(good.GetProperty("resource_type").GetString(), Is.EqualTo("model"));
        Assert.That(good.GetProperty("status").GetString(), Is.EqualTo("success"));
        Assert.That(good.GetProperty("level").GetString(), Is.EqualTo("info"));
        Assert.That(good.GetProperty("elapsed").GetDouble(), Is.GreaterThanOrEqualTo(0));
        Assert.That(good.GetProperty("timing").EnumerateArray().Select(t => t.GetProperty("name").GetString()), Is.EqualTo(new[] { "compile", "execute" }));
        Assert.That(good.TryGetProperty("message", out _), Is.False, "a success has nothing to explain");
        Assert.That(good.GetProperty("index").GetInt32(), Is.InRange(1, 4));
        Assert.That(good.GetProperty("total").GetInt32(), Is.EqualTo(4));

        var bad = finished["bad"];
        Assert.That((bad.GetProperty("status").GetString(), bad.GetProperty("level").GetString()), Is.EqualTo(("error", "error")));
        Assert.That(bad.GetProperty("message").GetString(), Does.Contain("models/bad.sql: database error: ").And.Contain("'not a number'"));
        Assert.That(finished["after_bad"].GetProperty("status").GetString(), Is.EqualTo("skipped"));
        var warned = finished.Values.Single(e => e.GetProperty("resource_type").GetString() == "test");
        Assert.That((warned.GetProperty("status").GetString(), warned.GetProperty("level").GetString()), Is.EqualTo(("warn", "warn")));

        var summary = events.Last();
        Assert.That(Event(summary), Is.EqualTo("run_finished"));
        Assert.That(summary.GetProperty("msg").GetString(), Is.EqualTo("Done. PASS=1 WARN=1 ERROR=1 SKIP=1 TOTAL=4"));
        Assert.That(summary.GetProperty("exit_code").GetInt32(), Is.EqualTo(1));
        Assert.That(summary.GetProperty("level").GetString(), Is.EqualTo("error"));
        Assert.That((summary.GetProperty("pass").GetInt32(), summary.GetProperty("error").GetInt32(), summary.GetProperty("skip").GetInt32()), Is.EqualTo((1, 1, 1)));
    }

    [Test]
    public void A_user_error_and_plain_messages_are_events_too()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "select 1 as x, {{ ref('missing') }}");
        var r = p.Run("run", "--log-format", "json");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var error = Events(r).Single(e => e.GetProperty("level").GetString() == "error");
        Assert.That(Event(error), Is.EqualTo("error"));
        Assert.That(error.GetProperty("msg").GetString(), Does.StartWith("models/a.sql:1:"));

        using var ok = new TestProject();
        var parse = ok.Run("parse", "--log-format", "json");
        Assert.That(parse.ExitCode, Is.Zero, parse.ToString());
        Assert.That(Events(parse).Select(Event), Has.All.EqualTo("message"));

        var quiet = p.Run("run", "--log-format", "json", "--quiet");
        Assert.That(Events(quiet).Select(Event), Is.EqualTo(new[] { "error" }), "--quiet keeps errors");
    }
}
