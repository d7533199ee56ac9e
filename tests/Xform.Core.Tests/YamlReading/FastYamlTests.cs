using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.YamlReading;

namespace Xform.Core.Tests.YamlReading;

/// <summary>
/// FastYaml must build exactly YamlDotNet's tree (values, styles, positions) for what it accepts, and leave
/// everything else, errors above all, to YamlDotNet.
/// </summary>
public class FastYamlTests
{
    /// <summary>Texts the fast reader must accept (and agree on).</summary>
    static readonly string[] Accepted =
    [
        "version: 2\nmodels:\n  - name: a\n    description: x\n",
        "version: 2\n\nmodels:\n  - name: int_customers_04500\n    description: >\n      Synthetic intermediate model for the customers domain (view).\n      Reads int_payments_04489 and stg_payments_00564.\n    columns:\n      - name: id\n        description: Surrogate key of the row.\n      - name: amount\n        description: \"Amount after the macro, in currency units.\"\n",
        "# head\nversion: 2 # trailing\nmodels: # list\n  # inside\n  - name: a # n\n    description: \"x # not comment\"\n    tags: [a, b]   # c\n",
        "models:\n- name: a\n  columns:\n  - name: id\n    tests:\n    - unique\n    - not_null\n- name: b\n",
        "a: 'it''s'\nb: \"q \\\" \\\\ \\n \\t\"\nc: ''\nd: \"\"\n",
        "a: |\n  line one\n    indented\n  line three\n\nb: >-\n  folded\n  text\n\n  para\nc: |-\n  x\n\n\n  y\n\n",
        "a:\n  - |\n    in a list\n  - >\n    folded\n    in a list\n",
        "m:\n  - {name: a, description: \"x\", config: {materialized: table, tags: [a, b]}}\n  - [1, 2.5, -3, 'q', \"r\", [x, [y]], {}]\n  - []\n",
        "meta:\n  i: 42\n  n: -7\n  f: 1.5e3\n  s: \"42\"\n  b: yes\n  t: True\n  nul: Null\n  tilde: ~\n  url: http://x.y/z\n  k: v:w\n  lst: a, b, c\n  br: x[1]{2}\n",
        "a: café\nb: \"naïve — ü 𝄞\"\nc: [𝄞, é, x]\nd: {𝄞: 1, e: 2}\n",
        "'name': a\n\"version\": 2\n",
        "  indented: root\n  second: 2\n",
        "- a\n- b:\n    c: 1\n",
        "tests:\n  - unique:\n      column_name: id\n  - accepted_values:\n      arguments:\n        values: ['a', 'b', 1, 2.5, true, null]\n",
        "a:   spaced   \nb  : c\n",
        "a: x\n\n\n# end\n",
        "",
        "# only a comment\n",
        "key: value",
        "a:\nb: 1\n",
        "a:   \n\n  # c\nb: 1\n",
        "x:\n  - a:\n    b:\n",
        "a: # c\nb:",
        "- a:\n  b: 1\n- c:\n",
        "models:\n  - name: a\n    description:\n    config:\n    columns:\n    tests:\n",
        "{raw_transactions_path: data/daily}",
        "{snapshot_date: 2011-12-10, churn_window: 90, flags: [a, 'b c'], nested: {x: \"y\"}}\n",
        "  [1, two, {three: 3}]  # a list\n\n",
        "{}",
    ];

