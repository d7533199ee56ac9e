using System.Globalization;
using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Execution;

namespace Xform.Adapters.DuckDb.Tests.Seeds;

public class SeedInferenceTests : SeedFixture
{
    [Test]
    public void Infers_each_type_over_all_rows_and_creates_the_table_with_it()
    {
        Load("kinds",
            "id,amount,flag,day,at,name,nothing,at_t\n" +
            "1,12.50,true,2024-01-31,2024-01-31 10:00:00,alpha,,2024-01-31T10:00:00.123\n" +
            "2,-3.125,FALSE,2024-02-29,2024-02-29 23:59:59.5,beta,,2024-02-01T00:00:00\n" +
            "-30,100,True,1999-12-31,2024-03-01,7,,2024-02-01 01:02:03.456789\n");
        Assert.That(ColumnTypes("kinds"), Is.EqualTo(new[]
        {
            ("id", "BIGINT"), ("amount", "DECIMAL(6,3)"), ("flag", "BOOLEAN"), ("day", "DATE"), ("at", "TIMESTAMP"),
            ("name", "VARCHAR"), ("nothing", "VARCHAR"), ("at_t", "TIMESTAMP"),
        }));
        var row = Query("select id, amount, flag, day, \"at\", name, nothing, at_t from kinds order by id").Rows[0];
        Assert.That(row[0], Is.EqualTo(-30L));
        Assert.That(row[1], Is.EqualTo(100m));
        Assert.That(row[2], Is.EqualTo(true));
        Assert.That(row[4], Is.EqualTo(new DateTime(2024, 3, 1)));
        Assert.That(row[5], Is.EqualTo("7"));
        Assert.That(row[6], Is.Null);
        Assert.That(Scalar("select strftime(at_t, '%Y-%m-%d %H:%M:%S.%f') from kinds where id = 1"), Is.EqualTo("2024-01-31 10:00:00.123000"));
    }

    [TestCase("1\n2\n3", "BIGINT")]
    [TestCase("1\n2.5\n3", "DECIMAL(2,1)")]
    [TestCase("0.001\n-12", "DECIMAL(5,3)")]
    [TestCase("9223372036854775807\n1", "BIGINT")]
    [TestCase("9223372036854775808\n1", "DECIMAL(19,0)")]
    [TestCase("1\nabc", "VARCHAR")]
    [TestCase("1\ntrue", "VARCHAR")]
    [TestCase("1e5\n2", "VARCHAR")]
    [TestCase(".5\n2", "VARCHAR")]
    [TestCase("true\nfalse\nTRUE", "BOOLEAN")]
    [TestCase("yes\nno", "VARCHAR")]
    [TestCase("2024-01-01\n2024-01-01 12:00:00", "TIMESTAMP")]
    [TestCase("2024-02-30\n2024-01-01", "VARCHAR")]
    [TestCase("2024-01-01\n20240101", "VARCHAR")]
    [TestCase("2024-01-01 24:00:00", "VARCHAR")]
    [TestCase("2024-01-01 10:00:00+02:00", "VARCHAR")]
    [TestCase("2024-01-01 10:00:00.1234567", "VARCHAR")]
    [TestCase("\"12\"\n3", "BIGINT")]
    [TestCase("\n\n", "VARCHAR")]
    public void Infers_one_type_for_a_whole_column(string values, string expected)
    {
        Load("one", "v,k\n" + string.Join("\n", values.Split('\n').Select(v => v + ",x")) + "\n");
        Assert.That(ColumnTypes("one")[0], Is.EqualTo(("v", expected)));
    }

    [Test]
    public void The_last_row_decides_too()
    {
        var csv = new StringBuilder("n\n");
        for (var i = 0; i < 50_000; i++) csv.Append(i).Append('\n');
        csv.Append("oops\n");
        Load("late", csv.ToString());
        Assert.That(ColumnTypes("late")[0].Type, Is.EqualTo("VARCHAR"));
        Assert.That(Scalar("select count(*) from late"), Is.EqualTo(50_001L));
    }

