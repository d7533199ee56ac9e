using System.Collections;

namespace Xform.Core.Runtime;

/// <summary>
/// The globals of one render: the node's own names (ref, this, config, ...) over the session's, which are built once
/// and only read. Setting a name sets it for this render only; nothing is copied per render.
/// </summary>
/// <param name="own">how many names the render sets of its own, at first</param>
public sealed class RenderGlobals(IReadOnlyDictionary<string, object?> shared, int own = 16) : IReadOnlyDictionary<string, object?>
{
    readonly Dictionary<string, object?> _own = new(own, StringComparer.Ordinal);
    IReadOnlySet<string>? _watched;
    IReadOnlySet<string>? _deferredNames;
    Func<string, object?>? _deferred;

    /// <summary>Names whose values are made by <paramref name="make"/> when a render first reads them (then kept as its own).</summary>
    public void Defer(IReadOnlySet<string> names, Func<string, object?> make) => (_deferredNames, _deferred) = (names, make);

    bool TryDeferred(string key, out object? value)
    {
        value = null;
        if (_deferredNames is null || !_deferredNames.Contains(key)) return false;
        _own[key] = value = _deferred!(key);
        return true;
    }

    HashSet<string>? _watchedRead;

    /// <summary>Notes from now on whether the render reads one of <paramref name="names"/> (see <see cref="ReadWatched"/>).</summary>
    public void Watch(IReadOnlySet<string> names) => _watched = names;

    /// <summary>Whether a watched name was read (partial parsing keeps no result of a render that read the clock, the log, ...).</summary>
    public bool ReadWatched => _watchedRead is not null;

    /// <summary>Whether the render read one of <paramref name="names"/> (watched: a subset of what <see cref="Watch"/> was given).</summary>
    public bool ReadAnyOf(IReadOnlySet<string> names) => _watchedRead?.Overlaps(names) == true;

    public object? this[string key]
    {
        get
        {
            Note(key);
            return _own.TryGetValue(key, out var v) || TryDeferred(key, out v) ? v : shared[key];
        }
        set => _own[key] = value;
    }

    public bool TryGetValue(string key, out object? value)
    {
        Note(key);
        return _own.TryGetValue(key, out value) || TryDeferred(key, out value) || shared.TryGetValue(key, out value);
    }

    void Note(string key)
    {
        if (_watched is not null && _watched.Contains(key)) (_watchedRead ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
    }

    public bool ContainsKey(string key) => _own.ContainsKey(key) || _deferredNames?.Contains(key) == true || shared.ContainsKey(key);

    public IEnumerable<string> Keys
    {
        get
        {
            // a list: reading a deferred name while enumerating adds it to the render's own names
            var deferred = _deferredNames?.Where(k => !_own.ContainsKey(k)).ToList() ?? [];
            return _own.Keys.Concat(deferred).Concat(shared.Keys.Where(k => !_own.ContainsKey(k) && !deferred.Contains(k))).ToList();
        }
    }

    public IEnumerable<object?> Values => Keys.Select(k => this[k]);

    public int Count => Keys.Count();

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        Keys.Select(k => new KeyValuePair<string, object?>(k, this[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
