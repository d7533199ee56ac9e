using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// dbt's <c>modules.re</c>: Python's <c>re</c> on .NET's regex engine. Python's spellings that .NET writes otherwise
/// are translated (<c>(?P&lt;name&gt;)</c>, <c>(?P=name)</c>, <c>\Z</c>, <c>{,n}</c>; <c>\1</c> and <c>\g&lt;name&gt;</c>
/// in replacements); flags are Python's numbers (<c>re.I + re.M</c>, since <c>|</c> is Jinja's filter bar).
/// </summary>
internal static class PyRegex
{
    public const long IGNORECASE = 2, LOCALE = 4, MULTILINE = 8, DOTALL = 16, UNICODE = 32, VERBOSE = 64, ASCII = 256;

    static readonly ConcurrentDictionary<(string, long), PyPattern> Cache = new();

    public static PyPattern Compile(string pattern, long flags) => Cache.GetOrAdd((pattern, flags), k =>
    {
        var options = RegexOptions.CultureInvariant;
        if ((k.Item2 & IGNORECASE) != 0) options |= RegexOptions.IgnoreCase;
        if ((k.Item2 & MULTILINE) != 0) options |= RegexOptions.Multiline;
        if ((k.Item2 & DOTALL) != 0) options |= RegexOptions.Singleline;
        if ((k.Item2 & VERBOSE) != 0) options |= RegexOptions.IgnorePatternWhitespace;
        try
        {
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            return new PyPattern(new Regex(Translate(k.Item1, names), options), k.Item1, k.Item2, names);
        }
        catch (ArgumentException e)
        {
            throw new JinjaError($"re.error: {e.Message}");
        }
    });

