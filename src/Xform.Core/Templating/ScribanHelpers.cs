using Scriban.Runtime;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// The functions the generated Scriban code calls (all named <c>j_*</c>). Built once per process and shared,
/// read-only, by every render context.
/// </summary>
internal static class ScribanHelpers
{
    public static readonly ScriptObject Builtins = Build();

    /// <summary>The globals Jinja itself provides (range, dict, namespace, cycler, joiner) and dbt's zip; the host's
    /// globals of the same name win.</summary>
    private static readonly Dictionary<string, BuiltinFunction> EngineFunctions = new(StringComparer.Ordinal)
    {
        ["range"] = new("range", (a, kw) => Range(a)),
        ["dict"] = new("dict", (a, kw) => FillDict(new JDict(), a, kw, "dict")),
        ["namespace"] = new("namespace", (a, kw) => FillDict(new JNamespace(), a, kw, "namespace")),
        ["zip"] = new("zip", (a, kw) =>
        {
            // dbt's zip(*args, default=None): Python's zip, or the default when an argument is not iterable
            if (a.Any(x => x is null or JUndefined || !(x is string or System.Collections.IEnumerable) || x is ITemplateObject))
                return kw.TryGetValue("default", out var d) ? d : null;
            var lists = a.Select(Py.Iterate).ToList();
            var r = new List<object?>();
            var n = lists.Count == 0 ? 0 : lists.Min(l => l.Count);
            for (var i = 0; i < n; i++) r.Add(new JTuple(lists.Select(l => l[i])));
            return r;
        }),
        ["cycler"] = new("cycler", (a, kw) => a.Count > 0 ? new JCycler(a) : throw new JinjaError("at least one item has to be provided")),
        ["joiner"] = new("joiner", (a, kw) =>
        {
            var sep = a.Count > 0 ? a[0] : kw.TryGetValue("sep", out var sv) ? sv : ", ";
            var used = false;
            return new BuiltinFunction("joiner", (_, _) =>
            {
                if (used) return sep;
                used = true;
                return "";
            });
        }),
    };

    /// <summary>Jinja's sandboxed range(): Python's range, refused above 100,000 items.</summary>
    private static JRange Range(List<object?> a)
    {
        long start = 0, stop, step = 1;
        if (a.Count == 1) stop = Int(a[0]);
        else if (a.Count is 2 or 3) { start = Int(a[0]); stop = Int(a[1]); if (a.Count == 3) step = Int(a[2]); }
        else throw new JinjaError($"range expected 1 to 3 arguments, got {a.Count}");
        if (step == 0) throw new JinjaError("range() arg 3 must not be zero");
        var count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0) : (start > stop ? (start - stop - step - 1) / -step : 0);
        if (count > 100_000) throw new JinjaError("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
        var r = new JRange(start, stop, step, (int)count);
        for (var i = 0; i < count; i++) r.Add(start + i * step);
        return r;
    }

    /// <summary>dict(...) and namespace(...): a mapping or (key, value) pairs, then keyword arguments.</summary>
    private static T FillDict<T>(T d, List<object?> a, Dictionary<string, object?> kw, string what) where T : IDictionary<string, object?>
    {
        if (a.Count > 1) throw new JinjaError($"{what} expected at most 1 argument, got {a.Count}");
        if (a.Count == 1)
        {
            if (Py.TryDict(a[0], out var src)) foreach (var kv in src) d[kv.Key] = Py.Norm(kv.Value);
            else
                foreach (var pair in Py.Iterate(a[0]))
                {
                    if (pair is not System.Collections.IList p || pair is string || p.Count != 2)
                        throw new JinjaError($"{what}() expects a mapping or (key, value) pairs");
                    d[Py.DictKey(p[0]) ?? throw new JinjaError($"dict keys must be strings in xform's Jinja subset, not '{Py.TypeName(p[0])}'")] = Py.Norm(p[1]);
                }
        }
        foreach (var kv in kw) d[kv.Key] = kv.Value;
        return d;
    }

