using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Xform.Core.Templating;

/// <summary>
/// Python's number and string formatting: <c>format(value, spec)</c> (the mini-language of <c>str.format</c>),
/// <c>'%s' % values</c> (printf style, also the <c>format</c> filter) and correctly rounded float digits
/// (Python rounds the exact binary value half to even; .NET's own formatting does not always).
/// </summary>
internal static class PyFormat
{
    // Exact float digits --------------------------------------------------------------------------------

    /// <summary>|d| as digits * 10^exp10, exactly.</summary>
    private static (BigInteger Digits, int Exp10) Exact(double d)
    {
        var bits = BitConverter.DoubleToInt64Bits(d);
        var e = (int)((bits >> 52) & 0x7FF);
        var m = bits & 0xFFFFFFFFFFFFFL;
        if (e == 0) e = 1; else m |= 1L << 52;
        e -= 1075;
        return e >= 0 ? (new BigInteger(m) << e, 0) : (new BigInteger(m) * BigInteger.Pow(5, -e), e);
    }

    /// <summary>A decimal against the exact value of a double.</summary>
    public static int CompareExact(decimal m, double d)
    {
        if (double.IsNaN(d)) return 1; // unordered: never equal
        if (double.IsInfinity(d)) return d > 0 ? -1 : 1;
        var bits = decimal.GetBits(m);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        if (m < 0) mantissa = -mantissa;
        var scale = (bits[3] >> 16) & 0xFF; // m = mantissa / 10^scale
        var (digits, exp) = Exact(Math.Abs(d)); // |d| = digits * 10^exp, exp <= 0 or digits whole
        if (d < 0) digits = -digits;
        // compare mantissa * 10^-scale with digits * 10^exp on the common scale 10^min(-scale, exp)
        var common = Math.Min(-scale, exp);
        return (mantissa * BigInteger.Pow(10, -scale - common)).CompareTo(digits * BigInteger.Pow(10, exp - common));
    }

    /// <summary>round(digits * 10^shift) half to even.</summary>
    private static BigInteger Scale(BigInteger digits, int shift)
    {
        if (shift >= 0) return digits * BigInteger.Pow(10, shift);
        var div = BigInteger.Pow(10, -shift);
        var q = BigInteger.DivRem(digits, div, out var r);
        var c = (r * 2).CompareTo(div);
        if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        return q;
    }

    /// <summary>|d| with <paramref name="precision"/> decimals ('f'), correctly rounded.</summary>
    public static string Fixed(double d, int precision)
    {
        var (digits, exp) = Exact(Math.Abs(d));
        var s = Scale(digits, exp + precision).ToString(CultureInfo.InvariantCulture);
        if (precision == 0) return s;
        if (s.Length <= precision) s = new string('0', precision - s.Length + 1) + s;
        return s[..^precision] + "." + s[^precision..];
    }

    /// <summary>The decimal exponent |d| has once rounded to <paramref name="precision"/> + 1 significant digits, and those digits.</summary>
    private static (string Digits, int Exp) Significant(double d, int precision)
    {
        if (d == 0) return (new string('0', precision + 1), 0);
        var (digits, exp) = Exact(Math.Abs(d));
        var e = digits.ToString(CultureInfo.InvariantCulture).Length - 1 + exp;
        var n = Scale(digits, exp - e + precision);
        var s = n.ToString(CultureInfo.InvariantCulture);
        if (s.Length > precision + 1) { e++; s = s[..(precision + 1)]; }
        return (s, e);
    }