    /// <summary>
    /// Python's pattern syntax in .NET's. Named groups become plain groups, their numbers kept in
    /// <paramref name="names"/>: .NET numbers named groups after the unnamed ones, Python numbers all in order.
    /// </summary>
    internal static string Translate(string p, Dictionary<string, int> names)
    {
        var sb = new StringBuilder(p.Length + 8);
        var inClass = false;
        var groups = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (c == '\\' && i + 1 < p.Length)
            {
                var n = p[i + 1];
                sb.Append(!inClass && n == 'Z' ? "\\z" : $"\\{n}");
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == ']') inClass = false;
                else if (c == '[') { sb.Append("\\["); continue; }
                sb.Append(c);
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                if (i + 1 < p.Length && p[i + 1] == '^') sb.Append(p[++i]);
                if (i + 1 < p.Length && p[i + 1] == ']') { sb.Append("\\]"); i++; }
                continue;
            }
            if (c == '(' && p.AsSpan(i).StartsWith("(?P<"))
            {
                var end = p.IndexOf('>', i);
                if (end < 0) throw new JinjaError("re.error: missing >, unterminated name");
                names[p[(i + 4)..end]] = ++groups;
                sb.Append('(');
                i = end;
                continue;
            }
            if (c == '(' && p.AsSpan(i).StartsWith("(?P="))
            {
                var end = p.IndexOf(')', i);
                if (end < 0 || !names.TryGetValue(p[(i + 4)..end], out var n)) throw new JinjaError($"re.error: unknown group name in {Py.Repr(p)}");
                sb.Append("(?:\\").Append(n).Append(')');
                i = end;
                continue;
            }
            if (c == '(' && (i + 1 >= p.Length || p[i + 1] != '?')) groups++;
            if (c == '{' && i + 1 < p.Length && p[i + 1] == ',' && Regex.IsMatch(p.AsSpan(i), @"^\{,\d+\}"))
            {
                sb.Append("{0");
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Python's replacement template (<c>\1</c>, <c>\g&lt;name&gt;</c>, <c>\n</c>) in .NET's (<c>${1}</c>, <c>$$</c>).</summary>
    internal static string Replacement(string repl, IReadOnlyDictionary<string, int> names)
    {
        var sb = new StringBuilder(repl.Length + 8);
        for (var i = 0; i < repl.Length; i++)
        {
            var c = repl[i];
            if (c == '$') { sb.Append("$$"); continue; }
            if (c != '\\' || i + 1 >= repl.Length) { sb.Append(c); continue; }
            var n = repl[++i];
            if (char.IsAsciiDigit(n))
            {
                var digits = n.ToString();
                if (i + 1 < repl.Length && char.IsAsciiDigit(repl[i + 1])) digits += repl[++i];
                sb.Append("${").Append(digits).Append('}');
                continue;
            }
            if (n == 'g' && i + 1 < repl.Length && repl[i + 1] == '<')
            {
                var end = repl.IndexOf('>', i);
                if (end < 0) throw new JinjaError("re.error: missing >, unterminated name");
                var name = repl[(i + 2)..end];
                var number = int.TryParse(name, out var k) ? k : names.TryGetValue(name, out k) ? k : throw new JinjaError($"IndexError: unknown group name '{name}'");
                sb.Append("${").Append(number).Append('}');
                i = end;
                continue;
            }
            sb.Append(n switch
            {
                'n' => "\n",
                't' => "\t",
                'r' => "\r",
                'f' => "\f",
                'v' => "\v",
                'a' => "\a",
                'b' => "\b",
                '\\' => "\\",
                _ when char.IsAsciiLetter(n) => throw new JinjaError($"re.error: bad escape \\{n}"),
                _ => "\\" + n,
            });
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>re.escape</c>: a backslash before each character that is special in a pattern.</summary>
    public static string Escape(string s)
    {
        const string special = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
        var sb = new StringBuilder(s.Length * 2);
        foreach (var c in s)
        {
            if (special.Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    static long Flags(TemplateCall c, int position) =>
        c.Has(position, "flags") ? PyArgs.Int(c, position, "flags", "re") : 0;

    static PyPattern PatternArg(TemplateCall c, long flags) => c.Get(0, "pattern") switch
    {
        PyPattern p when flags == 0 => p,
        PyPattern => throw c.Error("cannot process flags argument with a compiled pattern"),
        string s => Compile(s, flags),
        var other => throw c.Error($"first argument must be string or compiled pattern, not {Py.TypeName(other)}"),
    };


    public static readonly ReadOnlyNames Module = new(new Dictionary<string, object?>
    {
        ["match"] = PyArgs.Function("match", 3, ["pattern", "string", "flags"], c => PatternArg(c, Flags(c, 2)).Match(PyArgs.Str(c, 1, "string", "match"), 0)),
        ["search"] = PyArgs.Function("search", 3, ["pattern", "string", "flags"], c => PatternArg(c, Flags(c, 2)).Search(PyArgs.Str(c, 1, "string", "search"))),
        ["fullmatch"] = PyArgs.Function("fullmatch", 3, ["pattern", "string", "flags"], c => PatternArg(c, Flags(c, 2)).Match(PyArgs.Str(c, 1, "string", "fullmatch"), 1)),
        ["findall"] = PyArgs.Function("findall", 3, ["pattern", "string", "flags"], c => PatternArg(c, Flags(c, 2)).FindAll(PyArgs.Str(c, 1, "string", "findall"))),
        ["finditer"] = PyArgs.Function("finditer", 3, ["pattern", "string", "flags"], c => PatternArg(c, Flags(c, 2)).FindIter(PyArgs.Str(c, 1, "string", "finditer"))),
        ["sub"] = PyArgs.Function("sub", 5, ["pattern", "repl", "string", "count", "flags"], c =>
            PatternArg(c, Flags(c, 4)).Sub(PyArgs.Str(c, 1, "repl", "sub"), PyArgs.Str(c, 2, "string", "sub"), PyArgs.Int(c, 3, "count", "sub", 0)).Text),
        ["subn"] = PyArgs.Function("subn", 5, ["pattern", "repl", "string", "count", "flags"], c =>
        {
            var (text, n) = PatternArg(c, Flags(c, 4)).Sub(PyArgs.Str(c, 1, "repl", "subn"), PyArgs.Str(c, 2, "string", "subn"), PyArgs.Int(c, 3, "count", "subn", 0));
            return new JTuple([text, (long)n]);
        }),
        ["split"] = PyArgs.Function("split", 4, ["pattern", "string", "maxsplit", "flags"], c =>
            PatternArg(c, Flags(c, 3)).Split(PyArgs.Str(c, 1, "string", "split"), PyArgs.Int(c, 2, "maxsplit", "split", 0))),
        ["compile"] = PyArgs.Function("compile", 2, ["pattern", "flags"], c => PatternArg(c, Flags(c, 1))),
        ["escape"] = PyArgs.Function("escape", 1, ["pattern"], c => Escape(PyArgs.Str(c, 0, "pattern", "escape"))),
        ["purge"] = PyArgs.Function("purge", 0, [], _ => null),
        ["A"] = ASCII, ["ASCII"] = ASCII,
        ["I"] = IGNORECASE, ["IGNORECASE"] = IGNORECASE,
        ["L"] = LOCALE, ["LOCALE"] = LOCALE,
        ["M"] = MULTILINE, ["MULTILINE"] = MULTILINE,
        ["S"] = DOTALL, ["DOTALL"] = DOTALL,
        ["U"] = UNICODE, ["UNICODE"] = UNICODE,
        ["X"] = VERBOSE, ["VERBOSE"] = VERBOSE,
        ["NOFLAG"] = 0L,
    });
}

/// <summary>A compiled pattern (<c>re.compile(...)</c>), shown as <c>re.compile('a+')</c>.</summary>
internal sealed class PyPattern(Regex engine, string pattern, long flags, IReadOnlyDictionary<string, int> names) : ITemplateObject
{
    /// <summary>Python's group names and their numbers.</summary>
    public IReadOnlyDictionary<string, int> Names { get; } = names;

    Regex? _atStart, _whole;

    public Regex Engine { get; } = engine;

    /// <summary>mode 0: a match that starts the string (<c>re.match</c>); 1: one that is the whole string (<c>fullmatch</c>).</summary>
    public PyMatch? Match(string s, int mode)
    {
        var close = (Engine.Options & RegexOptions.IgnorePatternWhitespace) != 0 ? "\n)" : ")";
        var anchored = mode == 0
            ? _atStart ??= new Regex(@"\G(?:" + Engine + close, Engine.Options)
            : _whole ??= new Regex(@"\G(?:" + Engine + close + @"\z", Engine.Options);
        var m = anchored.Match(s);
        return m.Success ? new PyMatch(m, s, this) : null;
    }

    public PyMatch? Search(string s) => Engine.Match(s) is { Success: true } m ? new PyMatch(m, s, this) : null;

    public List<object?> FindAll(string s)
    {
        var r = new List<object?>();
        var groups = Engine.GetGroupNumbers().Length - 1;
        foreach (System.Text.RegularExpressions.Match m in Engine.Matches(s))
        {
            if (groups == 0) r.Add(m.Value);
            else if (groups == 1) r.Add(m.Groups[1].Success ? m.Groups[1].Value : "");
            else r.Add(new JTuple(Enumerable.Range(1, groups).Select(g => (object?)(m.Groups[g].Success ? m.Groups[g].Value : ""))));
        }
        return r;
    }

    public List<object?> FindIter(string s) => Engine.Matches(s).Select(m => (object?)new PyMatch(m, s, this)).ToList();

    public (string Text, int Count) Sub(string repl, string s, long count)
    {
        var n = 0;
        var template = PyRegex.Replacement(repl, Names);
        var text = Engine.Replace(s, m => { n++; return m.Result(template); }, count <= 0 ? -1 : (int)count);
        return (text, n);
    }

    public List<object?> Split(string s, long maxsplit)
    {
        var r = new List<object?>();
        var groups = Engine.GetGroupNumbers().Length - 1;
        var last = 0;
        var n = 0;
        foreach (System.Text.RegularExpressions.Match m in Engine.Matches(s))
        {
            if (maxsplit > 0 && n >= maxsplit) break;
            if (m.Length == 0 && (m.Index == 0 && s.Length == 0)) continue;
            r.Add(s[last..m.Index]);
            for (var g = 1; g <= groups; g++) r.Add(m.Groups[g].Success ? m.Groups[g].Value : null);
            last = m.Index + m.Length;
            n++;
        }
        r.Add(s[last..]);
        return r;
    }

    public bool TryGetMember(string name, out object? value)
    {
        HostFunction Str(string fn, Func<TemplateCall, string, object?> f) => c =>
        {
            PyArgs.Check(c, fn, 1, "string");
            return f(c, PyArgs.Str(c, 0, "string", fn));
        };
        value = name switch
        {
            "pattern" => pattern,
            "flags" => flags + PyRegex.UNICODE,
            "groups" => (long)(Engine.GetGroupNumbers().Length - 1),
            "groupindex" => new ReadOnlyNames(Names.OrderBy(n => n.Value).Select(n => new KeyValuePair<string, object?>(n.Key, (long)n.Value))),
            "match" => Str("match", (_, s) => Match(s, 0)),
            "fullmatch" => Str("fullmatch", (_, s) => Match(s, 1)),
            "search" => Str("search", (_, s) => Search(s)),
            "findall" => Str("findall", (_, s) => FindAll(s)),
            "finditer" => Str("finditer", (_, s) => FindIter(s)),
            "sub" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "sub", 3, "repl", "string", "count");
                return Sub(PyArgs.Str(c, 0, "repl", "sub"), PyArgs.Str(c, 1, "string", "sub"), PyArgs.Int(c, 2, "count", "sub", 0)).Text;
            }),
            "split" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "split", 2, "string", "maxsplit");
                return Split(PyArgs.Str(c, 0, "string", "split"), PyArgs.Int(c, 1, "maxsplit", "split", 0));
            }),
            _ => null,
        };
        return value is not null;
    }

