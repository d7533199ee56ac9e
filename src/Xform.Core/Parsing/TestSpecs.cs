using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// Turns YAML test entries (<c>- unique</c>, <c>- accepted_values: {values: [...]}</c>, dbt 1.10's
/// <c>arguments:</c>/<c>config:</c> form, namespaced <c>dbt_utils.x</c>) into test nodes.
/// </summary>
public static partial class TestSpecs
{
    /// <summary>Keys that configure the test rather than being arguments to it (dbt's legacy flat form).</summary>
    static readonly HashSet<string> ConfigInArgs = new(StringComparer.Ordinal)
    {
        "severity", "where", "limit", "warn_if", "error_if", "store_failures", "tags", "enabled", "fail_calc", "meta", "alias", "schema", "database",
    };

    /// <summary>The test nodes of one model, seed or source table (its own tests and its columns').</summary>
    public static IEnumerable<Node> For(Node parent, IReadOnlyList<object?> tableTests, IReadOnlyDictionary<string, MacroInfo> tests,
        ProjectConfig project, NodeConfig baseConfig, string auditSchema) =>
        For(parent, tableTests, new TestMacros(tests.GetValueOrDefault, _ => false, tests.Keys), project, baseConfig, auditSchema);

    /// <summary>
    /// The test nodes of one model, seed or source table (its own tests and its columns'). With <paramref name="errors"/>, a
    /// test entry that is wrong is left out and its error added there, so every one is reported at once; else it throws.
    /// </summary>
    /// <param name="auditRelation">where an enabled test's failures would be stored, from its config, name, file name, fqn and
    /// file (null: in <paramref name="auditSchema"/>, named by its file name)</param>
    public static List<Node> For(Node parent, IReadOnlyList<object?> tableTests, TestMacros tests,
        ProjectConfig project, NodeConfig baseConfig, string auditSchema, ICollection<XformException>? errors = null, AuditRelation? auditRelation = null)
    {
        // the table's tests, then each column's, into one list: LINQ's iterators and closures (or an iterator of this
        // method's own) were made for every parent
        var made = new List<Node>();
        foreach (var t in tableTests) Add(null, t);
        foreach (var c in parent.Columns)
            foreach (var t in c.Tests)
                Add(c.Name, t);
        return made;

        void Add(string? column, object? t)
        {
            try
            {
                made.Add(Build(parent, column, (PositionedValue)t!, tests, project, baseConfig, auditSchema, auditRelation));
            }
            catch (XformException e) when (errors is not null)
            {
                errors.Add(e);
            }
        }
    }

    /// <summary>Where a test's failures would be stored: from its config, name, file name, fqn and file.</summary>
    public delegate RelationName AuditRelation(NodeConfig config, string name, string fileName, IReadOnlyList<string> fqn, string file);