    /// <summary>|d| in 'e' notation with <paramref name="precision"/> decimals.</summary>
    public static string Exponent(double d, int precision, char e = 'e')
    {
        var (s, x) = Significant(d, precision);
        var sb = new StringBuilder().Append(s[0]);
        if (precision > 0) sb.Append('.').Append(s, 1, precision);
        return sb.Append(e).Append(x < 0 ? '-' : '+').Append(Math.Abs(x).ToString("00", CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>|d| in 'g' notation; <paramref name="noneType"/> is format()'s spec without a type (at least one decimal).</summary>
    public static string General(double d, int precision, bool alternate, bool noneType = false, bool upper = false)
    {
        var p = precision == 0 ? 1 : precision;
        var (_, x) = Significant(d, p - 1);
        string r;
        if (x < -4 || x >= (noneType ? p - 1 : p))
        {
            r = Exponent(d, p - 1, upper ? 'E' : 'e');
            if (!alternate)
            {
                var ei = r.IndexOf(upper ? 'E' : 'e');
                var mant = r[..ei];
                if (mant.Contains('.')) mant = mant.TrimEnd('0').TrimEnd('.');
                r = mant + r[ei..];
            }
            return r;
        }
        r = Fixed(d, Math.Max(0, p - 1 - x));
        if (!alternate && r.Contains('.')) r = r.TrimEnd('0').TrimEnd('.');
        if (noneType && !r.Contains('.')) r += ".0";
        return r;
    }

    private static string Special(double d, bool upper) =>
        double.IsNaN(d) ? (upper ? "NAN" : "nan") : upper ? "INF" : "inf";

    // format(value, spec) ------------------------------------------------------------------------------

    /// <summary>Python's <c>format(value, spec)</c> for the values templates hold.</summary>
    public static string FormatValue(object? v, string spec)
    {
        if (spec.Length == 0) return Py.Str(v);
        var p = 0;
        char fill = ' ', align = '\0', sign = '-', grouping = '\0', type = '\0';
        bool alternate = false, zero = false;
        int width = -1, precision = -1;
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '=' or '^') { fill = spec[0]; align = spec[1]; p = 2; }
        else if (spec[0] is '<' or '>' or '=' or '^') { align = spec[0]; p = 1; }
        if (p < spec.Length && spec[p] is '+' or '-' or ' ') sign = spec[p++];
        if (p < spec.Length && spec[p] == 'z') p++;
        if (p < spec.Length && spec[p] == '#') { alternate = true; p++; }
        if (p < spec.Length && spec[p] == '0') { zero = true; p++; }
        var ws = p;
        while (p < spec.Length && char.IsAsciiDigit(spec[p])) p++;
        if (p > ws) width = int.Parse(spec.AsSpan(ws, p - ws), CultureInfo.InvariantCulture);
        if (p < spec.Length && spec[p] is ',' or '_') grouping = spec[p++];
        if (p < spec.Length && spec[p] == '.')
        {
            var ps = ++p;
            while (p < spec.Length && char.IsAsciiDigit(spec[p])) p++;
            if (p == ps) throw new JinjaError("Format specifier missing precision");
            precision = int.Parse(spec.AsSpan(ps, p - ps), CultureInfo.InvariantCulture);
        }
        if (p < spec.Length) type = spec[p++];
        if (p < spec.Length) throw new JinjaError("Invalid format specifier");
        if (zero && align == '\0') { fill = '0'; align = '='; }

        string body, prefix = "";
        bool negative = false, numeric = true;
        if (v is string s)
        {
            if (type is not ('\0' or 's')) throw new JinjaError($"Unknown format code '{type}' for object of type 'str'");
            if (sign != '-' || alternate) throw new JinjaError("Sign not allowed in string format specifier");
            body = precision >= 0 && precision < s.Length ? s[..precision] : s;
            numeric = false;
            if (align == '\0') align = '<';
        }
        else if (Py.IsInt(v, out var l) && v is not bool || v is bool && type != '\0' || v is bool && spec.Length > 0)
        {
            Py.IsInt(v, out l);
            if (type is 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or '%')
                return FormatValue((double)l, spec);
            if (precision >= 0) throw new JinjaError("Precision not allowed in integer format specifier");
            negative = l < 0;
            var u = negative ? -(BigInteger)l : l;
            switch (type)
            {
                case '\0' or 'd' or 'n': body = u.ToString(CultureInfo.InvariantCulture); break;
                case 'x': body = Radix(u, 16, false); if (alternate) prefix = "0x"; break;
                case 'X': body = Radix(u, 16, true); if (alternate) prefix = "0X"; break;
                case 'o': body = Radix(u, 8, false); if (alternate) prefix = "0o"; break;
                case 'b': body = Radix(u, 2, false); if (alternate) prefix = "0b"; break;
                case 'c': body = char.ConvertFromUtf32((int)l); numeric = false; break;
                default: throw new JinjaError($"Unknown format code '{type}' for object of type 'int'");
            }
            if (grouping != '\0') body = Group(body, grouping, type is 'x' or 'X' or 'o' or 'b' ? 4 : 3);
        }
        else if (v is decimal m && type is 'f' or 'F' or '%')
        {
            // Decimal formats its exact digits (half to even), not those of a float
            negative = m < 0;
            if (type == '%') m *= 100;
            var prec = precision < 0 ? 6 : precision;
            body = Math.Round(Math.Abs(m), Math.Min(prec, 28), MidpointRounding.ToEven).ToString("F" + prec, CultureInfo.InvariantCulture);
            if (alternate && prec == 0) body += ".";
            if (grouping != '\0')
            {
                var end = body.IndexOf('.') is var dot && dot >= 0 ? dot : body.Length;
                body = Group(body[..end], grouping, 3) + body[end..];
            }
            if (type == '%') body += "%";
        }
        else if (Py.IsFloat(v, out var d) && v is not bool)
        {
            negative = d < 0 || (d == 0 && double.IsNegative(d));
            if (type == '%') d *= 100;
            var prec = precision < 0 ? 6 : precision;
            if (!double.IsFinite(d)) body = Special(d, type is 'E' or 'F' or 'G');
            else
                body = type switch
                {
                    'f' or 'F' or '%' => Fixed(d, prec),
                    'e' or 'E' => Exponent(d, prec, type),
                    'g' or 'G' => General(d, prec, alternate, upper: type == 'G'),
                    'n' => General(d, prec, alternate),
                    '\0' => precision < 0 ? Py.FloatRepr(Math.Abs(d)) : General(d, precision, alternate, noneType: true),
                    _ => throw new JinjaError($"Unknown format code '{type}' for object of type 'float'"),
                };
            if (alternate && type is 'f' or 'F' or 'e' or 'E' or '%' && !body.Contains('.') && double.IsFinite(d))
            {
                var ei = body.IndexOfAny(['e', 'E']);
                body = ei < 0 ? body + "." : body.Insert(ei, ".");
            }
            if (grouping != '\0' && double.IsFinite(d))
            {
                var end = 0;
                while (end < body.Length && char.IsAsciiDigit(body[end])) end++;
                body = Group(body[..end], grouping, 3) + body[end..];
            }
            if (type == '%') body += "%";
        }
        else
            throw new JinjaError($"unsupported format string passed to {Py.TypeName(v)}.__format__");

        var signText = !numeric ? "" : negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
        if (align == '\0') align = '>';
        var content = signText + prefix + body;
        if (width <= content.Length) return content;
        var pad = width - content.Length;
        return align switch
        {
            '<' => content + new string(fill, pad),
            '^' => new string(fill, pad / 2) + content + new string(fill, pad - pad / 2),
            '=' => signText + prefix + new string(fill, pad) + body,
            _ => new string(fill, pad) + content,
        };
    }

    private static string Radix(BigInteger u, int radix, bool upper)
    {
        if (u.IsZero) return "0";
        var sb = new StringBuilder();
        var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        while (!u.IsZero) { sb.Insert(0, digits[(int)(u % radix)]); u /= radix; }
        return sb.ToString();
    }

    private static string Group(string digits, char sep, int size)
    {
        if (digits.Length <= size) return digits;
        var sb = new StringBuilder();
        var first = digits.Length % size;
        if (first > 0) sb.Append(digits, 0, first);
        for (var i = first; i < digits.Length; i += size)
        {
            if (sb.Length > 0) sb.Append(sep);
            sb.Append(digits, i, size);
        }
        return sb.ToString();
    }

    // str.format --------------------------------------------------------------------------------------

    /// <summary>Python's <c>str.format(*args, **kwargs)</c>: fields with attribute and index lookups, conversions and specs.</summary>
    public static string StrFormat(string s, List<object?> a, Dictionary<string, object?> kw)
    {
        var auto = 0;
        return StrFormat(s, a, kw, ref auto, 0);
    }

    private static string StrFormat(string s, List<object?> a, Dictionary<string, object?> kw, ref int auto, int depth)
    {
        if (depth > 1) throw new JinjaError("Max string recursion exceeded");
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '}')
            {
                if (i + 1 < s.Length && s[i + 1] == '}') { sb.Append('}'); i++; continue; }
                throw new JinjaError("Single '}' encountered in format string");
            }
            if (c != '{') { sb.Append(c); continue; }
            if (i + 1 < s.Length && s[i + 1] == '{') { sb.Append('{'); i++; continue; }
            // the field runs to the matching '}' (a spec may hold nested fields)
            var nest = 1;
            var end = i + 1;
            var inIndex = false;
            for (; end < s.Length; end++)
            {
                if (s[end] == '[') inIndex = true;
                else if (s[end] == ']') inIndex = false;
                else if (!inIndex && s[end] == '{') nest++;
                else if (!inIndex && s[end] == '}' && --nest == 0) break;
            }
            if (end >= s.Length) throw new JinjaError("expected '}' before end of string");
            var field = s[(i + 1)..end];
            i = end;
            var colon = FieldEnd(field, ':');
            var spec = colon < 0 ? "" : field[(colon + 1)..];
            if (colon >= 0) field = field[..colon];
            var bang = FieldEnd(field, '!');
            var conversion = '\0';
            if (bang >= 0)
            {
                if (bang + 2 != field.Length) throw new JinjaError("expected ':' after conversion specifier");
                conversion = field[bang + 1];
                field = field[..bang];
            }
            var v = Lookup(field, a, kw, ref auto);
            v = conversion switch
            {
                '\0' => v,
                's' => Py.Str(JinjaRuntime.Check(v)),
                'r' or 'a' => Py.Repr(JinjaRuntime.Check(v)),
                _ => throw new JinjaError($"Unknown conversion specifier {conversion}"),
            };
            if (spec.Contains('{')) spec = StrFormat(spec, a, kw, ref auto, depth + 1);
            sb.Append(FormatValue(JinjaRuntime.Check(v), spec));
        }
        return sb.ToString();
    }

