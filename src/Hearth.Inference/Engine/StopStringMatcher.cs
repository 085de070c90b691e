using System.Text;

namespace Hearth.Inference.Engine;

/// <summary>
/// Releases generated text so that no stop string, nor anything after one, is ever emitted: text that could be the start of a
/// stop string is held back until it is disproved (then released) or completed (then dropped with the rest).
/// </summary>
internal sealed class StopStringMatcher
{
    private readonly string[] _stops;
    private readonly StringBuilder _pending = new();

    public StopStringMatcher(IReadOnlyList<string> stopStrings)
    {
        _stops = stopStrings.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>True once a stop string has been seen; later text is ignored.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds newly decoded text; returns the text that is now safe to emit.</summary>
    public string Append(string text)
    {
        if (Stopped)
        {
            return string.Empty;
        }
        if (_stops.Length == 0)
        {
            return text;
        }
        _pending.Append(text);
        var pending = _pending.ToString();

        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var at = pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt))
            {
                stopAt = at;
            }
        }
        if (stopAt >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return pending[..stopAt];
        }

        var hold = LongestSuffixThatStartsAStop(pending);
        _pending.Clear();
        _pending.Append(pending, pending.Length - hold, hold);
        return pending[..^hold];
    }

    /// <summary>End of generation: releases any held-back text (it never completed a stop string).</summary>
    public string Flush()
    {
        if (Stopped)
        {
            return string.Empty;
        }
        var rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }

    private int LongestSuffixThatStartsAStop(string text)
    {
        var best = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > best; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    best = length;
                    break;
                }
            }
        }
        return best;
    }
}