    static Node Build(Node parent, string? column, PositionedValue spec, TestMacros tests,
        ProjectConfig project, NodeConfig baseConfig, string auditSchema, AuditRelation? auditRelation)
    {
        var at = spec.Location;
        string testName;
        // made only for a test that has arguments or a config of its own (most, unique and not_null, have neither)
        Dictionary<string, object?>? given = null, ownConfig = null;
        string? customName = null;
        switch (spec.Value)
        {
            case string s:
                testName = s;
                break;
            case IReadOnlyDictionary<string, object?> d when d.Count == 1:
                testName = d.Keys.First();
                var body = d[testName];
                if (body is not null and not IReadOnlyDictionary<string, object?>)
                    throw new XformException($"test '{testName}' takes a mapping of arguments", at);
                foreach (var (k, v) in (IReadOnlyDictionary<string, object?>?)body ?? new Dictionary<string, object?>())
                {
                    if (k == "arguments" && v is IReadOnlyDictionary<string, object?> a) foreach (var (ak, av) in a) (given ??= NewMap())[ak] = av;
                    else if (k == "config" && v is IReadOnlyDictionary<string, object?> c) foreach (var (ck, cv) in c) (ownConfig ??= NewMap())[ck] = cv;
                    else if (k == "name") customName = Convert.ToString(v, CultureInfo.InvariantCulture);
                    else if (k == "column_name") column = Convert.ToString(v, CultureInfo.InvariantCulture);
                    else if (ConfigInArgs.Contains(k)) (ownConfig ??= NewMap())[k] = v;
                    else (given ??= NewMap())[k] = v;
                }
                break;
            default:
                throw new XformException("a test is a name ('unique') or a mapping of one name to its arguments", at);
        }

        var args = given ?? TestMetadata.NoKwargs;

        // the same few test names over and over: each resolved once (and its macro's and short name's strings made once)
        if (!tests.Resolved.TryGetValue(testName, out var resolved))
        {
            var (found, foundInfo) = ResolveMacro(testName, tests, at);
            tests.Resolved[testName] = resolved = (found, foundInfo, foundInfo.Name["test_".Length..]);
        }
        var (macro, info, shortName) = resolved;
        var parameters = info.Parameters;
        if (given is not null)
            foreach (var key in given.Keys)
                if (!parameters.Contains(key) && !info.TakesKwargs)
                    throw new XformException($"test '{testName}' has no argument '{key}'; it takes {string.Join(", ", parameters.Where(p => p is not "model"))}.{Suggestions.DidYouMean(key, parameters)}", at);
        if (column is not null && !parameters.Contains("column_name") && !info.TakesKwargs)
            throw new XformException($"test '{testName}' is a table-level test; declare it under the {parent.TypeName}'s tests, not a column's", at);
        CheckRequired(testName, info, column, args, at);

        // dbt names a namespaced test with its namespace: dbt_utils_accepted_range_orders_amount__0.
        var ns = testName.LastIndexOf('.') is var dot and > 0 ? testName[..dot] : null;
        var (name, fileName) = customName is not null ? (customName, customName) : SyntheticNames(shortName, ns, parent, column, args);
        // the first 10 hex digits of the md5 are its first 5 bytes: written from a stack buffer, not the whole digest's text
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(HashInput(macro, parent.UniqueId, column, args), digest);
        var hash = Convert.ToHexStringLower(digest[..5]);

        // most tests name no other relation: no lists of their own then (a project of 50,000 models has 100,000 tests)
        List<Reference>? refs = null, sources = null;
        if (given is not null)
            foreach (var value in given.Values)
            {
                // A ref('x') or source('s', 't') argument (relationships' to:) is a dependency of the test.
                if (value is not string s || RelationCall.Read(s) is not { Literals: { } literal } call) continue;
                if (call.Function == "ref" && literal is [var model]) (refs ??= []).Add(new Reference(model, null, at));
                else if (call.Function == "source" && literal is [var source, var table]) (sources ??= []).Add(new Reference(table, null, at, source));
            }

        var merged = ownConfig is null ? baseConfig : baseConfig.With(ownConfig, at);
        var metadata = new TestMetadata(shortName, macro, args, column, ns);
        var fqn = TestFqn(project.Name, parent.Fqn, name);
        return new Node
        {
            UniqueId = $"test.{project.Name}.{name}.{hash}",
            ResourceType = ResourceType.Test,
            Name = name,
            PackageName = project.Name,
            OriginalFilePath = at.File,
            Path = $"{fileName}.sql",
            Fqn = fqn,
            Config = merged,
            // a disabled test is left out by the caller: no relation worked out for it
            Relation = auditRelation is not null && merged.Enabled ? auditRelation(merged, name, fileName, fqn, at.File) : new RelationName(null, auditSchema, fileName),
            Refs = refs is null ? Array.Empty<Reference>() : refs,
            SourceRefs = sources is null ? Array.Empty<Reference>() : sources,
            Location = at,
            AttachedNode = parent.UniqueId,
            TestMetadata = metadata,
        };
    }