    private static int FieldEnd(string field, char c)
    {
        var inIndex = false;
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '[') inIndex = true;
            else if (field[i] == ']') inIndex = false;
            else if (!inIndex && field[i] == c) return i;
        }
        return -1;
    }

    private static object? Lookup(string field, List<object?> a, Dictionary<string, object?> kw, ref int auto)
    {
        var p = 0;
        while (p < field.Length && field[p] != '.' && field[p] != '[') p++;
        var first = field[..p];
        object? v;
        if (first.Length == 0)
        {
            if (auto < 0) throw new JinjaError("cannot switch from manual field specification to automatic field numbering");
            v = auto < a.Count ? a[auto++] : throw new JinjaError($"Replacement index {auto} out of range for positional args tuple");
        }
        else if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            if (auto > 0) throw new JinjaError("cannot switch from automatic field numbering to manual field specification");
            auto = -1;
            v = n < a.Count ? a[n] : throw new JinjaError($"Replacement index {n} out of range for positional args tuple");
        }
        else v = kw.TryGetValue(first, out var kv) ? kv : throw new JinjaError($"KeyError: '{first}'");
        while (p < field.Length)
        {
            if (field[p] == '.')
            {
                var q = ++p;
                while (p < field.Length && field[p] != '.' && field[p] != '[') p++;
                v = JinjaRuntime.GetAttr(v, field[q..p]);
            }
            else
            {
                var close = field.IndexOf(']', p);
                if (close < 0) throw new JinjaError("Missing ']' in format string");
                var key = field[(p + 1)..close];
                v = JinjaRuntime.GetItem(v, long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var ik) ? ik : key);
                p = close + 1;
            }
            if (v is JUndefined u) throw JinjaRuntime.Undefined(u);
        }
        return v;
    }

    // printf style ------------------------------------------------------------------------------------

    /// <summary>Python's <c>format % values</c>: a tuple gives the positional values, a dict the named ones, anything else is one value.</summary>
    public static string Printf(string format, object? values)
    {
        var positional = values is JTuple t ? (IList)t : null;
        var mapping = values is not JTuple && Py.TryDict(values, out var m) ? m : null;
        var next = 0;
        var usedMapping = false;
        object? NextValue()
        {
            if (positional == null)
            {
                if (next++ > 0) throw new JinjaError("not enough arguments for format string");
                return values;
            }
            if (next >= positional.Count) throw new JinjaError("not enough arguments for format string");
            return Py.Norm(positional[next++]);
        }
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%') { sb.Append(c); continue; }
            if (++i >= format.Length) throw new JinjaError("incomplete format");
            object? value = null;
            var hasValue = false;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0) throw new JinjaError("incomplete format key");
                if (mapping == null) throw new JinjaError("format requires a mapping");
                var key = format[(i + 1)..close];
                value = mapping.TryGetValue(key, out var mv) ? Py.Norm(mv) : throw new JinjaError($"KeyError: '{key}'");
                hasValue = usedMapping = true;
                i = close + 1;
            }
            bool left = false, plus = false, space = false, zero = false, alternate = false;
            for (; i < format.Length && format[i] is '-' or '+' or ' ' or '0' or '#'; i++)
                switch (format[i])
                {
                    case '-': left = true; break;
                    case '+': plus = true; break;
                    case ' ': space = true; break;
                    case '0': zero = true; break;
                    default: alternate = true; break;
                }
            var width = 0;
            if (i < format.Length && format[i] == '*') { width = (int)ToLong(NextValue(), "* wants int"); i++; }
            else while (i < format.Length && char.IsAsciiDigit(format[i])) width = width * 10 + (format[i++] - '0');
            var precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = 0;
                if (i < format.Length && format[i] == '*') { precision = (int)ToLong(NextValue(), "* wants int"); i++; }
                else while (i < format.Length && char.IsAsciiDigit(format[i])) precision = precision * 10 + (format[i++] - '0');
            }
            while (i < format.Length && format[i] is 'h' or 'l' or 'L') i++;
            if (i >= format.Length) throw new JinjaError("incomplete format");
            var type = format[i];
            if (type == '%') { sb.Append('%'); continue; }
            if (!hasValue) value = NextValue();
            JinjaRuntime.Check(value);
            string body;
            var negative = false;
            var numeric = true;
            var prefix = "";
            switch (type)
            {
                case 's': body = Py.Str(value); numeric = false; if (precision >= 0 && precision < body.Length) body = body[..precision]; break;
                case 'r' or 'a': body = Py.Repr(value); numeric = false; if (precision >= 0 && precision < body.Length) body = body[..precision]; break;
                case 'c':
                    numeric = false;
                    body = value is string cs && cs.Length == 1 ? cs : char.ConvertFromUtf32((int)ToLong(value, "%c requires an int or a unicode character"));
                    break;
                case 'd' or 'i' or 'u' or 'x' or 'X' or 'o':
                    {
                        BigInteger n;
                        if (Py.IsInt(value, out var l)) n = l;
                        else if (type is 'd' or 'i' or 'u' && Py.IsFloat(value, out var fd) && double.IsFinite(fd)) n = new BigInteger(Math.Truncate(fd));
                        else throw new JinjaError($"%{type} format: {(type is 'd' or 'i' or 'u' ? "a real number" : "an integer")} is required, not {Py.TypeName(value)}");
                        negative = n.Sign < 0;
                        var u = BigInteger.Abs(n);
                        body = type switch
                        {
                            'x' => Radix(u, 16, false),
                            'X' => Radix(u, 16, true),
                            'o' => Radix(u, 8, false),
                            _ => u.ToString(CultureInfo.InvariantCulture),
                        };
                        if (alternate) prefix = type switch { 'x' => "0x", 'X' => "0X", 'o' => "0o", _ => "" };
                        if (precision > body.Length) body = new string('0', precision - body.Length) + body;
                        break;
                    }
                case 'e' or 'E' or 'f' or 'F' or 'g' or 'G':
                    {
                        if (!Py.IsFloat(value, out var d)) throw new JinjaError($"must be real number, not {Py.TypeName(value)}");
                        negative = d < 0 || (d == 0 && double.IsNegative(d));
                        var prec = precision < 0 ? 6 : precision;
                        body = !double.IsFinite(d) ? Special(d, type is 'E' or 'F' or 'G')
                            : type switch
                            {
                                'f' or 'F' => Fixed(d, prec),
                                'e' or 'E' => Exponent(d, prec, type),
                                _ => General(d, prec, alternate, upper: type == 'G'),
                            };
                        if (alternate && type is 'f' or 'F' && !body.Contains('.') && double.IsFinite(d)) body += ".";
                        if (!double.IsFinite(d)) zero = false;
                        break;
                    }
                default:
                    throw new JinjaError($"unsupported format character '{type}' (0x{(int)type:x}) at index {i}");
            }
            var signText = !numeric ? "" : negative ? "-" : plus ? "+" : space ? " " : "";
            var content = signText + prefix + body;
            if (content.Length >= width) sb.Append(content);
            else if (left) sb.Append(content).Append(' ', width - content.Length);
            else if (zero && numeric) sb.Append(signText).Append(prefix).Append('0', width - content.Length).Append(body);
            else sb.Append(' ', width - content.Length).Append(content);
        }
        if (positional != null ? next < positional.Count : !usedMapping && mapping == null && next == 0)
            throw new JinjaError("not all arguments converted during string formatting");
        return sb.ToString();
    }

    private static long ToLong(object? v, string message) => Py.IsInt(v, out var l) ? l : throw new JinjaError(message);
}