    public override string ToString() => $"re.compile({Py.Repr(pattern)})";
}

/// <summary>A match (<c>re.match(...)</c>): <c>group</c>, <c>groups</c>, <c>groupdict</c>, <c>start</c>, <c>end</c>, <c>span</c>.</summary>
internal sealed class PyMatch(System.Text.RegularExpressions.Match m, string s, PyPattern pattern) : ITemplateObject
{
    Group GroupOf(TemplateCall c, object? key) => key switch
    {
        string name when pattern.Names.TryGetValue(name, out var number) => m.Groups[number],
        long n when n >= 0 && n < pattern.Engine.GetGroupNumbers().Length => m.Groups[(int)n],
        _ => throw c.Error("IndexError: no such group"),
    };

    static object? Value(Group g) => g.Success ? g.Value : null;

    public bool TryGetMember(string name, out object? value)
    {
        var groups = pattern.Engine.GetGroupNumbers().Length - 1;
        value = name switch
        {
            "string" => s,
            "re" => pattern,
            "pos" => 0L,
            "endpos" => (long)s.Length,
            "lastindex" => LastIndex(),
            "group" => (HostFunction)(c =>
            {
                if (c.Kwargs.Count > 0) throw c.Error("group() takes no keyword arguments");
                if (c.Args.Count == 0) return m.Value;
                if (c.Args.Count == 1) return Value(GroupOf(c, c.Args[0]));
                return new JTuple(c.Args.Select(a => Value(GroupOf(c, a))));
            }),
            "groups" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "groups", 1, "default");
                var dflt = c.Get(0, "default");
                return new JTuple(Enumerable.Range(1, groups).Select(g => m.Groups[g].Success ? m.Groups[g].Value : dflt));
            }),
            "groupdict" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "groupdict", 1, "default");
                var dflt = c.Get(0, "default");
                var d = new JDict();
                foreach (var (g, n) in pattern.Names.OrderBy(n => n.Value))
                    d[g] = m.Groups[n].Success ? m.Groups[n].Value : dflt;
                return d;
            }),
            "start" => (HostFunction)(c => Position(c, g => g.Index)),
            "end" => (HostFunction)(c => Position(c, g => g.Index + g.Length)),
            "span" => (HostFunction)(c =>
            {
                var g = GroupOf(c, c.Get(0, "group", 0L));
                return g.Success ? new JTuple([(long)g.Index, (long)(g.Index + g.Length)]) : new JTuple([-1L, -1L]);
            }),
            _ => null,
        };
        return value is not null || name == "lastindex";
    }

    object? LastIndex()
    {
        long? last = null;
        var best = -1;
        for (var g = 1; g < pattern.Engine.GetGroupNumbers().Length; g++)
            if (m.Groups[g].Success && m.Groups[g].Index + m.Groups[g].Length >= best)
            {
                best = m.Groups[g].Index + m.Groups[g].Length;
                last = g;
            }
        return last;
    }

    object? Position(TemplateCall c, Func<Group, int> at)
    {
        var g = GroupOf(c, c.Get(0, "group", 0L));
        return g.Success ? (long)at(g) : -1L;
    }

    public override string ToString() => $"<re.Match object; span=({m.Index}, {m.Index + m.Length}), match={Py.Repr(m.Value)}>";
}
