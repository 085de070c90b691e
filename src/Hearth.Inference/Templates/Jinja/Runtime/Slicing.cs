using System.Text;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>Python slicing (<c>x[start:stop:step]</c>) over lists, tuples and strings (by code point).</summary>
internal static class Slicing
{
    public static object? Slice(object? value, object? start, object? stop, object? step)
    {
        long stepValue = ToIndex(step) ?? 1;
        if (stepValue == 0)
        {
            throw new TemplateTypeError("slice step cannot be zero");
        }
        switch (value)
        {
            case Markup markup:
                return new Markup((string)Slice(markup.Value, start, stop, step)!);
            case PyGenerator:
                throw new TemplateTypeError("'generator' object is not subscriptable");
            case string s:
                {
                    bool simple = PyText.Length(s) == s.Length;
                    IReadOnlyList<object?>? points = simple ? null : PyText.CodePoints(s);
                    int length = points?.Count ?? s.Length;
                    var indices = Indices(length, ToIndex(start), ToIndex(stop), stepValue);
                    if (simple && stepValue == 1)
                    {
                        return indices.Count == 0 ? "" : s.Substring(indices[0], indices.Count);
                    }
                    var sb = new StringBuilder(indices.Count);
                    foreach (int i in indices)
                    {
                        if (points is null)
                        {
                            sb.Append(s[i]);
                        }
                        else
                        {
                            sb.Append((string)points[i]!);
                        }
                    }
                    return sb.ToString();
                }
            case List<object?> list:
                return Pick(list, ToIndex(start), ToIndex(stop), stepValue);
            case PyTuple tuple:
                return new PyTuple([.. Pick(tuple, ToIndex(start), ToIndex(stop), stepValue)]);
            case Undefined undefined:
                throw new UndefinedValueException(undefined.Hint);
            default:
                throw new TemplateTypeError($"'{PyOps.TypeName(value)}' object is not subscriptable");
        }
    }

    private static List<object?> Pick(IReadOnlyList<object?> items, long? start, long? stop, long step)
    {
        var result = new List<object?>();
        foreach (int i in Indices(items.Count, start, stop, step))
        {
            result.Add(items[i]);
        }
        return result;
    }

    private static long? ToIndex(object? value) => value switch
    {
        null => null,
        long l => l,
        bool b => b ? 1 : 0,
        Undefined => null,
        _ => throw new TemplateTypeError("slice indices must be integers or None"),
    };

    private static List<int> Indices(int length, long? start, long? stop, long step)
    {
        long lo;
        long hi;
        if (step > 0)
        {
            lo = Clamp(start ?? 0, length, 0, length);
            hi = Clamp(stop ?? length, length, 0, length);
        }
        else
        {
            lo = Clamp(start ?? length - 1, length, -1, length - 1);
            hi = stop is null ? -1 : Clamp(stop.Value, length, -1, length - 1);
        }
        var result = new List<int>();
        if (step > 0)
        {
            for (long i = lo; i < hi; i += step)
            {
                result.Add((int)i);
            }
        }
        else
        {
            for (long i = lo; i > hi; i += step)
            {
                result.Add((int)i);
            }
        }
        return result;
    }

    private static long Clamp(long index, int length, long min, long max)
    {
        if (index < 0)
        {
            index += length;
        }
        return Math.Clamp(index, min, max);
    }
}
