using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Xform.Cli;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>
/// <c>xform compile -s state:modified+ --defer --favor-state --state ...</c> on Snowflake: a pull request's models, compiled
/// for its own database and schema, read the unchanged models from production as <c>DATABASE.SCHEMA.NAME</c>. Golden files
/// under <c>GoldenDefer/</c> (regenerate with <c>XFORM_UPDATE_GOLDEN=1 dotnet test tests/Xform.Adapters.Snowflake.Tests
/// --filter DeferCompileGolden</c>). No request leaves the machine: a loopback socket stands where Snowflake would be.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DeferCompileGoldenTests
{
    static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    static string Output(string name, string database, string schema, int port) => $"""
            {name}:
              type: snowflake
              account: xy12345.us-east-1
              user: xform_ci
              role: transformer
              warehouse: transforming
              database: {database}
              schema: {schema}
              private_key_path: keys/absent.p8
              protocol: http
              host: 127.0.0.1
              port: {port}

        """;

    [Test]
    public void A_pull_request_reads_unchanged_models_from_production_by_database_schema_and_name()
    {
        var dir = Directory.CreateTempSubdirectory("xform-sf-defer-").FullName;
        var sentinel = new TcpListener(IPAddress.Loopback, 0);
        sentinel.Start();
        try
        {
            var port = ((IPEndPoint)sentinel.LocalEndpoint).Port;
            void Write(string path, string text)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
                File.WriteAllText(Path.Combine(dir, path), text);
            }
            string Run(params string[] args)
            {
                var stdout = new StringWriter();
                var stderr = new StringWriter();
                var code = XformCli.Run([.. args, "--project-dir", dir], stdout, stderr);
                var all = $"exit {code}\n{stdout}\n{stderr}";
                Assert.That(code, Is.Zero, all);
                return all;
            }
            Write("project.yml", "name: shop\nprofile: shop\n");
            Write("profiles.yml", "shop:\n  target: prod\n  outputs:\n" +
                string.Concat(Output("prod", "analytics", "retail", port).Split('\n').Select(l => "    " + l + "\n")) +
                string.Concat(Output("ci", "analytics_ci", "pr_42", port).Split('\n').Select(l => "    " + l + "\n")));
            Write("seeds/customers.csv", "id,name\n1,Ann\n");
            Write("models/stg_orders.sql", "select 1 as order_id, 1 as customer_id, 10 as amount\n");
            Write("models/int_totals.sql", "{{ config(materialized='table') }}\nselect customer_id, sum(amount) as revenue from {{ ref('stg_orders') }} group by customer_id\n");
            Write("models/fct_customers.sql", "{{ config(materialized='table') }}\nselect c.id, c.name, t.revenue\nfrom {{ ref('customers') }} c\n" +
                                              "left join {{ ref('int_totals') }} t on t.customer_id = c.id\n");
            Run("compile", "-t", "prod");
            Directory.CreateDirectory(Path.Combine(dir, "prod-artifacts"));
            File.Copy(Path.Combine(dir, "target", "manifest.json"), Path.Combine(dir, "prod-artifacts", "manifest.json"));

            Write("models/int_totals.sql", "{{ config(materialized='table') }}\nselect customer_id, sum(amount) as revenue from {{ ref('stg_orders') }} where amount > 0 group by customer_id\n");
            Directory.Delete(Path.Combine(dir, "target", "compiled"), recursive: true);
            Run("compile", "-t", "ci", "-s", "state:modified+", "--defer", "--favor-state", "--state", Path.Combine(dir, "prod-artifacts"));
            Assert.That(sentinel.Pending(), Is.False, "compiling with --favor-state asks nothing of Snowflake");

            var compiled = Path.Combine(dir, "target", "compiled", "shop", "models");
            Assert.That(Directory.EnumerateFiles(compiled).Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Is.EqualTo(new[] { "fct_customers.sql", "int_totals.sql" }), "only the pull request's models");
            foreach (var name in new[] { "int_totals.sql", "fct_customers.sql" })
            {
                var sql = File.ReadAllText(Path.Combine(compiled, name)).Replace("\r\n", "\n").TrimEnd() + "\n";
                var golden = Path.Combine(SourceDirectory(), "GoldenDefer", name);
                if (Environment.GetEnvironmentVariable("XFORM_UPDATE_GOLDEN") is "1" or "true") File.WriteAllText(golden, sql);
                Assert.That(sql, Is.EqualTo(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "GoldenDefer", name))), name);
            }
        }
        finally
        {
            sentinel.Stop();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
