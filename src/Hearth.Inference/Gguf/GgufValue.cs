using System.Globalization;

namespace Hearth.Inference.Gguf;

/// <summary>
/// A metadata value: a boxed scalar (<see cref="byte"/>, <see cref="sbyte"/>, <see cref="ushort"/>, <see cref="short"/>,
/// <see cref="uint"/>, <see cref="int"/>, <see cref="float"/>, <see cref="bool"/>, <see cref="string"/>, <see cref="ulong"/>,
/// <see cref="long"/>, <see cref="double"/>) or a <see cref="GgufArray"/>. Immutable.
/// </summary>
public sealed class GgufValue
{
    /// <summary>Wraps <paramref name="value"/>; its CLR type must match <paramref name="type"/> exactly.</summary>
    public GgufValue(GgufValueType type, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Matches(type, value))
        {
            throw new ArgumentException($"A {value.GetType().Name} cannot be stored as GGUF type {type}.", nameof(value));
        }
        Type = type;
        Value = value;
    }

    public GgufValueType Type { get; }

    /// <summary>The boxed scalar, string, or <see cref="GgufArray"/>.</summary>
    public object Value { get; }

    /// <summary>The array, or null when this is not an array.</summary>
    public GgufArray? AsArray => Value as GgufArray;

    /// <summary>True for any integer type.</summary>
    public bool IsInteger => GgufValueTypeInfo.IsInteger(Type);

    /// <summary>The integer value widened to <see cref="long"/>; false for non-integers and UInt64 values above <see cref="long.MaxValue"/>.</summary>
    public bool TryGetInt64(out long result)
    {
        switch (Value)
        {
            case byte v: result = v; return true;
            case sbyte v: result = v; return true;
            case ushort v: result = v; return true;
            case short v: result = v; return true;
            case uint v: result = v; return true;
            case int v: result = v; return true;
            case long v: result = v; return true;
            case ulong v when v <= long.MaxValue: result = (long)v; return true;
            default: result = 0; return false;
        }
    }

    /// <summary>Float32/Float64 or any integer as a <see cref="double"/>; false otherwise.</summary>
    public bool TryGetDouble(out double result)
    {
        switch (Value)
        {
            case float f: result = f; return true;
            case double d: result = d; return true;
            case ulong u: result = u; return true;
            default:
                var ok = TryGetInt64(out var l);
                result = l;
                return ok;
        }
    }

    public static GgufValue From(string value) => new(GgufValueType.String, value);
    public static GgufValue From(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue From(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue From(int value) => new(GgufValueType.Int32, value);
    public static GgufValue From(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue From(long value) => new(GgufValueType.Int64, value);
    public static GgufValue From(float value) => new(GgufValueType.Float32, value);
    public static GgufValue From(double value) => new(GgufValueType.Float64, value);
    public static GgufValue From(string[] values) => new(GgufValueType.Array, new GgufArray(GgufValueType.String, values));
    public static GgufValue From(float[] values) => new(GgufValueType.Array, new GgufArray(GgufValueType.Float32, values));
    public static GgufValue From(int[] values) => new(GgufValueType.Array, new GgufArray(GgufValueType.Int32, values));

    public override string ToString() => Value switch
    {
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };

    internal static bool Matches(GgufValueType type, object value) => type switch
    {
        GgufValueType.UInt8 => value is byte,
        GgufValueType.Int8 => value is sbyte,
        GgufValueType.UInt16 => value is ushort,
        GgufValueType.Int16 => value is short,
        GgufValueType.UInt32 => value is uint,
        GgufValueType.Int32 => value is int,
        GgufValueType.Float32 => value is float,
        GgufValueType.Bool => value is bool,
        GgufValueType.String => value is string,
        GgufValueType.Array => value is GgufArray,
        GgufValueType.UInt64 => value is ulong,
        GgufValueType.Int64 => value is long,
        GgufValueType.Float64 => value is double,
        _ => false,
    };
}