    private static long Int(object? v) => Py.IsInt(v, out var l) ? l : throw new JinjaError($"expected an integer but got '{Py.TypeName(v)}'");

    /// <summary>The Jinja position id a helper call carries first: a number, or inside a packed constant call.</summary>
    internal static int Id(object? v) => v is ConstantCall call ? call.Id : Convert.ToInt32(v);

    private static ScriptObject Build()
    {
        var b = new ScriptObject();
        void Def(string name, bool hasId, Func<JinjaContext, ScriptArray, object?> f) => b.SetValue(name, new Fn(hasId, f), true);

        Def("j_p", false, (cx, a) => Print(cx, a[0]));
        Def("j_discard", false, (cx, a) => null);
        Def("j_captured", false, (cx, a) => a[0]?.ToString() ?? "");
        Def("j_name", true, (cx, a) => LookupName(cx, (string)a[1]!, strict: true));
        Def("j_gsoft", false, (cx, a) => LookupName(cx, (string)a[0]!, strict: false));
        // A name the template sets, read where no set has run yet (set in an if branch not taken): dbt renders with
        // Jinja's default Undefined, so it prints empty, is false and iterates as nothing; read as "". A name the
        // template never sets stays an error where it is evaluated (j_name), so a typo is still caught.
        Def("j_lv", true, (cx, a) => a[2] is JUndefined ? "" : a[2]);
        Def("j_undef", false, (cx, a) => JUndefined.Unassigned);
        Def("j_isunset", false, (cx, a) => a[0] is JUndefined);
        Def("j_attr", true, (cx, a) =>
        {
            var r = JinjaRuntime.GetAttr(a[1], (string)a[2]!);
            return r is not JUndefined ? r : a[1] is ILenientMapping ? "" : throw new JinjaError(MissingAttr(a[1], (string)a[2]!));
        });
        Def("j_attrsoft", false, (cx, a) => JinjaRuntime.GetAttr(a[0], (string)a[1]!));
        Def("j_item", true, (cx, a) =>
        {
            var r = JinjaRuntime.GetItem(a[1], a[2]);
            return r is not JUndefined u ? r : a[1] is ILenientMapping ? "" : throw new JinjaError(MissingItem(a[1], a[2], u));
        });
        Def("j_itemsoft", false, (cx, a) => JinjaRuntime.GetItem(a[0], a[1]));
        Def("j_slice", true, (cx, a) => JinjaRuntime.Slice(a[1], a[2], a[3], a[4]));
        Def("j_list", false, (cx, a) =>
        {
            var l = new List<object?>(a.Count);
            foreach (var x in a) l.Add(Py.Norm(x));
            return l;
        });
        Def("j_append", false, (cx, a) => { ((List<object?>)a[0]!).Add(a[1]); return null; });
        Def("j_tuple", false, (cx, a) => new JTuple(a.Select(Py.Norm)));
        Def("j_dict", true, (cx, a) =>
        {
            var d = new JDict();
            for (var i = 1; i + 1 < a.Count; i += 2)
                d[Py.DictKey(a[i]) ?? throw new JinjaError($"dict keys must be strings in xform's Jinja subset, not '{Py.TypeName(a[i])}'")] = Py.Norm(a[i + 1]);
            return d;
        });
        Def("j_call", true, (cx, a) =>
        {
            var (args, kw) = SplitArgs(a, 2);
            return CallValue(cx, Id(a[0]), a[1], args, kw);
        });
        Def("j_gcall", true, (cx, a) =>
        {
            var name = (string)a[1]!;
            var f = LookupName(cx, name, strict: true);
            var (args, kw) = SplitArgs(a, 2);
            return CallValue(cx, Id(a[0]), f, args, kw, name);
        });
        Def("j_gcallk", true, (cx, a) =>
        {
            var call = (ConstantCall)a[0]!;
            var (args, kw) = call.Arguments();
            return CallValue(cx, call.Id, LookupName(cx, call.Name, strict: true), args, kw, call.Name);
        });
        Def("j_pgcallk", true, (cx, a) => PrintCall(cx, (ConstantCall)a[0]!));
        Def("j_pgcall", true, (cx, a) =>
        {
            var name = (string)a[1]!;
            var f = LookupName(cx, name, strict: true);
            var (args, kw) = SplitArgs(a, 2);
            return Print(cx, CallValue(cx, Id(a[0]), f, args, kw, name));
        });
        Def("j_meth", true, (cx, a) =>
        {
            var (args, kw) = SplitArgs(a, 3);
            return CallMethod(cx, Id(a[0]), a[1], (string)a[2]!, args, kw);
        });
        Def("j_dispatch", true, (cx, a) =>
        {
            var (args, kw) = SplitArgs(a, 1);
            var name = (kw.TryGetValue("macro_name", out var mn) ? mn : args.Count > 0 ? args[0] : null) as string
                       ?? throw new JinjaError("adapter.dispatch() expects a macro name string");
            var ns = kw.TryGetValue("macro_namespace", out var mns) ? mns : args.Count > 1 ? args[1] : null;
            if (ns is not (null or string)) throw new JinjaError("adapter.dispatch() expects macro_namespace to be a package name string");
            return cx.Engine.Resolver.Dispatch(name, (string?)ns, cx.LocalPackage).AsMacro;
        });
        Def("j_macro", false, (cx, a) =>
        {
            var unit = cx.CurrentUnit.Children[Id(a[0])];
            var captured = new List<ScriptObject>();
            // the defining frame and, through it, whatever that frame itself closes over
            captured.AddRange(cx.CapturedOfCurrent);
            captured.Add(cx.CurrentFrame);
            return new JMacro(unit, captured.ToArray());
        });
        Def("j_ret", false, (cx, a) => { cx.SetReturn(Py.Norm(a[0])); return null; });
        Def("j_setattr", true, (cx, a) =>
        {
            if (a[1] is JNamespace ns) ns[(string)a[2]!] = Py.Norm(a[3]);
            else throw new JinjaError($"cannot assign attribute '{a[2]}' on '{Py.TypeName(a[1])}': only namespace() objects support 'set x.attr = ...'");
            return null;
        });
        Def("j_filter", true, (cx, a) =>
        {
            var (args, kw) = SplitArgs(a, 3);
            return JinjaRuntime.ApplyFilter((string)a[1]!, a[2], args, kw);
        });
        Def("j_test", true, (cx, a) =>
        {
            var args = new List<object?>();
            for (var i = 4; i < a.Count; i++) args.Add(a[i]);
            var r = JinjaRuntime.ApplyTest((string)a[1]!, a[3], args);
            return (bool)a[2]! ? !r : r;
        });
        Def("j_t", false, (cx, a) => Py.Truthy(a[0]));
        Def("j_not", false, (cx, a) => !Py.Truthy(a[0]));
        Def("j_keep", false, (cx, a) => { cx.KeepStack.Add(a[0]); return true; });
        Def("j_keepif", false, (cx, a) =>
        {
            if (!Py.Truthy(a[0])) return false;
            cx.KeepStack.Add(a[0]);
            return true;
        });
        Def("j_keepifnot", false, (cx, a) =>
        {
            if (Py.Truthy(a[0])) return false;
            cx.KeepStack.Add(a[0]);
            return true;
        });
        Def("j_take", false, (cx, a) =>
        {
            var v = cx.KeepStack[^1];
            cx.KeepStack.RemoveAt(cx.KeepStack.Count - 1);
            return v;
        });
        Def("j_add", true, (cx, a) => Py.Add(Chk(a[1]), Chk(a[2])));
        Def("j_sub", true, (cx, a) => Py.Sub(Chk(a[1]), Chk(a[2])));
        Def("j_mul", true, (cx, a) => Mul(cx, Chk(a[1]), Chk(a[2])));
        Def("j_div", true, (cx, a) => Py.Div(Chk(a[1]), Chk(a[2])));
        Def("j_fdiv", true, (cx, a) => Py.FloorDiv(Chk(a[1]), Chk(a[2])));
        Def("j_mod", true, (cx, a) => Py.Mod(Chk(a[1]), Chk(a[2])));
        Def("j_pow", true, (cx, a) => Py.Pow(Chk(a[1]), Chk(a[2])));
        Def("j_neg", true, (cx, a) => Py.Neg(Chk(a[1])));
        Def("j_arith", false, (cx, a) =>
        {
            // first, then (id, operator, operand) for each step of a chain such as a + b - c, applied left to right
            var value = a[0];
            for (var i = 1; i + 2 < a.Count; i += 3)
            {
                try
                {
                    value = cx.CheckSize(Arith(cx, (string)a[i + 1]!, Chk(value), Chk(a[i + 2])));
                }
                catch (Exception e) when (Fn.IsValueError(e))
                {
                    throw cx.Error(Id(a[i]), e.Message);
                }
            }
            return value;
        });
        Def("j_cat", true, (cx, a) =>
        {
            var sb = new System.Text.StringBuilder();
            for (var i = 1; i < a.Count; i++) sb.Append(Py.Str(Chk(a[i])));
            return sb.ToString();
        });
        Def("j_eq", false, (cx, a) => Py.Eq(a[0], a[1]));
        Def("j_ne", false, (cx, a) => !Py.Eq(a[0], a[1]));
        Def("j_lt", true, (cx, a) => Py.Compare(Chk(a[1]), Chk(a[2]), "<") < 0);
        Def("j_le", true, (cx, a) => Py.Compare(Chk(a[1]), Chk(a[2]), "<=") <= 0);
        Def("j_gt", true, (cx, a) => Py.Compare(Chk(a[1]), Chk(a[2]), ">") > 0);
        Def("j_ge", true, (cx, a) => Py.Compare(Chk(a[1]), Chk(a[2]), ">=") >= 0);
        Def("j_in", true, (cx, a) => Py.In(Chk(a[1]), Chk(a[2])));
        Def("j_iter", true, (cx, a) => Py.Iterate(a[1]));
        Def("j_empty", false, (cx, a) => ((List<object?>)a[0]!).Count == 0);
        Def("j_loopnew", false, (cx, a) => new JLoop((List<object?>)a[0]!));
        Def("j_loopnext", false, (cx, a) => { ((JLoop)a[0]!).Index0++; return null; });
        Def("j_unpack", true, (cx, a) =>
        {
            var n = Id(a[3]);
            var items = a[1] is string || a[1] is null || a[1] is JUndefined ? null : Py.Iterate(a[1]);
            if (items == null || items.Count != n)
                throw new JinjaError(items == null
                    ? $"cannot unpack '{Py.TypeName(a[1])}' into {n} variables"
                    : $"expected {n} values to unpack but got {items.Count}");
            return items[Id(a[2])];
        });
        return b;
    }

