using Hearth.Inference.Templates.Jinja.Ast;

namespace Hearth.Inference.Templates.Jinja;

/// <summary>
/// Recursive-descent parser from tokens to the AST. Filters and tests are resolved here, so an unknown name is a
/// syntax error (as in Jinja2, where it is a compile-time error). Nesting is bounded so hostile input cannot overflow the stack.
/// </summary>
internal sealed partial class Parser
{
    private const int MaxNesting = 128;

    private readonly List<Token> _tokens;
    private readonly SourceText _source;
    private int _index;
    private int _nesting;
    private int _loopDepth;

    private Parser(SourceText source)
    {
        _source = source;
        _tokens = Lexer.Tokenize(source);
    }

    public static Node[] Parse(SourceText source)
    {
        var parser = new Parser(source);
        var body = parser.ParseBody(null, out _);
        return body;
    }

    private Token Current => _tokens[_index];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[_index++];

    private TemplateSyntaxException Error(string message, Token at)
    {
        var (line, column) = _source.Locate(at.Offset);
        return new TemplateSyntaxException(message, line, column);
    }

    private void Enter(Token at)
    {
        if (++_nesting > MaxNesting)
        {
            throw Error($"template nested deeper than {MaxNesting} levels", at);
        }
    }

    private void Leave() => _nesting--;

    private Token Expect(TokenKind kind, string? text, string what)
    {
        Token token = Current;
        if (token.Kind != kind || (text is not null && token.Text != text))
        {
            throw Error($"expected {what}, got {token}", token);
        }
        _index++;
        return token;
    }