    static Dictionary<string, object?> NewMap() => new(StringComparer.Ordinal);

    /// <summary>A test's fqn: the project, the folders of its parent's (neither the parent's project nor its name), its own name.</summary>
    static string[] TestFqn(string project, IReadOnlyList<string> parentFqn, string name)
    {
        var fqn = new string[Math.Max(2, parentFqn.Count)];
        fqn[0] = project;
        for (var i = 1; i < parentFqn.Count - 1; i++) fqn[i] = parentFqn[i];
        fqn[^1] = name;
        return fqn;
    }

    /// <summary>
    /// Every argument of the test macro without a default must be given (the model always is): reported here, at the YAML
    /// line, and not when the test runs, inside the macro's own file.
    /// </summary>
    static void CheckRequired(string testName, MacroInfo info, string? column, IReadOnlyDictionary<string, object?> args, SourceLocation at)
    {
        // a loop, and a list only when something is missing: this runs for every test of a parse
        List<string>? missing = null;
        for (var i = 0; i < info.RequiredCount && i < info.Parameters.Count; i++)
        {
            var p = info.Parameters[i];
            if (p != "model" && !(p == "column_name" && column is not null) && !args.ContainsKey(p)) (missing ??= []).Add(p);
        }
        if (missing is null) return;
        if (missing[0] == "column_name")
            throw new XformException($"test '{testName}' tests a column: declare it under a column's data_tests, or give it column_name", at);
        var names = string.Join(" and ", missing.Select(m => $"'{m}'"));
        throw new XformException(
            $"test '{testName}' needs argument{(missing.Count == 1 ? "" : "s")} {names}; it takes {string.Join(", ", info.Parameters.Where(p => p is not "model"))}", at);
    }

    /// <summary>
    /// The macro a test name calls, as <see cref="TemplateEngine.CallMacro"/> finds it: <c>unique</c> by dbt's search
    /// order; <c>dbt_utils.expression_is_true</c> in that installed package, or, when the package is not installed,
    /// xform's own version of the everyday package tests.
    /// </summary>
    static (string Macro, MacroInfo Info) ResolveMacro(string testName, TestMacros tests, SourceLocation at)
    {
        var dot = testName.LastIndexOf('.');
        if (dot > 0)
        {
            var (package, shortName) = (testName[..dot], testName[(dot + 1)..]);
            if (tests.Find($"{package}.test_{shortName}") is { } own) return ($"{package}.test_{shortName}", own);
            if (tests.IsPackage(package))
                throw new XformException($"unknown test '{testName}': package '{package}' has no test '{shortName}'.{Suggestions.DidYouMean(shortName, tests.Names.Select(k => k["test_".Length..]))}", at);
            if (tests.Find("test_" + shortName) is { } builtin) return ("test_" + shortName, builtin);
        }
        else if (tests.Find("test_" + testName) is { } found)
            // An installed package's own test, named plainly in its YAML: called through its namespace.
            return ((found.IsInternal || found.Package == tests.Root ? "" : found.Package + ".") + "test_" + testName, found);
        throw new XformException(
            $"unknown test '{testName}'.{Suggestions.DidYouMean(testName, tests.Names.Select(k => k["test_".Length..]))} Define it with {{% test {testName}(model, column_name) %}} in macros/",
            at);
    }