    private static object? Chk(object? v) => JinjaRuntime.Check(v);

    /// <summary><c>{{ name(constants...) }}</c>: the global or macro called, its value printed (a template run directly too).</summary>
    internal static string PrintCall(JinjaContext cx, ConstantCall call)
    {
        var (args, kw) = call.Arguments();
        return Print(cx, CallValue(cx, call.Id, LookupName(cx, call.Name, strict: true), args, kw, call.Name));
    }

    /// <summary>A value as printed by <c>{{ }}</c>, refused if the output it goes to would grow past the limit.</summary>
    private static string Print(JinjaContext cx, object? v)
    {
        var text = Py.Str(JinjaRuntime.Check(v));
        cx.CheckOutput(text.Length);
        return text;
    }

    private static object? Arith(JinjaContext cx, string op, object? a, object? b) => op switch
    {
        "+" => Py.Add(a, b),
        "-" => Py.Sub(a, b),
        "*" => Mul(cx, a, b),
        "/" => Py.Div(a, b),
        "//" => Py.FloorDiv(a, b),
        "%" => Py.Mod(a, b),
        "**" => Py.Pow(a, b),
        _ => throw new InvalidOperationException(op),
    };

    /// <summary><c>a * b</c>; a string or list repeated past the size limits is refused before anything is allocated
    /// (<c>"a" * 999999999</c> would otherwise build a 2 GB string).</summary>
    private static object? Mul(JinjaContext cx, object? a, object? b)
    {
        var (text, times) = a is string ? (a as string, b) : (b as string, a);
        if (text != null && Py.IsInt(times, out var n))
        {
            if (n > 0 && text.Length > 0 && n > cx.Limits.MaxStringLength / text.Length) throw cx.StringTooLong(text.Length * (decimal)n);
        }
        else if (a is System.Collections.IList l && Py.IsInt(b, out n) && n > 0 && l.Count > 0 && n > cx.Limits.MaxListLength / l.Count)
            throw cx.ListTooLong(l.Count * (decimal)n);
        return Py.Mul(a, b);
    }