    private void ExpectOperator(string op) => Expect(TokenKind.Operator, op, $"'{op}'");

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd, null, "end of statement block '%}'");

    private string ExpectName() => Expect(TokenKind.Name, null, "a name").Text;

    private bool SkipOperator(string op)
    {
        if (Current.IsOperator(op))
        {
            _index++;
            return true;
        }
        return false;
    }

    private bool SkipName(string name)
    {
        if (Current.IsName(name))
        {
            _index++;
            return true;
        }
        return false;
    }

    /// <summary>Parses nodes until a statement tag named in <paramref name="endTags"/>; leaves the position on that tag's name.</summary>
    private Node[] ParseBody(string[]? endTags, out string endTag)
    {
        Enter(Current);
        var nodes = new List<Node>();
        while (true)
        {
            Token token = Current;
            switch (token.Kind)
            {
                case TokenKind.Text:
                    _index++;
                    nodes.Add(new TextNode(token.Offset, token.Text));
                    break;
                case TokenKind.VariableBegin:
                    _index++;
                    nodes.Add(new OutputNode(token.Offset, ParseTuple(withCondition: true)));
                    Expect(TokenKind.VariableEnd, null, "end of print statement '}}'");
                    break;
                case TokenKind.BlockBegin:
                    {
                        Token name = Peek();
                        if (name.Kind == TokenKind.Name && endTags is not null && Array.IndexOf(endTags, name.Text) >= 0)
                        {
                            _index += 2;
                            endTag = name.Text;
                            Leave();
                            return [.. nodes];
                        }
                        _index++;
                        nodes.Add(ParseStatement(token));
                        break;
                    }
                case TokenKind.EndOfFile:
                    if (endTags is not null)
                    {
                        throw Error($"unexpected end of template: expected {string.Join(" or ", endTags.Select(t => $"'{t}'"))}", token);
                    }
                    endTag = "";
                    Leave();
                    return [.. nodes];
                default:
                    throw Error($"unexpected {token}", token);
            }
        }
    }

    private Node ParseStatement(Token begin)
    {
        Token keyword = Current;
        if (keyword.Kind != TokenKind.Name)
        {
            throw Error($"expected a statement name, got {keyword}", keyword);
        }
        _index++;
        switch (keyword.Text)
        {
            case "if":
                return ParseIf(begin);
            case "for":
                return ParseFor(begin);
            case "set":
                return ParseSet(begin);
            case "macro":
                return ParseMacro(begin);
            case "call":
                return ParseCallBlock(begin);
            case "filter":
                return ParseFilterBlock(begin);
            case "with":
                return ParseWith(begin);
            case "break":
            case "continue":
                if (_loopDepth == 0)
                {
                    throw Error($"'{keyword.Text}' outside of a loop", keyword);
                }
                ExpectBlockEnd();
                return keyword.Text == "break" ? new BreakNode(begin.Offset) : new ContinueNode(begin.Offset);
            default:
                throw Error($"unknown statement '{keyword.Text}'", keyword);
        }
    }

    private IfNode ParseIf(Token begin)
    {
        var branches = new List<KeyValuePair<Expr, Node[]>>();
        Node[]? otherwise = null;
        Expr condition = ParseExpression();
        ExpectBlockEnd();
        while (true)
        {
            Node[] body = ParseBody(["elif", "else", "endif"], out string end);
            branches.Add(new(condition, body));
            if (end == "elif")
            {
                condition = ParseExpression();
                ExpectBlockEnd();
                continue;
            }
            if (end == "else")
            {
                ExpectBlockEnd();
                otherwise = ParseBody(["endif"], out _);
            }
            ExpectBlockEnd();
            return new IfNode(begin.Offset, [.. branches], otherwise);
        }
    }

    private ForNode ParseFor(Token begin)
    {
        AssignTarget target = ParseAssignTarget(allowAttribute: false);
        if (!SkipName("in"))
        {
            throw Error($"expected 'in' in for loop, got {Current}", Current);
        }
        Expr iterable = ParseTuple(withCondition: false);
        Expr? condition = null;
        if (SkipName("if"))
        {
            condition = ParseExpression();
        }
        bool recursive = SkipName("recursive");
        if (recursive)
        {
            throw Error("recursive for loops are not supported", Current);
        }
        ExpectBlockEnd();
        _loopDepth++;
        Node[] body = ParseBody(["else", "endfor"], out string end);
        _loopDepth--;
        Node[]? otherwise = null;
        if (end == "else")
        {
            ExpectBlockEnd();
            otherwise = ParseBody(["endfor"], out _);
        }
        ExpectBlockEnd();
        return new ForNode(begin.Offset, target, iterable, condition, body, otherwise, recursive);
    }

    private Node ParseSet(Token begin)
    {
        AssignTarget target = ParseAssignTarget(allowAttribute: true);
        if (SkipOperator("="))
        {
            Expr value = ParseTuple(withCondition: true);
            ExpectBlockEnd();
            return new SetNode(begin.Offset, target, value);
        }
        var filters = new List<FilterExpr>();
        while (SkipOperator("|"))
        {
            filters.Add(ParseFilter(null));
        }
        ExpectBlockEnd();
        Node[] body = ParseBody(["endset"], out _);
        ExpectBlockEnd();
        return new BlockSetNode(begin.Offset, target, [.. filters], body);
    }

    private AssignTarget ParseAssignTarget(bool allowAttribute)
    {
        Token start = Current;
        bool parenthesized = SkipOperator("(");
        string first = ExpectName();
        if (allowAttribute && !parenthesized && SkipOperator("."))
        {
            return new AssignTarget(start.Offset, [first], isTuple: false, attribute: ExpectName());
        }
        var names = new List<string> { first };
        bool isTuple = parenthesized;
        while (SkipOperator(","))
        {
            isTuple = true;
            if (Current.Kind != TokenKind.Name || Current.IsName("in"))
            {
                break;
            }
            names.Add(ExpectName());
        }
        if (parenthesized)
        {
            ExpectOperator(")");
        }
        return new AssignTarget(start.Offset, [.. names], isTuple, attribute: null);
    }

    private MacroNode ParseMacro(Token begin)
    {
        string name = ExpectName();
        MacroParameter[] parameters = ParseParameters();
        ExpectBlockEnd();
        int savedLoops = _loopDepth;
        _loopDepth = 0;
        Node[] body = ParseBody(["endmacro"], out _);
        _loopDepth = savedLoops;
        if (Current.Kind == TokenKind.Name)
        {
            _index++;
        }
        ExpectBlockEnd();
        return new MacroNode(begin.Offset, name, parameters, body);
    }

    private MacroParameter[] ParseParameters()
    {
        var parameters = new List<MacroParameter>();
        ExpectOperator("(");
        while (!SkipOperator(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOperator(",");
                if (SkipOperator(")"))
                {
                    break;
                }
            }
            string name = ExpectName();
            Expr? fallback = SkipOperator("=") ? ParseExpression() : null;
            parameters.Add(new MacroParameter(name, fallback));
        }
        return [.. parameters];
    }

    private CallBlockNode ParseCallBlock(Token begin)
    {
        MacroParameter[] callerParameters = Current.IsOperator("(") ? ParseParameters() : [];
        Token at = Current;
        Expr call = ParseExpression();
        if (call is not CallExpr callExpr)
        {
            throw Error("expected a macro call after 'call'", at);
        }
        ExpectBlockEnd();
        int savedLoops = _loopDepth;
        _loopDepth = 0;
        Node[] body = ParseBody(["endcall"], out _);
        _loopDepth = savedLoops;
        ExpectBlockEnd();
        return new CallBlockNode(begin.Offset, callExpr, callerParameters, body);
    }

    private FilterBlockNode ParseFilterBlock(Token begin)
    {
        var filters = new List<FilterExpr> { ParseFilter(null) };
        while (SkipOperator("|"))
        {
            filters.Add(ParseFilter(null));
        }
        ExpectBlockEnd();
        Node[] body = ParseBody(["endfilter"], out _);
        ExpectBlockEnd();
        return new FilterBlockNode(begin.Offset, [.. filters], body);
    }

    private WithNode ParseWith(Token begin)
    {
        var assignments = new List<KeyValuePair<AssignTarget, Expr>>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                ExpectOperator(",");
            }
            AssignTarget target = ParseAssignTarget(allowAttribute: false);
            ExpectOperator("=");
            assignments.Add(new(target, ParseExpression()));
        }
        ExpectBlockEnd();
        Node[] body = ParseBody(["endwith"], out _);
        ExpectBlockEnd();
        return new WithNode(begin.Offset, [.. assignments], body);
    }
}
