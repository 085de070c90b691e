namespace Hearth.Inference.Engine.Json;

/// <summary>
/// A byte-at-a-time recogniser for one JSON object (RFC 8259 syntax; the top level must be an object), as a small copyable
/// struct so a candidate token can be tried on a copy. Nesting depth is limited to <see cref="MaxDepth"/> and runs of
/// whitespace to <see cref="MaxWhitespaceRun"/> bytes, so a constrained model cannot pad forever. Bytes ≥ 0x80 are accepted
/// inside strings only (UTF-8 validity is the tokenizer's business).
/// </summary>
internal struct JsonGrammarState
{
    public const int MaxDepth = 32;
    public const int MaxWhitespaceRun = 16;

    private Mode _mode;
    private int _depth;
    private uint _stack;           // bit i set: container at depth i+1 is an array, clear: an object
    private bool _stringIsKey;
    private int _unicodeDigitsLeft;
    private int _literal;          // 0 true, 1 false, 2 null
    private int _literalIndex;
    private int _whitespaceRun;

    private static readonly byte[][] s_literals = ["true"u8.ToArray(), "false"u8.ToArray(), "null"u8.ToArray()];

    private enum Mode : byte
    {
        Start,            // before the top-level '{'
        ObjectFirstKey,   // after '{': a key or '}'
        ObjectKey,        // after ',' in an object: a key
        Colon,            // after a key
        Value,            // after ':' or '[' handled separately, or ',' in an array
        ArrayFirstValue,  // after '[': a value or ']'
        AfterValue,       // ',' or the container's closer
        String,
        StringEscape,
        StringUnicode,
        NumberMinus,      // after '-'
        NumberZero,       // "0" or "-0"
        NumberInteger,    // [1-9][0-9]*
        NumberDot,        // after '.'
        NumberFraction,
        NumberExponent,   // after e/E
        NumberExponentSign,
        NumberExponentDigits,
        Literal,
        Done,
        Dead,
    }

    /// <summary>True once the top-level object has closed.</summary>
    public readonly bool IsComplete => _mode == Mode.Done;

    /// <summary>True if an invalid byte was seen.</summary>
    public readonly bool IsDead => _mode == Mode.Dead;

    /// <summary>Current nesting depth (0 outside the top-level object).</summary>
    public readonly int Depth => _depth;

