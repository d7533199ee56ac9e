using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Adapters.Snowflake.Tests;

public class JsonV2Tests
{
    static SnowflakeColumn Col(string type, int? scale = null) => new("c", type, 38, scale, null, true);

    [Test]
    public void Every_documented_type_decodes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(JsonV2.Decode("123", Col("fixed", 0)), Is.EqualTo(123L));
            Assert.That(JsonV2.Decode("-99999999999999999999", Col("fixed", 0)), Is.EqualTo(-99999999999999999999m));
            Assert.That(JsonV2.Decode("1.50", Col("fixed", 2)), Is.EqualTo(1.50m));
            Assert.That(JsonV2.Decode("1.5e3", Col("real")), Is.EqualTo(1500.0));
            Assert.That(JsonV2.Decode("héllo", Col("text")), Is.EqualTo("héllo"));
            Assert.That(JsonV2.Decode("true", Col("boolean")), Is.EqualTo(true));
            Assert.That(JsonV2.Decode("false", Col("boolean")), Is.EqualTo(false));
            Assert.That(JsonV2.Decode("18262", Col("date")), Is.EqualTo(new DateOnly(2020, 1, 1)));
            Assert.That(JsonV2.Decode("-1", Col("date")), Is.EqualTo(new DateOnly(1969, 12, 31)));
            Assert.That(JsonV2.Decode("3723.500000000", Col("time")), Is.EqualTo(new TimeOnly(1, 2, 3, 500)));
            Assert.That(JsonV2.Decode("1577836800.123456789", Col("timestamp_ntz")), Is.EqualTo(new DateTime(2020, 1, 1).AddTicks(1234567)));
            Assert.That(JsonV2.Decode("1577836800.000000000", Col("timestamp_ltz")), Is.EqualTo(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)));
            var tz = (DateTimeOffset)JsonV2.Decode("1577836800.000000000 1500", Col("timestamp_tz"))!;
            Assert.That(tz.Offset, Is.EqualTo(TimeSpan.FromHours(1)), "offset in minutes plus 1440");
            Assert.That(tz.UtcDateTime, Is.EqualTo(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(((DateTimeOffset)JsonV2.Decode("1577836800.000000000 960", Col("timestamp_tz"))!).Offset, Is.EqualTo(TimeSpan.FromHours(-8)));
            Assert.That(JsonV2.Decode(null, Col("fixed")), Is.Null);
            Assert.That(JsonV2.Decode("{\"a\":1}", Col("variant")), Is.EqualTo("{\"a\":1}"));
        });
    }
}

public class NamesAndDialectTests
{
    [TestCase("stg_orders", "\"STG_ORDERS\"")]
    [TestCase("Orders", "\"ORDERS\"")]
    [TestCase("order", "\"ORDER\"")]
    [TestCase("Order Lines", "\"Order Lines\"")]
    [TestCase("mixedCase-1", "\"mixedCase-1\"")]
    [TestCase("a\"b", "\"a\"\"b\"")]
    public void Plain_names_fold_to_upper_case_and_others_are_quoted_exactly(string name, string quoted) =>
        Assert.That(SnowflakeNames.Quote(name), Is.EqualTo(quoted));

    [Test]
    public void Statements_split_outside_strings_comments_and_dollar_blocks()
    {
        var parts = SnowflakeNames.SplitStatements("select 'a;b' as \"x;y\"; -- c;d\nselect $$e;f$$ /* g; */;\n;  ");
        Assert.That(parts, Has.Count.EqualTo(2));
        Assert.That(parts[1], Does.StartWith("-- c;d\nselect $$e;f$$"));
    }

    static readonly RelationName Rel = new("analytics", "marts", "fct_orders");
    readonly SnowflakeDialect _dialect = new();

    [Test]
    public void A_table_is_replaced_in_one_atomic_statement()
    {
        Assert.That(_dialect.BuildTable(Rel, "select 1", RelationKind.Table),
            Is.EqualTo(new[] { "create or replace transient table \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\" as (\nselect 1\n)" }));
        Assert.That(_dialect.BuildTable(Rel, "select 1", RelationKind.View), Has.Count.EqualTo(3));
    }

    [Test]
    public void Renames_are_fully_qualified()
    {
        Assert.That(_dialect.Rename(Rel with { Identifier = "fct_orders__xform_tmp" }, "fct_orders", RelationKind.Table),
            Is.EqualTo("alter table \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS__XFORM_TMP\" rename to \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\""));
        Assert.That(_dialect.SwapIn(Rel with { Identifier = "t" }, Rel, RelationKind.Table)[0], Does.Contain("swap with"));
    }

    [Test]
    public void Incremental_statements_use_snowflake_syntax()
    {
        var input = new IncrementalStatementsInput(Rel, "fct_orders__dbt_tmp", ["id", "amount"], ["id"], ["amount"], ["DBT_INTERNAL_DEST.day > '2020-01-01'"], "day");
        var merge = _dialect.Merge(input).Single();
        Assert.That(merge, Does.StartWith("merge into \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\" as DBT_INTERNAL_DEST\nusing \"FCT_ORDERS__DBT_TMP\" as DBT_INTERNAL_SOURCE"));
        var deleteInsert = _dialect.DeleteInsert(input);
        Assert.That(deleteInsert[0], Does.Contain("using \"FCT_ORDERS__DBT_TMP\" as DBT_INTERNAL_SOURCE\nwhere DBT_INTERNAL_SOURCE.\"ID\" = DBT_INTERNAL_DEST.\"ID\""));
        Assert.That(_dialect.CreateTempTableAs("x", "select 1"), Does.StartWith("create or replace temporary table \"X\""));
    }