    [Test]
    public void Empty_fields_quoted_or_not_are_null_in_every_type()
    {
        Load("gaps",
            "i,d,b,day,ts,t\n" +
            "1,1.5,true,2024-01-01,2024-01-01 00:00:00,x\n" +
            ",,,,,\n" +
            "\"\",\"\",\"\",\"\",\"\",\"\"\n");
        Assert.That(ColumnTypes("gaps").Select(c => c.Type),
            Is.EqualTo(new[] { "BIGINT", "DECIMAL(2,1)", "BOOLEAN", "DATE", "TIMESTAMP", "VARCHAR" }));
        Assert.That(Scalar("select count(*) from gaps where i is null and d is null and b is null and day is null and ts is null and t is null"),
            Is.EqualTo(2L));
    }

    [Test]
    public void Decimals_are_exact_with_a_precision_that_fits_every_value()
    {
        var csv = new StringBuilder("amount\n");
        var expected = 0m;
        for (var i = 1; i <= 3000; i++)
        {
            var v = i * 0.01m + (i % 7 == 0 ? 0.001m : 0m) - (i % 2 == 0 ? 10m : 0m);
            expected += v;
            csv.Append(v.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        csv.Append("123456789012345.678\n");
        expected += 123456789012345.678m;
        Load("money", csv.ToString());
        Assert.That(ColumnTypes("money")[0].Type, Is.EqualTo("DECIMAL(18,3)"));
        // compared as text: any float step on the way would show in the last digits
        Assert.That(Scalar("select sum(amount)::varchar from money"), Is.EqualTo(expected.ToString("0.000", CultureInfo.InvariantCulture)));
        Assert.That(Scalar("select amount::varchar from money where amount > 1000000"), Is.EqualTo("123456789012345.678"));
    }

    [Test]
    public void Decimals_wider_than_38_digits_stay_text_rather_than_lose_digits()
    {
        var wide = "1234567890123456789012345678901234567890.5";
        Load("wide", $"v\n{wide}\n1\n");
        Assert.That(ColumnTypes("wide")[0].Type, Is.EqualTo("VARCHAR"));
        Assert.That(Scalar("select v from wide where v <> '1'"), Is.EqualTo(wide));
    }
}

public class SeedConfigTests : SeedFixture
{
    [Test]
    public void Column_types_override_inference()
    {
        Load("codes", "code,amount,n\n007,1.5,1\n010,2,2\n",
            Config(("column_types", Types(("code", "varchar"), ("amount", "decimal(10,2)"), ("n", "integer")))));
        Assert.That(ColumnTypes("codes"), Is.EqualTo(new[] { ("code", "VARCHAR"), ("amount", "DECIMAL(10,2)"), ("n", "INTEGER") }));
        Assert.That(Query("select code from codes order by code").Rows.Select(r => r[0]), Is.EqualTo(new[] { "007", "010" }));
        Assert.That(Scalar("select sum(amount)::varchar from codes"), Is.EqualTo("3.50"));
    }

    [Test]
    public void Column_types_naming_a_missing_column_says_which_is_closest()
    {
        var message = LoadFails("codes", "code,amount\n1,2\n", Config(("column_types", Types(("amout", "decimal(10,2)")))));
        Assert.That(message, Is.EqualTo(
            "seeds/codes.csv:1:1: error: column_types names a column 'amout' that is not in the header of seeds/codes.csv. Did you mean 'amount'?"));
    }

    [Test]
    public void Column_types_an_engine_type_xform_does_not_check_is_left_to_duckdb()
    {
        Load("ids", "id\n3f0e6a9c-3b0d-4c5e-9d1f-2a4b6c8d0e1f\n", Config(("column_types", Types(("id", "uuid")))));
        Assert.That(ColumnTypes("ids")[0].Type, Is.EqualTo("UUID"));
        Assert.Throws<DatabaseException>(() => Load("ids2", "id\nnot-a-uuid\n", Config(("column_types", Types(("id", "uuid"))))));
    }

    [TestCase(";")]
    [TestCase("|")]
    [TestCase("\t")]
    public void Delimiter_from_config(string delimiter)
    {
        var d = delimiter;
        Load("delimited", $"id{d}name{d}price\n1{d}a,b{d}1.25\n2{d}\"x{d}y\"{d}2\n", Config(("delimiter", delimiter)));
        Assert.That(ColumnTypes("delimited"), Is.EqualTo(new[] { ("id", "BIGINT"), ("name", "VARCHAR"), ("price", "DECIMAL(3,2)") }));
        Assert.That(Query("select name from delimited order by id").Rows.Select(r => r[0]), Is.EqualTo(new[] { "a,b", $"x{d}y" }));
    }

    [Test]
    public void A_comma_file_read_with_a_semicolon_delimiter_is_one_column()
    {
        Load("onecol", "a,b\n1,2\n", Config(("delimiter", ";")));
        Assert.That(ColumnTypes("onecol"), Is.EqualTo(new[] { ("a,b", "VARCHAR") }));
    }

    [Test]
    public void Odd_header_names_work_because_columns_are_quoted()
    {
        Load("odd", "order id,\"Total, EUR\",select,\"say \"\"hi\"\"\"\n1,2,3,4\n");
        Assert.That(ColumnTypes("odd").Select(c => c.Name), Is.EqualTo(new[] { "order id", "Total, EUR", "select", "say \"hi\"" }));
    }

    [Test]
    public void Quote_columns_false_writes_names_as_they_are()
    {
        var sql = Load("plain", "id,name\n1,a\n", Config(("quote_columns", false)));
        Assert.That(sql, Does.Contain("(id bigint, name varchar)"));
        Assert.That(Assert.Throws<DatabaseException>(() => Load("plain2", "order id\n1\n", Config(("quote_columns", false)))), Is.Not.Null);
    }
}

public class SeedCsvSyntaxTests : SeedFixture
{
    [Test]
    public void Quoted_fields_hold_delimiters_doubled_quotes_and_line_breaks()
    {
        Load("quoted",
            "id,text,n\r\n" +
            "1,\"a, b\",10\r\n" +
            "2,\"she said \"\"hi\"\"\",20\r\n" +
            "3,\"two\nlines\",30\r\n" +
            "4,\"crlf\r\ninside\",40\r\n" +
            "5,plain,50\r\n");
        Assert.That(ColumnTypes("quoted"), Is.EqualTo(new[] { ("id", "BIGINT"), ("text", "VARCHAR"), ("n", "BIGINT") }));
        Assert.That(Query("select text from quoted order by id").Rows.Select(r => r[0]),
            Is.EqualTo(new[] { "a, b", "she said \"hi\"", "two\nlines", "crlf\r\ninside", "plain" }));
        Assert.That(Scalar("select sum(n)::bigint from quoted"), Is.EqualTo(150L));
    }

    [Test]
    public void Byte_order_mark_is_not_part_of_the_first_column_name()
    {
        Load("bom", "id,name\n1,é\n2,日本\n", bom: true);
        Assert.That(ColumnTypes("bom"), Is.EqualTo(new[] { ("id", "BIGINT"), ("name", "VARCHAR") }));
        Assert.That(Scalar("select name from bom where id = 2"), Is.EqualTo("日本"));
    }

    [Test]
    public void Last_line_without_a_line_break_and_blank_lines_between_rows()
    {
        Load("tail", "id,v\n1,a\n\n2,b\n\n3,c");
        Assert.That(Query("select id, v from tail order by id").Rows.Select(r => $"{r[0]}{r[1]}"), Is.EqualTo(new[] { "1a", "2b", "3c" }));
    }

    [Test]
    public void In_a_one_column_file_a_blank_line_is_a_null_value()
    {
        Load("single", "v\n1\n\n2\n\n");
        Assert.That(Query("select v from single").Rows.Select(r => r[0]), Is.EqualTo(new object?[] { 1L, null, 2L, null }));
    }

    [Test]
    public void Rows_spread_over_a_reader_buffer_boundary_load_whole()
    {
        var csv = new StringBuilder("id,text\n");
        var text = "\"" + new string('x', 3000) + "\n" + new string('y', 3000) + "\"";
        for (var i = 0; i < 2000; i++) csv.Append(i).Append(',').Append(text).Append('\n');
        Load("long", csv.ToString());
        Assert.That(Scalar("select count(*) from long where length(text) = 6001"), Is.EqualTo(2000L));
    }
}

public class SeedErrorTests : SeedFixture
{
    [Test]
    public void Row_with_too_few_fields_points_past_its_last_field()
    {
        Assert.That(LoadFails("bad", "a,b,c,d\n1,2,3,4\n1,2,3\n"),
            Is.EqualTo("seeds/bad.csv:3:6: error: row has 3 fields but the header has 4"));
    }

    [Test]
    public void Row_with_too_many_fields_points_at_the_first_extra_one()
    {
        Assert.That(LoadFails("bad", "a,b\n1,2\n\"x,\ny\",2,three\n"),
            Is.EqualTo("seeds/bad.csv:4:6: error: row has 3 fields but the header has 2"));
    }

    [Test]
    public void Bad_value_for_a_declared_type_names_value_column_and_type()
    {
        var config = Config(("column_types", Types(("amount", "decimal(10,2)"))));
        Assert.That(LoadFails("pay", "id,amount\n1,2.50\n2,abc\n", config),
            Is.EqualTo("seeds/pay.csv:3:3: error: 'abc' in column 'amount' is not a valid decimal(10,2)"));
        Assert.That(LoadFails("pay", "id,amount\n1,2.505\n", config),
            Is.EqualTo("seeds/pay.csv:2:3: error: '2.505' in column 'amount' is not a valid decimal(10,2)"));
        Assert.That(LoadFails("pay", "id,amount\n1,123456789.5\n", config),
            Is.EqualTo("seeds/pay.csv:2:3: error: '123456789.5' in column 'amount' is not a valid decimal(10,2)"));
    }

    [TestCase("smallint", "40000")]
    [TestCase("integer", "1.5")]
    [TestCase("bigint", "99999999999999999999")]
    [TestCase("date", "2024-13-01")]
    [TestCase("timestamp", "yesterday")]
    [TestCase("boolean", "maybe")]
    [TestCase("double", "1,5")]
    public void Bad_value_for_each_checked_type(string type, string value)
    {
        Assert.That(LoadFails("typed", $"v\n\"{value}\"\n", Config(("column_types", Types(("v", type))))),
            Is.EqualTo($"seeds/typed.csv:2:1: error: '{value}' in column 'v' is not a valid {type}"));
    }

    [Test]
    public void Column_is_counted_in_characters_not_bytes()
    {
        var config = Config(("column_types", Types(("n", "integer"))));
        Assert.That(LoadFails("wide", "name,n\nΩmega 日本,x\n", config),
            Is.EqualTo("seeds/wide.csv:2:10: error: 'x' in column 'n' is not a valid integer"));
    }

    [Test]
    public void Header_with_a_duplicate_or_an_empty_name()
    {
        Assert.That(LoadFails("hdr", "id,name,ID\n1,2,3\n"),
            Is.EqualTo("seeds/hdr.csv:1:9: error: the header names column 'ID' twice (columns 1 and 3); column names must be unique"));
        Assert.That(LoadFails("hdr", "id,,name\n1,2,3\n"),
            Is.EqualTo("seeds/hdr.csv:1:4: error: column 2 of the header has no name; every column needs one"));
    }

    [Test]
    public void Empty_file_and_malformed_quotes()
    {
        Assert.That(LoadFails("empty", ""),
            Is.EqualTo("seeds/empty.csv:1:1: error: the seed file is empty; its first line must be a header naming the columns"));
        Assert.That(LoadFails("q", "a,b\n1,\"open\n2,3\n"),
            Is.EqualTo("seeds/q.csv:2:3: error: this quoted field is never closed: a '\"' is missing (a quote inside a quoted field is written '\"\"')"));
        Assert.That(LoadFails("q", "a,b\n1,\"x\"y\n"),
            Is.EqualTo("seeds/q.csv:2:6: error: unexpected 'y' after the closing quote of a field; expected ',' or the end of the line"));
        Assert.That(LoadFails("q", "a,b\n1,x\"y\n"),
            Is.EqualTo("seeds/q.csv:2:4: error: unexpected '\"' inside an unquoted field; quote the whole field and double the quotes inside it"));
    }

    [Test]
    public void Blank_lines_before_the_header_and_invalid_utf8()
    {
        Assert.That(LoadFails("lead", "\nid,v\n1,a\n"),
            Is.EqualTo("seeds/lead.csv:1:1: error: the first line must be the header naming the columns; remove the blank lines before it"));
        var path = Write("latin1", "id,name\n1,x\n");
        File.WriteAllBytes(path, [.. File.ReadAllBytes(path), .. "2,caf"u8.ToArray(), 0xE9, (byte)'\n']);
        using var connection = Adapter.Open();
        var e = Assert.Throws<Xform.Core.Diagnostics.XformException>(() => SeedLoader.Load(Adapter, connection, SeedNode("latin1"), path, null))!;
        Assert.That(e.Format(), Is.EqualTo("seeds/latin1.csv:3:3: error: the value in column 'name' is not valid UTF-8; save the file as UTF-8"));
    }

    [Test]
    public void A_nul_byte_is_refused_at_its_own_line_and_column()
    {
        const string Why = "holds a NUL byte (\\0), which PostgreSQL cannot store and other engines may cut the text at; remove it from the file";
        Assert.That(LoadFails("nul", "id,name\n1,ab\0c\n"), Is.EqualTo($"seeds/nul.csv:2:5: error: the value in column 'name' {Why}"));
        Assert.That(LoadFails("nul", "id,name\n1,\"line one\nline\0 two\"\n"), Is.EqualTo($"seeds/nul.csv:3:5: error: the value in column 'name' {Why}"),
            "inside a quoted field that spans lines");
        Assert.That(LoadFails("nul", "id,name\n1,\0\n", Config(("column_types", Types(("name", "varchar"))))),
            Is.EqualTo($"seeds/nul.csv:2:3: error: the value in column 'name' {Why}"), "a column declared as text");
        Assert.That(LoadFails("nul", "id,na\0me\n1,a\n"), Is.EqualTo("seeds/nul.csv:1:6: error: column 2 of the header holds a NUL byte (\\0); remove it from the file"));
    }

    [Test]
    public void A_failed_reload_leaves_the_previous_table_intact()
    {
        Load("keep", "id,name\n1,a\n2,b\n");
        var message = LoadFails("keep", "id,name\n1,a\n2,b,c\n", existing: RelationKind.Table);
        Assert.That(message, Does.StartWith("seeds/keep.csv:3:"));
        Assert.That(Query("select id, name from keep order by id").Rows.Select(r => $"{r[0]}{r[1]}"), Is.EqualTo(new[] { "1a", "2b" }));
        Assert.That(Scalar("select count(*) from information_schema.tables where table_name like '%xform_tmp%'"), Is.EqualTo(0L));

        // a failure inside DuckDB (a type only it checks) rolls back too
        Assert.Throws<DatabaseException>(() =>
            Load("keep", "id,name\n1,nope\n", Config(("column_types", Types(("name", "uuid")))), RelationKind.Table));
        Assert.That(Scalar("select count(*) from keep"), Is.EqualTo(2L));
        Assert.That(Scalar("select count(*) from information_schema.tables where table_name like '%xform_tmp%'"), Is.EqualTo(0L));
    }

    [Test]
    public void A_full_reload_replaces_rows_and_columns()
    {
        Load("swap", "id,name\n1,a\n2,b\n");
        Load("swap", "id,amount,day\n10,1.5,2024-01-01\n", existing: RelationKind.Table);
        Assert.That(ColumnTypes("swap"), Is.EqualTo(new[] { ("id", "BIGINT"), ("amount", "DECIMAL(2,1)"), ("day", "DATE") }));
        Assert.That(Query("select id from swap").Rows.Select(r => r[0]), Is.EqualTo(new[] { 10L }));
    }

    [Test]
    public void A_view_of_the_same_name_is_replaced()
    {
        using (var c = Adapter.Open()) c.Execute("create view vw as select 1 as x");
        Load("vw", "id\n5\n", existing: RelationKind.View);
        Assert.That(Scalar("select table_type from information_schema.tables where table_name = 'vw'"), Is.EqualTo("BASE TABLE"));
        Assert.That(Scalar("select id from vw"), Is.EqualTo(5L));
    }
}