    /// <summary>Texts that need YamlDotNet (errors, or YAML outside the subset): the fast reader must decline or agree.</summary>
    static readonly string[] Others =
    [
        "version: 2\nmodels:\n  - name: a\n    tags: [x\n",
        "version: 2\nmodels:\n  - name: a\n    name: b\n",
        "version: 2\nmodels:\n\t- name: a\n",
        "a:\n  - b: 1\n    b: 2\n",
        "a: &c\n  x: 1\nb: *c\n",
        "a: !!str 1\n!!str b: 2\n",
        "a: this is\n  a multi line\n  plain scalar\n",
        "a: \"multi\n  line\"\n",
        "---\na: 1\n---\nb: 2\n",
        "---\na: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1\r\nb: 2\r\n",
        "\uFEFFa: 1\n",
        "a:\n  - x\n   - y\n",
        "a: - x\n",
        "a: b: c\n",
        "a:\n",
        "a:\nb: 1\n",
        "- \n- x\n",
        "a: |\n\n  leading blank\n",
        "a: |+\n  keep\n\nb: 1\n",
        "a: >\n  x\n    more\n  y\n",
        "a: |2\n   x\n",
        "a: |\n  no final newline",
        "a: [x,\n  y]\n",
        "a: [a, b,]\n",
        "a: {x}\n",
        "a: {x:y}\n",
        "? a\n: b\n",
        "[x]: 1\n",
        "just text\n",
        "[1, 2]\n",
        "{a: 1}\nb: 2\n",
        "{a: 1} b\n",
        "{a: 1}#c\n",
        "{a: 1\n",
        "{a: 1, a: 2}\n",
        "[a]\n[b]\n",
        "{a: 1}\n  - x\n",
        "a: \"\\u00e9 \\x41 \\/ \\e\"\n",
        "a: 'x'y\n",
        "a: 1\n  b: 2\n",
        "models:\n  - name: a\n   description: x\n",
        "a: @x\n",
        "a: `x`\n",
        "a:\n  b: 1\n c: 2\n",
        "a: x #c\n  b: 1\n",
        "a: |\n  x\n b: 1\n",
        "a:\n- x\nb:\n  - y\n  c: 1\n",
        "- a\nb: 1\n",
        "a: 1\n- b\n",
        "a: \u0085x\n",
        "a:b\n",
        "-x: 1\n",
        "a: x\n    # more indented comment\nb: y\n",
        "list:\n  -   name: a\n      x: 1\n",
        "list:\n  - name: a\n    sub:\n    - 1\n    - 2\n    other: 3\n",
        "a: 'unclosed\n",
        "a: {b: [1, {c: d}], e: 'f'}\n",
        "a: [\"x\", 'y''z', \"\"]\n",
        "a: [x: 1]\n",
        "a: [a b, c  d  ]\n",
        "a: [ ]\n",
        "a: {  }\n",
        "a: -\n",
        "a *: 1\nb: 2\n",
        "- a *: 1\n  b: 2\n",
        "a: x *\nb: 2\n",
        "a: -1\nb: [-1, -x]\n",
        "a: x\n\n  \n",
        "a: |\n  x\n   \n  y\n",
        "a: |\n    x\n  \n    y\n",
        "a: >\n  x\n\n\n  y\n",
        "a: |-\n  x\n# c\nb: 1\n",
        "a: |\n  x\n  # inside\nb: 1\n",
        "- name: x\n  d: |\n    text\n- name: y\n",
        "- - a\n  - b\n",
        "a:\n  # c\n  b: 1\n",
        "a:   \n  b: 1\n",
        "a: # c\n  - 1\n",
    ];