    private static string MissingAttr(object? target, string name) =>
        Py.TryDict(target, out _) ? $"dict has no key or attribute '{name}'" : $"'{Py.TypeName(target)}' object has no attribute '{name}'";

    private static string MissingItem(object? target, object? key, JUndefined u) =>
        Py.TryDict(target, out _) ? $"dict has no key {Py.Repr(key)}" : u.Name.Length > 0 ? u.Name : $"'{Py.TypeName(target)}' has no item {Py.Repr(key)}";

    /// <summary>
    /// A call of a global (ref, source, config, var, a macro) whose arguments are all constants, as one literal
    /// instead of a node per argument: most calls in a project are like this, and Scriban nodes are large.
    /// </summary>
    internal sealed class ConstantCall(int id, string name, object?[] args, (string Name, object? Value)[] kwargs)
    {
        public int Id => id;
        public string Name => name;

        /// <summary>Fresh lists each call: a callee may keep or change what it is given.</summary>
        public (List<object?>, Dictionary<string, object?>) Arguments()
        {
            var positional = new List<object?>(args.Length);
            foreach (var v in args) positional.Add(Py.Norm(ConstantList.Value(v)));
            var keywords = new Dictionary<string, object?>(kwargs.Length, StringComparer.Ordinal);
            foreach (var (k, v) in kwargs) keywords[k] = Py.Norm(ConstantList.Value(v));
            return (positional, keywords);
        }