    [Test]
    public void Empty_inputs_are_unaliased_subqueries_as_in_dbt_snowflake() =>
        Assert.That(_dialect.EmptySubquery("\"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\"", "fct_orders"),
            Is.EqualTo("(select * from \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\" where false limit 0)"));

    [Test]
    public void Comments_escape_quotes_and_backslashes_and_views_take_column_comments_by_alter_view()
    {
        Assert.That(_dialect.CommentOnRelation(Rel, RelationKind.Table, "it's a \\ path"),
            Is.EqualTo("comment on table \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\" is 'it''s a \\\\ path'"));
        Assert.That(_dialect.CommentOnRelation(Rel, RelationKind.View, "v"), Does.StartWith("comment on view "));
        Assert.That(_dialect.CommentOnColumn(Rel, RelationKind.Table, "ID", "the id"),
            Is.EqualTo("comment on column \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\".\"ID\" is 'the id'"));
        Assert.That(_dialect.CommentOnColumn(Rel, RelationKind.View, "ID", "the id"),
            Is.EqualTo("alter view \"ANALYTICS\".\"MARTS\".\"FCT_ORDERS\" alter column \"ID\" comment 'the id'"));
    }
}

public class SettingsTests
{
    static TargetConfig Target(params (string Key, object? Value)[] settings)
    {
        var all = new Dictionary<string, object?> { ["type"] = "snowflake", ["account"] = "xy12345", ["user"] = "u", ["database"] = "db", ["private_key_path"] = "k.p8" };
        foreach (var (k, v) in settings) all[k] = v;
        return new TargetConfig("p", "dev", "snowflake", "public", "db", 1, all);
    }

    [Test]
    public void Defaults_point_at_the_account_host()
    {
        var s = SnowflakeSettings.From(Target(), "/proj");
        Assert.That(s.BaseUri.ToString(), Is.EqualTo("https://xy12345.snowflakecomputing.com/"));
        Assert.That(s.PrivateKeyPath, Is.EqualTo(Path.GetFullPath("/proj/k.p8")));
        Assert.That(s.Retries, Is.EqualTo(5));
    }

    [Test]
    public void Host_port_and_protocol_can_be_overridden()
    {
        var s = SnowflakeSettings.From(Target(("host", "127.0.0.1"), ("port", "8080"), ("protocol", "http")), "/proj");
        Assert.That(s.BaseUri.ToString(), Is.EqualTo("http://127.0.0.1:8080/"));
    }

    [TestCase("account", null, "needs 'account'")]
    [TestCase("password", "x", "does not accept passwords")]
    [TestCase("authenticator", "externalbrowser", "must be jwt, oauth or pat")]
    [TestCase("retries", "-1", "'retries'")]
    [TestCase("warehose", "wh", "unknown key 'warehose'")]
    public void Bad_profiles_get_clear_errors(string key, string? value, string expected)
    {
        var e = Assert.Throws<XformException>(() => SnowflakeSettings.From(Target((key, value)), "/proj"))!;
        Assert.That(e.Message, Does.Contain(expected));
    }

    [Test]
    public void Tokens_are_required_for_oauth_and_pat_and_never_described()
    {
        Assert.Throws<XformException>(() => SnowflakeSettings.From(Target(("authenticator", "oauth"), ("private_key_path", null)), "/p"));
        var s = SnowflakeSettings.From(Target(("authenticator", "pat"), ("token", "very-secret"), ("private_key_path", null)), "/p");
        Assert.That(s.Describe(), Does.Not.Contain("very-secret"));
    }

    [Test]
    public void Target_fields_are_the_connections_and_hold_no_secret()
    {
        var s = SnowflakeSettings.From(Target(("warehouse", "transforming"), ("role", "transformer"), ("authenticator", "oauth"), ("token", "very-secret"),
            ("private_key_path", null)), "/p");
        var fields = s.TargetFields();
        Assert.That(fields["account"], Is.EqualTo("xy12345"));
        Assert.That(fields["database"], Is.EqualTo("db"));
        Assert.That(fields["warehouse"], Is.EqualTo("transforming"));
        Assert.That(fields["role"], Is.EqualTo("transformer"));
        Assert.That(fields["schema"], Is.EqualTo("public"));
        Assert.That(fields["authenticator"], Is.EqualTo("oauth"));
        Assert.That(fields["host"], Is.EqualTo("xy12345.snowflakecomputing.com"));
        Assert.That(fields["port"], Is.EqualTo(443L));
        Assert.That(fields.Values, Has.None.EqualTo("very-secret"));
        Assert.That(fields.Keys, Has.None.Contains("token").And.None.Contains("private_key"));
    }

    [TestCase("xy12345.us-east-1", "XY12345")]
    [TestCase("myorg-myaccount", "MYORG-MYACCOUNT")]
    [TestCase("xy12345-eu.global", "XY12345")]
    public void The_jwt_account_is_the_locator_in_upper_case(string account, string expected) =>
        Assert.That(KeyPairJwt.AccountForClaims(account), Is.EqualTo(expected));

    [Test]
    public void Secrets_are_not_in_the_settings_text()
    {
        var s = SnowflakeSettings.From(Target(("private_key_path", null), ("private_key", "-----BEGIN PRIVATE KEY-----KEYMATERIAL"),
            ("private_key_passphrase", "pass-phrase")), "/p");
        var t = SnowflakeSettings.From(Target(("authenticator", "oauth"), ("token", "very-secret"), ("private_key_path", null)), "/p");
        Assert.That(s.ToString() + t.ToString() + $"{s}", Does.Not.Contain("KEYMATERIAL").And.Not.Contain("pass-phrase").And.Not.Contain("very-secret"));
        Assert.That(s.ToString(), Is.EqualTo(s.Describe()));
    }
}