    static IEnumerable<string> ProjectFiles()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Transform.sln"))) dir = dir.Parent;
        if (dir is null) yield break;
        foreach (var f in Directory.EnumerateFiles(dir.FullName, "*.yml", SearchOption.AllDirectories))
            if (!f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("/target/")) yield return f;
    }

    [Test]
    public void Accepts_the_common_subset_and_builds_YamlDotNets_tree()
    {
        foreach (var text in Accepted)
        {
            Assert.That(FastYaml.TryParse(text, out var root), Is.True, text);
            Assert.That(Dump(root), Is.EqualTo(Dump(Yaml.LoadWithYamlDotNet(text, "x.yml"))), text);
        }
    }

    [Test]
    public void Declines_or_agrees_on_everything_else()
    {
        foreach (var text in Others.Concat(Accepted.SelectMany(Variants)))
        {
            if (!FastYaml.TryParse(text, out var root)) continue;
            AssertSameAsYamlDotNet(text, root);
        }
    }

    /// <summary>Text the quick reader accepted must be read the same by YamlDotNet, which must accept it too.</summary>
    static void AssertSameAsYamlDotNet(string text, YamlValue? root)
    {
        string expected;
        try
        {
            expected = Dump(Yaml.LoadWithYamlDotNet(text, "x.yml"));
        }
        catch (XformException e)
        {
            Assert.Fail($"accepted text YamlDotNet rejects ({e.Message}):\n{text}");
            return;
        }
        Assert.That(Dump(root), Is.EqualTo(expected), text);
    }

    [Test]
    public void Leaves_deep_nesting_to_YamlDotNet()
    {
        Assert.That(FastYaml.TryParse("a: " + new string('[', 5000) + new string(']', 5000) + "\n", out _), Is.False);
        var deep = new StringBuilder();
        for (var i = 0; i < 300; i++) deep.Append(' ', i).Append("k:\n");
        Assert.That(FastYaml.TryParse(deep.ToString(), out _), Is.False);
    }

    [Test]
    public void Reads_the_project_files_of_this_repository_as_YamlDotNet_does()
    {
        var files = ProjectFiles().ToList();
        Assert.That(files, Is.Not.Empty);
        foreach (var f in files)
        {
            var text = File.ReadAllText(f);
            Assert.That(FastYaml.TryParse(text, out var root), Is.True, f);
            Assert.That(Dump(root), Is.EqualTo(Dump(Yaml.LoadWithYamlDotNet(text, "x.yml"))), f);
        }
    }

    [Test]
    public void Agrees_with_YamlDotNet_on_random_documents()
    {
        var random = new Random(11);
        var accepted = 0;
        for (var round = 0; round < 4000; round++)
        {
            var text = RandomDocument(random);
            if (round % 2 == 1)
            {
                // An edit here and there, to reach the borders of the subset.
                var variants = Variants(text).ToList();
                text = variants.Count == 0 ? text : variants[random.Next(variants.Count)];
            }
            if (!FastYaml.TryParse(text, out var root)) continue;
            accepted++;
            AssertSameAsYamlDotNet(text, root);
        }
        // The generator mostly writes the subset: most documents must take the fast path.
        Assert.That(accepted, Is.GreaterThan(1000));
    }

    static readonly string[] Keys = ["a", "name", "b c", "x-y", "'q'", "\"d\"", "k1", "true", "1", "tests", "é"];

    static readonly string[] Scalars =
    [
        "x", "hello world", "-5", "1.5", "null", "~", "'it''s'", "\"q\\\"x\"", "http://x/y", "x #c", "[a, b]", "{a: 1, b: [x, 'y']}",
        "[]", "{}", "café", "𝄞x", "\"\"", "''", "a, b", "yes", "x  ", "\"a\\nb\"", "[ 'a' , \"b\" ]", "{ k: v }", "0x1F", ".5",
    ];

    static string RandomDocument(Random random)
    {
        var sb = new StringBuilder();
        if (random.Next(4) == 0) sb.Append("# head\n");
        if (random.Next(5) == 0) RandomSequence(random, sb, 0, 0);
        else RandomMapping(random, sb, 0, 0, null);
        if (random.Next(4) == 0) sb.Append(random.Next(2) == 0 ? "\n" : "# tail\n");
        return sb.ToString();
    }

    /// <summary>A block mapping at <paramref name="indent"/>; its first key goes after <paramref name="firstPrefix"/> (a dash) when given.</summary>
    static void RandomMapping(Random random, StringBuilder sb, int indent, int depth, string? firstPrefix)
    {
        var keys = Keys.OrderBy(_ => random.Next()).Take(1 + random.Next(4)).ToList();
        for (var k = 0; k < keys.Count; k++)
        {
            if (k == 0 && firstPrefix is not null) sb.Append(firstPrefix);
            else sb.Append(' ', indent);
            sb.Append(keys[k]).Append(':');
            RandomValue(random, sb, indent, depth, allowIndentless: true);
            if (random.Next(8) == 0) sb.Append(random.Next(2) == 0 ? "\n" : new string(' ', random.Next(6)) + "# note\n");
        }
    }

    static void RandomSequence(Random random, StringBuilder sb, int indent, int depth)
    {
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var dash = new string(' ', indent) + "- ";
            switch (depth < 3 ? random.Next(4) : 0)
            {
                case 0:
                    sb.Append(dash).Append(Scalars[random.Next(Scalars.Length)]).Append('\n');
                    break;
                case 1:
                    RandomMapping(random, sb, indent + 2, depth + 1, dash);
                    break;
                case 2:
                    sb.Append(new string(' ', indent)).Append("-\n");
                    RandomMapping(random, sb, indent + 2 + random.Next(2) * 2, depth + 1, null);
                    break;
                default:
                    sb.Append(dash).Append(random.Next(2) == 0 ? "|" : ">-").Append('\n');
                    sb.Append(' ', indent + 4).Append("line one\n");
                    if (random.Next(2) == 0) sb.Append('\n');
                    sb.Append(' ', indent + 4).Append("line two\n");
                    break;
            }
        }
    }

    static void RandomValue(Random random, StringBuilder sb, int indent, int depth, bool allowIndentless)
    {
        switch (depth < 3 ? random.Next(7) : random.Next(2))
        {
            case 0:
            case 1:
                sb.Append(' ').Append(Scalars[random.Next(Scalars.Length)]).Append('\n');
                break;
            case 2:
                sb.Append(random.Next(3) == 0 ? "  # c" : "").Append('\n');
                if (random.Next(2) == 0) RandomMapping(random, sb, indent + 2 + random.Next(2) * 2, depth + 1, null);
                break;
            case 3:
                sb.Append('\n');
                RandomSequence(random, sb, allowIndentless && random.Next(2) == 0 ? indent : indent + 2, depth + 1);
                break;
            case 4:
                sb.Append(' ').Append(new[] { "|", ">", "|-", ">-" }[random.Next(4)]).Append('\n');
                var lines = 1 + random.Next(3);
                for (var l = 0; l < lines; l++)
                {
                    if (random.Next(4) == 0) sb.Append('\n');
                    sb.Append(' ', indent + 2 + (random.Next(6) == 0 ? 2 : 0)).Append("text ").Append(l).Append('\n');
                }
                break;
            default:
                sb.Append('\n');
                RandomMapping(random, sb, indent + 2, depth + 1, null);
                break;
        }
    }

    /// <summary>Small edits of a text (a character dropped, doubled or changed), most of them invalid YAML.</summary>
    static IEnumerable<string> Variants(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            yield return text.Remove(i, 1);
            yield return text.Insert(i, text[i].ToString());
            foreach (var c in " -:#'\"[]{},|>\n*&!?%@`")
                if (c != text[i]) yield return text.Remove(i, 1).Insert(i, c.ToString());
        }
    }

    static string Dump(YamlValue? node)
    {
        var sb = new StringBuilder();
        void Walk(YamlValue n, int depth)
        {
            sb.Append(' ', depth * 2).Append($"@{n.Line}:{n.Column} ");
            switch (n)
            {
                case YamlScalar s:
                    sb.Append($"scalar plain={s.IsPlain} value={(s.Value is null ? "<null>" : "[" + s.Value + "]")}\n");
                    break;
                case YamlSequence seq:
                    sb.Append("sequence\n");
                    foreach (var item in seq.Items) Walk(item, depth + 1);
                    break;
                case YamlMapping map:
                    sb.Append("mapping\n");
                    foreach (var e in map.Entries)
                    {
                        sb.Append(' ', depth * 2 + 2).Append($"key tagged={e.KeyTagged}\n");
                        Walk(e.KeyNode, depth + 2);
                        Walk(e.Value, depth + 2);
                    }
                    break;
            }
        }
        if (node is null) return "<none>";
        Walk(node, 0);
        return sb.ToString();
    }
}