    /// <summary>
    /// dbt's names for a generic test: <c>{test}_{target}_{args}</c>, the arguments (column_name among them) in name
    /// order, each as Python's str() of its value (a list's items and a mapping's values one by one), everything but
    /// letters, digits and '_' made '_': <c>relationships_orders_customer_id__customer_id__ref_customers_</c>. A
    /// source's test is <c>source_{test}_{source}_{table}_...</c>; a namespace prefixes the test. The full name is the
    /// node's name; at 64 characters or more the file and the relation take the first 30 characters of
    /// <c>{test}_{target}</c> and the md5 of the full name, as dbt's do.
    /// </summary>
    static (string Full, string Short) SyntheticNames(string test, string? ns, Node parent, string? column, IReadOnlyDictionary<string, object?> args)
    {
        var type = parent.ResourceType == ResourceType.Source ? "source_" + test : test;
        if (ns is not null) type = $"{ns}_{type}";
        var target = parent.ResourceType == ResourceType.Source ? $"{parent.Source!.SourceName}_{parent.Name}"
            : parent.Version is { } v ? $"{parent.Name}_v{v}" : parent.Name;
        var identifier = $"{type}_{target}";
        // unique and not_null: the column is the only argument
        if (args.Count == 0)
        {
            var plain = column is null ? $"{identifier}_" : $"{identifier}_{Identifier(column)}";
            if (plain.Length < 64) return (plain, plain);
        }
        var named = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in args) named[key] = value;
        if (column is not null) named["column_name"] = column;
        var parts = named.Values.SelectMany(v => v switch
        {
            IDictionary<string, object?> map => map.Values,
            string => [v],
            System.Collections.IEnumerable list => list.Cast<object?>(),
            _ => [v],
        }).Select(part => Identifier(Py.Str(part)));
        var full = $"{identifier}_{string.Join("__", parts)}";
        return full.Length < 64 ? (full, full)
            : (full, $"{identifier[..Math.Min(30, identifier.Length)]}_{Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(full)))}");
    }

    /// <summary>A text with each run of characters other than ASCII letters, digits and '_' made one '_' (the text itself when it has none).</summary>
    internal static string Identifier(string text)
    {
        if (!text.AsSpan().ContainsAnyExcept(IdentifierChars)) return text; // a column name, mostly
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (IdentifierChars.Contains(text[i])) sb.Append(text[i]);
            else if (i == 0 || IdentifierChars.Contains(text[i - 1])) sb.Append('_'); // the first of a run
        }
        return sb.ToString();
    }

    static readonly System.Buffers.SearchValues<char> IdentifierChars =
        System.Buffers.SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_");

    /// <summary>
    /// What a generic test's id hashes: <c>{"macro":…,"parent":…,"column":…,"args":["key=json",…]}</c> in UTF-8, written
    /// as the serializer wrote the anonymous object it once was (the same bytes, so the same ids), without the reflection
    /// that cost a cold start about 0.2 s. The bytes lie in this thread's buffer: read them before the thread's next call.
    /// </summary>
    internal static ReadOnlySpan<byte> HashInput(string macro, string parent, string? column, IReadOnlyDictionary<string, object?> args)
    {
        var w = HashedJson.Start();
        w.WriteStartObject();
        w.WriteString("macro"u8, macro);
        w.WriteString("parent"u8, parent);
        if (column is null) w.WriteNull("column"u8);
        else w.WriteString("column"u8, column);
        w.WriteStartArray("args"u8);
        // by key, as OrderBy(key) ordered them (its comparer), without its iterator for the many tests of no arguments
        if (args.Count > 0)
        {
            var keys = args.Keys.ToArray();
            Array.Sort(keys, Comparer<string>.Default);
            foreach (var key in keys) w.WriteStringValue($"{key}={PlainJson.Serialize(args[key])}");
        }
        w.WriteEndArray();
        w.WriteEndObject();
        return HashedJson.Written(w);
    }
}

/// <summary>The generic tests a package's YAML can name: how to find one by (qualified) macro name, which names are installed packages, names for suggestions.</summary>
public sealed record TestMacros(Func<string, MacroInfo?> Find, Func<string, bool> IsPackage, IEnumerable<string> Names, string Root = "")
{
    /// <summary>What each test name resolved to: its macro's name, the macro, the test's short name (filled by the parse, on many threads).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, (string Macro, MacroInfo Info, string ShortName)> Resolved { get; } = new(StringComparer.Ordinal);
}
