using System.Globalization;
using System.Text;

namespace Hearth.Inference.Templates.Jinja;

/// <summary>
/// Splits a template into text and tag tokens with Jinja2's whitespace control applied at lex time:
/// <c>-</c> modifiers strip all whitespace on their side, <c>trim_blocks</c> drops the first newline after a
/// statement or comment tag, <c>lstrip_blocks</c> drops spaces/tabs before a statement or comment tag that starts a line,
/// and <c>+</c> disables those two for its tag.
/// </summary>
internal sealed class Lexer
{
    private readonly SourceText _source;
    private readonly string _s;
    private readonly List<Token> _tokens = [];
    private int _pos;

    private Lexer(SourceText source)
    {
        _source = source;
        _s = source.Text;
    }

    public static List<Token> Tokenize(SourceText source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _s.Length)
        {
            int tagStart = FindTagStart(_pos);
            if (tagStart < 0)
            {
                EmitText(_pos, _s.Length - _pos);
                _pos = _s.Length;
                break;
            }
            char kind = _s[tagStart + 1];
            char modifier = tagStart + 2 < _s.Length ? _s[tagStart + 2] : '\0';
            int textStart = _pos;
            int textLength = tagStart - textStart;
            if (modifier == '-')
            {
                while (textLength > 0 && PyText.IsSpace(_s[textStart + textLength - 1]))
                {
                    textLength--;
                }
            }
            else if (modifier != '+' && kind != '{')
            {
                textLength = LstripBlocks(textStart, textLength);
            }
            EmitText(textStart, textLength);
            int inner = tagStart + 2 + (modifier is '-' or '+' ? 1 : 0);
            switch (kind)
            {
                case '#':
                    LexComment(tagStart, inner);
                    break;
                case '%':
                    _tokens.Add(new Token(TokenKind.BlockBegin, "{%", tagStart));
                    LexInside(inner, isBlock: true);
                    break;
                default:
                    _tokens.Add(new Token(TokenKind.VariableBegin, "{{", tagStart));
                    LexInside(inner, isBlock: false);
                    break;
            }
        }
        _tokens.Add(new Token(TokenKind.EndOfFile, "", _s.Length));
    }

    private int FindTagStart(int from)
    {
        while (true)
        {
            int i = _s.IndexOf('{', from);
            if (i < 0 || i + 1 >= _s.Length)
            {
                return -1;
            }
            char next = _s[i + 1];
            if (next is '{' or '%' or '#')
            {
                return i;
            }
            from = i + 1;
        }
    }

    // lstrip_blocks: spaces/tabs between the last line start and a statement/comment tag are removed,
    // when the tag is the first non-blank thing on its line.
    private int LstripBlocks(int textStart, int textLength)
    {
        int end = textStart + textLength;
        int newline = textLength == 0 ? -1 : _s.LastIndexOf('\n', end - 1, textLength);
        int lineStart;
        if (newline >= 0)
        {
            lineStart = newline + 1;
        }
        else if (textStart == 0 || _s[textStart - 1] == '\n')
        {
            lineStart = textStart;
        }
        else
        {
            return textLength;
        }
        for (int i = lineStart; i < end; i++)
        {
            if (_s[i] is not (' ' or '\t'))
            {
                return textLength;
            }
        }
        return lineStart - textStart;
    }

    private void EmitText(int start, int length)
    {
        if (length > 0)
        {
            _tokens.Add(new Token(TokenKind.Text, _s.Substring(start, length), start));
        }
    }

    private void LexComment(int tagStart, int inner)
    {
        int close = _s.IndexOf("#}", inner, StringComparison.Ordinal);
        if (close < 0)
        {
            throw Error("unexpected end of template: missing end of comment tag '#}'", tagStart);
        }
        char modifier = close > inner && _s[close - 1] is '-' or '+' ? _s[close - 1] : '\0';
        _pos = close + 2;
        AfterTagEnd(modifier, trimBlocks: true);
    }

    private void AfterTagEnd(char modifier, bool trimBlocks)
    {
        if (modifier == '-')
        {
            while (_pos < _s.Length && PyText.IsSpace(_s[_pos]))
            {
                _pos++;
            }
        }
        else if (modifier != '+' && trimBlocks && _pos < _s.Length && _s[_pos] == '\n')
        {
            _pos++;
        }
    }

    private void LexInside(int p, bool isBlock)
    {
        int braceDepth = 0;
        while (true)
        {
            while (p < _s.Length && PyText.IsSpace(_s[p]))
            {
                p++;
            }
            if (p >= _s.Length)
            {
                throw Error(isBlock ? "unexpected end of template: missing '%}'" : "unexpected end of template: missing '}}'", p);
            }
            char c = _s[p];
            if (isBlock)
            {
                if ((c is '-' or '+') && At(p + 1, "%}"))
                {
                    EndTag(TokenKind.BlockEnd, p, p + 3, c, trimBlocks: true);
                    return;
                }
                if (At(p, "%}"))
                {
                    EndTag(TokenKind.BlockEnd, p, p + 2, '\0', trimBlocks: true);
                    return;
                }
            }
            else if (braceDepth == 0)
            {
                if (c == '-' && At(p + 1, "}}"))
                {
                    EndTag(TokenKind.VariableEnd, p, p + 3, '-', trimBlocks: false);
                    return;
                }
                if (At(p, "}}"))
                {
                    EndTag(TokenKind.VariableEnd, p, p + 2, '\0', trimBlocks: false);
                    return;
                }
            }
            if (c == '_' || char.IsAsciiLetter(c))
            {
                int start = p;
                while (p < _s.Length && (_s[p] == '_' || char.IsAsciiLetterOrDigit(_s[p])))
                {
                    p++;
                }
                _tokens.Add(new Token(TokenKind.Name, _s[start..p], start));
            }
            else if (char.IsAsciiDigit(c))
            {
                p = LexNumber(p);
            }
            else if (c is '\'' or '"')
            {
                p = LexString(p);
            }
            else
            {
                string op = MatchOperator(p) ?? throw Error($"unexpected char '{c}'", p);
                if (op == "{")
                {
                    braceDepth++;
                }
                else if (op == "}")
                {
                    braceDepth = Math.Max(0, braceDepth - 1);
                }
                _tokens.Add(new Token(TokenKind.Operator, op, p));
                p += op.Length;
            }
        }
    }

    private void EndTag(TokenKind kind, int at, int after, char modifier, bool trimBlocks)
    {
        _tokens.Add(new Token(kind, kind == TokenKind.BlockEnd ? "%}" : "}}", at));
        _pos = after;
        AfterTagEnd(modifier, trimBlocks);
    }

    private bool At(int p, string text) => p >= 0 && p + text.Length <= _s.Length && _s.AsSpan(p, text.Length).SequenceEqual(text);

    private static readonly string[] s_operators =
    [
        "//", "**", "==", "!=", "<=", ">=",
        "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", ";",
    ];

    private string? MatchOperator(int p)
    {
        foreach (string op in s_operators)
        {
            if (At(p, op))
            {
                return op;
            }
        }
        return null;
    }

    private int LexNumber(int p)
    {
        int start = p;
        var digits = new StringBuilder();
        p = ReadDigits(p, digits);
        bool isFloat = false;
        if (p + 1 < _s.Length && _s[p] == '.' && char.IsAsciiDigit(_s[p + 1]))
        {
            isFloat = true;
            digits.Append('.');
            p = ReadDigits(p + 1, digits);
        }
        if (p < _s.Length && _s[p] is 'e' or 'E')
        {
            int q = p + 1;
            if (q < _s.Length && _s[q] is '+' or '-')
            {
                q++;
            }
            if (q < _s.Length && char.IsAsciiDigit(_s[q]))
            {
                isFloat = true;
                digits.Append('e').Append(_s, p + 1, q - p - 1);
                p = ReadDigits(q, digits);
            }
        }
        string text = digits.ToString();
        if (isFloat)
        {
            _tokens.Add(new Token(TokenKind.Float, _s[start..p], start, Float: double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        else
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                throw Error($"integer literal '{text}' is too large", start);
            }
            _tokens.Add(new Token(TokenKind.Integer, _s[start..p], start, Integer: value));
        }
        return p;
    }

    private int ReadDigits(int p, StringBuilder into)
    {
        while (p < _s.Length && (char.IsAsciiDigit(_s[p]) || (_s[p] == '_' && p + 1 < _s.Length && char.IsAsciiDigit(_s[p + 1]))))
        {
            if (_s[p] != '_')
            {
                into.Append(_s[p]);
            }
            p++;
        }
        return p;
    }

    private int LexString(int p)
    {
        char quote = _s[p];
        int start = p;
        p++;
        var sb = new StringBuilder();
        while (true)
        {
            if (p >= _s.Length)
            {
                throw Error("unexpected end of template: unterminated string literal", start);
            }
            char c = _s[p];
            if (c == quote)
            {
                p++;
                break;
            }
            if (c != '\\')
            {
                sb.Append(c);
                p++;
                continue;
            }
            p = Unescape(p, sb, start);
        }
        _tokens.Add(new Token(TokenKind.String, sb.ToString(), start));
        return p;
    }

    // Python "unicode-escape" rules, which Jinja2 applies to string literals; unknown escapes stay as written.
    private int Unescape(int p, StringBuilder sb, int literalStart)
    {
        if (p + 1 >= _s.Length)
        {
            throw Error("unexpected end of template: unterminated string literal", literalStart);
        }
        char e = _s[p + 1];
        switch (e)
        {
            case '\n': return p + 2;
            case '\\': sb.Append('\\'); return p + 2;
            case '\'': sb.Append('\''); return p + 2;
            case '"': sb.Append('"'); return p + 2;
            case 'a': sb.Append('\a'); return p + 2;
            case 'b': sb.Append('\b'); return p + 2;
            case 'f': sb.Append('\f'); return p + 2;
            case 'n': sb.Append('\n'); return p + 2;
            case 'r': sb.Append('\r'); return p + 2;
            case 't': sb.Append('\t'); return p + 2;
            case 'v': sb.Append('\v'); return p + 2;
            case 'x': return HexEscape(p, 2, sb);
            case 'u': return HexEscape(p, 4, sb);
            case 'U': return HexEscape(p, 8, sb);
            default:
                if (e is >= '0' and <= '7')
                {
                    int q = p + 1;
                    int value = 0;
                    while (q < _s.Length && q < p + 4 && _s[q] is >= '0' and <= '7')
                    {
                        value = (value * 8) + (_s[q] - '0');
                        q++;
                    }
                    sb.Append((char)value);
                    return q;
                }
                sb.Append('\\').Append(e);
                return p + 2;
        }
    }

    private int HexEscape(int p, int count, StringBuilder sb)
    {
        int start = p + 2;
        if (start + count > _s.Length || !int.TryParse(_s.AsSpan(start, count), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)
            || code > 0x10FFFF || (uint)code > 0x10FFFF)
        {
            throw Error($"truncated or invalid \\{_s[p + 1]} escape in string literal", p);
        }
        if (code is >= 0xD800 and <= 0xDFFF)
        {
            sb.Append((char)code);
        }
        else
        {
            sb.Append(char.ConvertFromUtf32(code));
        }
        return start + count;
    }

    private TemplateSyntaxException Error(string message, int offset)
    {
        var (line, column) = _source.Locate(offset);
        return new TemplateSyntaxException(message, line, column);
    }
}