    /// <summary>Feeds bytes; returns false (and stays dead) at the first byte that cannot continue valid JSON.</summary>
    public bool Accept(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (!Accept(b))
            {
                _mode = Mode.Dead;
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A lower bound-free estimate of the bytes still needed to finish: closing quote/number/literal, then a value if one is
    /// owed, then one closer per open container. Used to steer towards completion when the token budget runs low.
    /// </summary>
    public readonly int BytesToFinish()
    {
        var closers = _depth;
        return _mode switch
        {
            Mode.Start => 2,
            Mode.ObjectFirstKey or Mode.ArrayFirstValue or Mode.AfterValue => closers,
            Mode.ObjectKey => 4 + closers,                         // "":0
            Mode.Colon => 2 + closers,                             // :0
            Mode.Value => 1 + closers,                             // 0
            Mode.String => 1 + (_stringIsKey ? 2 : 0) + closers,
            Mode.StringEscape => 2 + (_stringIsKey ? 2 : 0) + closers,
            Mode.StringUnicode => _unicodeDigitsLeft + 1 + (_stringIsKey ? 2 : 0) + closers,
            Mode.NumberMinus or Mode.NumberDot or Mode.NumberExponent or Mode.NumberExponentSign => 1 + closers,
            Mode.Literal => s_literals[_literal].Length - _literalIndex + closers,
            Mode.Done => 0,
            Mode.Dead => int.MaxValue,
            _ => closers,                                          // a number that may end here
        };
    }

    private bool Accept(byte b)
    {
        switch (_mode)
        {
            case Mode.String:
                if (b == '"')
                {
                    _mode = _stringIsKey ? Mode.Colon : Mode.AfterValue;
                    _whitespaceRun = 0;
                    return true;
                }
                if (b == '\\')
                {
                    _mode = Mode.StringEscape;
                    return true;
                }
                return b >= 0x20;
            case Mode.StringEscape:
                if (b == 'u')
                {
                    _mode = Mode.StringUnicode;
                    _unicodeDigitsLeft = 4;
                    return true;
                }
                _mode = Mode.String;
                return b is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t';
            case Mode.StringUnicode:
                if (!char.IsAsciiHexDigit((char)b))
                {
                    return false;
                }
                if (--_unicodeDigitsLeft == 0)
                {
                    _mode = Mode.String;
                }
                return true;
            case Mode.Literal:
                var literal = s_literals[_literal];
                if (b != literal[_literalIndex])
                {
                    return false;
                }
                if (++_literalIndex == literal.Length)
                {
                    EndValue();
                }
                return true;
            case Mode.NumberMinus:
                if (b == '0')
                {
                    _mode = Mode.NumberZero;
                    return true;
                }
                if (b is >= (byte)'1' and <= (byte)'9')
                {
                    _mode = Mode.NumberInteger;
                    return true;
                }
                return false;
            case Mode.NumberZero:
            case Mode.NumberInteger:
                if (_mode == Mode.NumberInteger && char.IsAsciiDigit((char)b))
                {
                    return true;
                }
                if (b == '.')
                {
                    _mode = Mode.NumberDot;
                    return true;
                }
                if (b is (byte)'e' or (byte)'E')
                {
                    _mode = Mode.NumberExponent;
                    return true;
                }
                EndValue();
                return Accept(b);
            case Mode.NumberDot:
                if (!char.IsAsciiDigit((char)b))
                {
                    return false;
                }
                _mode = Mode.NumberFraction;
                return true;
            case Mode.NumberFraction:
                if (char.IsAsciiDigit((char)b))
                {
                    return true;
                }
                if (b is (byte)'e' or (byte)'E')
                {
                    _mode = Mode.NumberExponent;
                    return true;
                }
                EndValue();
                return Accept(b);
            case Mode.NumberExponent:
                if (b is (byte)'+' or (byte)'-')
                {
                    _mode = Mode.NumberExponentSign;
                    return true;
                }
                if (!char.IsAsciiDigit((char)b))
                {
                    return false;
                }
                _mode = Mode.NumberExponentDigits;
                return true;
            case Mode.NumberExponentSign:
                if (!char.IsAsciiDigit((char)b))
                {
                    return false;
                }
                _mode = Mode.NumberExponentDigits;
                return true;
            case Mode.NumberExponentDigits:
                if (char.IsAsciiDigit((char)b))
                {
                    return true;
                }
                EndValue();
                return Accept(b);
            case Mode.Done:
            case Mode.Dead:
                return false;
        }

        // Structural modes: whitespace is allowed between tokens, in bounded runs.
        if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            return ++_whitespaceRun <= MaxWhitespaceRun;
        }
        _whitespaceRun = 0;
        switch (_mode)
        {
            case Mode.Start:
                return b == '{' && Open(array: false);
            case Mode.ObjectFirstKey:
                if (b == '}')
                {
                    return Close(array: false);
                }
                return b == '"' && BeginString(key: true);
            case Mode.ObjectKey:
                return b == '"' && BeginString(key: true);
            case Mode.Colon:
                if (b != ':')
                {
                    return false;
                }
                _mode = Mode.Value;
                return true;
            case Mode.ArrayFirstValue:
                if (b == ']')
                {
                    return Close(array: true);
                }
                return BeginValue(b);
            case Mode.Value:
                return BeginValue(b);
            case Mode.AfterValue:
                var inArray = InArray;
                if (b == ',')
                {
                    _mode = inArray ? Mode.Value : Mode.ObjectKey;
                    return true;
                }
                return (b == '}' && !inArray && Close(array: false)) || (b == ']' && inArray && Close(array: true));
            default:
                return false;
        }
    }

    private readonly bool InArray => _depth > 0 && (_stack & (1u << (_depth - 1))) != 0;

    private bool BeginValue(byte b)
    {
        switch (b)
        {
            case (byte)'{':
                return Open(array: false);
            case (byte)'[':
                return Open(array: true);
            case (byte)'"':
                return BeginString(key: false);
            case (byte)'-':
                _mode = Mode.NumberMinus;
                return true;
            case (byte)'0':
                _mode = Mode.NumberZero;
                return true;
            case >= (byte)'1' and <= (byte)'9':
                _mode = Mode.NumberInteger;
                return true;
            case (byte)'t':
            case (byte)'f':
            case (byte)'n':
                _literal = b == 't' ? 0 : b == 'f' ? 1 : 2;
                _literalIndex = 1;
                _mode = Mode.Literal;
                return true;
            default:
                return false;
        }
    }

    private bool BeginString(bool key)
    {
        _stringIsKey = key;
        _mode = Mode.String;
        return true;
    }

    private bool Open(bool array)
    {
        if (_depth >= MaxDepth)
        {
            return false;
        }
        if (array)
        {
            _stack |= 1u << _depth;
        }
        else
        {
            _stack &= ~(1u << _depth);
        }
        _depth++;
        _mode = array ? Mode.ArrayFirstValue : Mode.ObjectFirstKey;
        return true;
    }

    private bool Close(bool array)
    {
        if (_depth == 0 || InArray != array)
        {
            return false;
        }
        _depth--;
        if (_depth == 0)
        {
            _mode = Mode.Done;
        }
        else
        {
            _mode = Mode.AfterValue;
        }
        return true;
    }

    private void EndValue()
    {
        _mode = Mode.AfterValue;
        _whitespaceRun = 0;
    }
}