        public override string ToString() => $"{name}(...)";
    }

    /// <summary>
    /// A list, tuple or dict of constants written in a direct template's call (<c>config(tags=['a', 'b'])</c>): made anew for
    /// each call, as <c>j_list</c>, <c>j_tuple</c> and <c>j_dict</c> make it, since a callee may keep or change what it is given.
    /// </summary>
    internal sealed class ConstantList(bool isTuple, string[]? keys, object?[] items)
    {
        /// <summary>The value a call gets: a new list, tuple or dict for a constant one, else the constant itself.</summary>
        public static object? Value(object? v) => v is ConstantList list ? list.Make() : v;

        object Make()
        {
            if (keys is not null)
            {
                var dict = new JDict();
                for (var i = 0; i < keys.Length; i++) dict[keys[i]] = Py.Norm(Value(items[i]));
                return dict;
            }
            var made = isTuple ? new JTuple() : new List<object?>(items.Length);
            foreach (var item in items) made.Add(Py.Norm(Value(item)));
            return made;
        }
    }

    private static (List<object?>, Dictionary<string, object?>) SplitArgs(Scriban.Runtime.ScriptArray a, int skip)
    {
        // layout: npos, positional..., then (name, value) pairs
        var npos = Id(a[skip]);
        var args = new List<object?>(npos);
        for (var i = skip + 1; i <= skip + npos; i++) args.Add(Py.Norm(JinjaRuntime.Check(a[i])));
        var kw = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = skip + 1 + npos; i + 1 < a.Count; i += 2)
        {
            var key = (string)a[i]!;
            var value = Py.Norm(JinjaRuntime.Check(a[i + 1]));
            switch (key)
            {
                case "*":
                    args.AddRange(Py.Iterate(value));
                    break;
                case "**":
                    if (!Py.TryDict(value, out var extra)) throw new JinjaError($"argument after ** must be a mapping, not {Py.TypeName(value)}");
                    foreach (var kv in extra)
                    {
                        if (kw.ContainsKey(kv.Key)) throw new JinjaError($"got multiple values for keyword argument '{kv.Key}'");
                        kw[kv.Key] = Py.Norm(kv.Value);
                    }
                    break;
                default:
                    kw[key] = value;
                    break;
            }
        }
        return (args, kw);
    }

    internal static object? LookupName(JinjaContext cx, string name, bool strict)
    {
        var resolver = cx.Engine.Resolver;
        var local = cx.LocalPackage;
        // A unit test's macro overrides win over every macro, the project's own included.
        if (cx.Globals.TryGetValue(MacroOverrides.GlobalName, out var o) && o is IReadOnlyDictionary<string, object?> overrides &&
            overrides.TryGetValue(name, out var overridden)) return Py.Norm(overridden);
        // The project's own macros may shadow the built-in globals (dbt allows a custom ref); internal ones may not.
        if (resolver.FindOwn(name, local) is { } own) return own.AsMacro;
        if (cx.Globals.TryGetValue(name, out var v)) return Py.Norm(v);
        if (resolver.FindInternal(name) is { } found) return found.AsMacro;
        if (resolver.IsNamespace(name)) return new MacroNamespaceObject(resolver, name);
        if (EngineFunctions.TryGetValue(name, out var bf)) return bf;
        if (!strict) return new JUndefined(name);
        if (cx.Engine.DeclaredNotInstalled.Contains(name))
            throw new JinjaError($"'{name}' is undefined: package '{name}' is declared in packages.yml but not installed; run 'xform deps'");
        var candidates = cx.Globals.Keys.Concat(cx.Engine.Macros.Keys).Concat(EngineFunctions.Keys).Concat(resolver.PackageNames);
        var hint = Suggestions.DidYouMean(name, candidates);
        throw new JinjaError($"'{Suggestions.Shorten(name)}' is undefined{(hint.Length > 0 ? "." + hint : "")}");
    }

    private static object? CallMethod(JinjaContext cx, int id, object? target, string name, List<object?> args, Dictionary<string, object?> kw)
    {
        switch (target)
        {
            case JUndefined u: throw JinjaRuntime.Undefined(u);
            case null: throw new JinjaError($"'None' has no attribute '{name}'");
            case ITemplateObject o:
                if (o.TryGetMember(name, out var member)) return CallValue(cx, id, Py.Norm(member), args, kw, name);
                if (!JinjaRuntime.HasMethod(target, name)) throw new JinjaError($"'{target}' has no attribute '{name}'");
                break;
            case JLoop loop when name == "cycle":
                return args.Count == 0 ? throw new JinjaError("no items for cycling given") : args[loop.Index0 % args.Count];
            case JLoop loop when name == "changed":
                return loop.Changed(new JTuple(args));
        }
        if (Py.TryDict(target, out var d) && d.TryGetValue(name, out var dv) && IsCallable(dv))
            return CallValue(cx, id, Py.Norm(dv), args, kw, name);
        if (target is JNamespace ns && ns.TryGetValue(name, out var nv)) return CallValue(cx, id, nv, args, kw, name);
        return JinjaRuntime.CallMethod(target, name, args, kw);
    }

    private static bool IsCallable(object? v) => v is HostFunction or ITemplateCallable or JMacro or BuiltinFunction or BoundMethod;

    internal static object? CallValue(JinjaContext cx, int id, object? f, List<object?> args, Dictionary<string, object?> kw, string? name = null)
    {
        switch (f)
        {
            case JMacro m: return InvokeMacro(cx, m, args, kw);
            // the callee itself goes to CallHost, not a delegate made for it: ref, source and config are called for every model
            case HostFunction or ITemplateCallable: return CallHost(cx, id, name ?? "function", f, args, kw);
            case BoundMethod b: return JinjaRuntime.CallMethod(b.Target, b.Name, args, kw);
            case BuiltinFunction bf: return bf.Fn(args, kw);
            case JUndefined u: throw JinjaRuntime.Undefined(u);
            default: throw new JinjaError($"'{Py.TypeName(f)}' object is not callable");
        }
    }

    private static object? CallHost(JinjaContext cx, int id, string name, object f, List<object?> args, Dictionary<string, object?> kw)
    {
        var u = cx.CurrentUnit;
        var loc = id >= 0 && id < u.Locs.Length ? u.Locs[id] : u.Location;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var call = new TemplateCall(args, kw, loc);
            return Py.Norm(f is HostFunction h ? h(call) : ((ITemplateCallable)f).Invoke(call));
        }
        catch (XformException e)
        {
            throw new XformException(e.Message + u.Describe, loc, e);
        }
        catch (JinjaError)
        {
            throw;
        }
        catch (Exception e) when (e is not Scriban.Syntax.ScriptRuntimeException)
        {
            throw new XformException($"'{name}' failed: {e.Message}{u.Describe}", loc, e);
        }
        finally
        {
            // a host call (run_query, statement) may wait minutes on the database: not the template's time
            cx.NotTemplateTime(System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
    }

    internal static object? InvokeMacro(JinjaContext cx, JMacro m, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kw)
    {
        var u = m.Unit;
        var frame = u.NewFrame();
        var n = u.ParamNames.Length;
        if (args.Count > n && u.VarargsVar == null) throw new JinjaError(ArgCount(u, args.Count + kw.Count));
        var bound = new bool[n];
        for (var i = 0; i < Math.Min(n, args.Count); i++)
        {
            frame.SetValue(u.ParamVars[i], args[i], false);
            bound[i] = true;
        }
        if (u.VarargsVar != null) frame.SetValue(u.VarargsVar, new JTuple(args.Skip(n)), false);
        Dictionary<string, object?>? extra = null;
        foreach (var (key, value) in kw)
        {
            var idx = Array.IndexOf(u.ParamNames, key);
            if (idx >= 0)
            {
                if (bound[idx]) throw new JinjaError($"{Kind(u)} '{u.Name}' got multiple values for argument '{key}'");
                frame.SetValue(u.ParamVars[idx], value, false);
                bound[idx] = true;
            }
            else if (key == "caller" && u.CallerVar != null) frame.SetValue(u.CallerVar, value, false);
            else if (u.KwargsVar != null) (extra ??= new(StringComparer.Ordinal))[key] = value;
            else
            {
                var hint = Suggestions.DidYouMean(key, u.ParamNames);
                throw new JinjaError($"{Kind(u)} '{u.Name}' has no argument named '{key}'" + (hint.Length > 0 ? "." + hint : ""));
            }
        }
        if (u.KwargsVar != null) frame.SetValue(u.KwargsVar, extra ?? new Dictionary<string, object?>(StringComparer.Ordinal), false);
        // As in Jinja, a parameter the call leaves out (and that has no default) is undefined: it prints empty and
        // is not defined; dbt's packages rely on it (dbt_utils' tests call pretty_log_format() with no message).
        for (var i = 0; i < u.RequiredCount; i++)
            if (!bound[i]) frame.SetValue(u.ParamVars[i], new JUndefined(u.ParamNames[i]), false);
        return cx.Run(u, frame, m.Captured, true);
    }

    private static string Kind(Unit u) => u.Kind == UnitKind.Caller ? "caller" : "macro";

    private static string ArgCount(Unit u, int given)
    {
        var n = u.ParamNames.Length;
        var min = u.RequiredCount;
        var takes = n == 0 ? "takes no arguments" : min == n ? $"takes {n} argument{(n == 1 ? "" : "s")}" : $"takes {min} to {n} arguments";
        return $"{Kind(u)} '{u.Name}' {takes} but was called with {given}";
    }
}
