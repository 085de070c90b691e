using Hearth.Inference.Templates.Jinja.Ast;
using Hearth.Inference.Templates.Jinja.Runtime;

namespace Hearth.Inference.Templates.Jinja;

internal sealed partial class Parser
{
    // Precedence, loosest first: inline if, or, and, not, comparisons/in, + -, ~, * / // %, **, unary - +,
    // then postfix (.attr, [item], call), then filters (|f) and tests (is t).

    /// <summary>An expression, or an implicit tuple <c>a, b</c> (print statements, set values, for iterables).</summary>
    private Expr ParseTuple(bool withCondition)
    {
        Token start = Current;
        Expr first = ParseExpression(withCondition);
        if (!Current.IsOperator(","))
        {
            return first;
        }
        var items = new List<Expr> { first };
        while (SkipOperator(","))
        {
            if (Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd || Current.IsName("if"))
            {
                break;
            }
            items.Add(ParseExpression(withCondition));
        }
        return new TupleExpr(start.Offset, [.. items]);
    }

    private Expr ParseExpression(bool withCondition = true)
    {
        Enter(Current);
        Expr result = withCondition ? ParseConditional() : ParseOr();
        Leave();
        return result;
    }

    private Expr ParseConditional()
    {
        Expr expr = ParseOr();
        while (Current.IsName("if"))
        {
            Token at = Next();
            Expr test = ParseOr();
            Expr? otherwise = SkipName("else") ? ParseConditional() : null;
            expr = new ConditionalExpr(at.Offset, test, expr, otherwise);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        Expr left = ParseAnd();
        while (Current.IsName("or"))
        {
            Token at = Next();
            left = new BinaryExpr(at.Offset, BinaryOperator.Or, left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        Expr left = ParseNot();
        while (Current.IsName("and"))
        {
            Token at = Next();
            left = new BinaryExpr(at.Offset, BinaryOperator.And, left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            Token at = Next();
            Enter(at);
            Expr operand = ParseNot();
            Leave();
            return new UnaryExpr(at.Offset, UnaryOperator.Not, operand);
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        Token start = Current;
        Expr first = ParseMath1();
        var rest = new List<KeyValuePair<CompareOperator, Expr>>();
        while (true)
        {
            Token token = Current;
            CompareOperator op;
            if (token.Kind == TokenKind.Operator && token.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                op = token.Text switch
                {
                    "==" => CompareOperator.Equal,
                    "!=" => CompareOperator.NotEqual,
                    "<" => CompareOperator.Less,
                    "<=" => CompareOperator.LessOrEqual,
                    ">" => CompareOperator.Greater,
                    _ => CompareOperator.GreaterOrEqual,
                };
                _index++;
            }
            else if (token.IsName("in"))
            {
                op = CompareOperator.In;
                _index++;
            }
            else if (token.IsName("not") && Peek().IsName("in"))
            {
                op = CompareOperator.NotIn;
                _index += 2;
            }
            else
            {
                break;
            }
            rest.Add(new(op, ParseMath1()));
        }
        return rest.Count == 0 ? first : new CompareExpr(start.Offset, first, [.. rest]);
    }

    private Expr ParseMath1()
    {
        Expr left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            Token at = Next();
            left = new BinaryExpr(at.Offset, at.Text == "+" ? BinaryOperator.Add : BinaryOperator.Subtract, left, ParseConcat());
        }
        return left;
    }

    private Expr ParseConcat()
    {
        Token start = Current;
        Expr first = ParseMath2();
        if (!Current.IsOperator("~"))
        {
            return first;
        }
        var parts = new List<Expr> { first };
        while (SkipOperator("~"))
        {
            parts.Add(ParseMath2());
        }
        return new ConcatExpr(start.Offset, [.. parts]);
    }

    private Expr ParseMath2()
    {
        Expr left = ParsePower();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "//" or "%")
        {
            Token at = Next();
            var op = at.Text switch
            {
                "*" => BinaryOperator.Multiply,
                "/" => BinaryOperator.Divide,
                "//" => BinaryOperator.FloorDivide,
                _ => BinaryOperator.Modulo,
            };
            left = new BinaryExpr(at.Offset, op, left, ParsePower());
        }
        return left;
    }

    private Expr ParsePower()
    {
        Expr left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            Token at = Next();
            left = new BinaryExpr(at.Offset, BinaryOperator.Power, left, ParseUnary(withFilter: true));
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Token token = Current;
        Enter(token);
        Expr expr;
        if (token.IsOperator("-") || token.IsOperator("+"))
        {
            _index++;
            expr = new UnaryExpr(token.Offset, token.Text == "-" ? UnaryOperator.Negate : UnaryOperator.Plus, ParseUnary(withFilter: false));
        }
        else
        {
            expr = ParsePrimary();
        }
        expr = ParsePostfix(expr);
        if (withFilter)
        {
            expr = ParseFilterAndTests(expr);
        }
        Leave();
        return expr;
    }

    private Expr ParsePrimary()
    {
        Token token = Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new ConstExpr(token.Offset, true),
                    "false" or "False" => new ConstExpr(token.Offset, false),
                    "none" or "None" => new ConstExpr(token.Offset, null),
                    _ => new NameExpr(token.Offset, token.Text),
                };
            case TokenKind.String:
                {
                    string text = token.Text;
                    while (Current.Kind == TokenKind.String)
                    {
                        text += Next().Text;
                    }
                    return new ConstExpr(token.Offset, text);
                }
            case TokenKind.Integer:
                return new ConstExpr(token.Offset, token.Integer);
            case TokenKind.Float:
                return new ConstExpr(token.Offset, token.Float);
            case TokenKind.Operator when token.Text == "(":
                {
                    if (SkipOperator(")"))
                    {
                        return new TupleExpr(token.Offset, []);
                    }
                    Expr first = ParseExpression();
                    if (SkipOperator(")"))
                    {
                        return first;
                    }
                    var items = new List<Expr> { first };
                    while (SkipOperator(","))
                    {
                        if (Current.IsOperator(")"))
                        {
                            break;
                        }
                        items.Add(ParseExpression());
                    }
                    ExpectOperator(")");
                    return new TupleExpr(token.Offset, [.. items]);
                }
            case TokenKind.Operator when token.Text == "[":
                {
                    var items = new List<Expr>();
                    while (!SkipOperator("]"))
                    {
                        if (items.Count > 0)
                        {
                            ExpectOperator(",");
                            if (SkipOperator("]"))
                            {
                                break;
                            }
                        }
                        items.Add(ParseExpression());
                    }
                    return new ListExpr(token.Offset, [.. items]);
                }
            case TokenKind.Operator when token.Text == "{":
                {
                    var entries = new List<KeyValuePair<Expr, Expr>>();
                    while (!SkipOperator("}"))
                    {
                        if (entries.Count > 0)
                        {
                            ExpectOperator(",");
                            if (SkipOperator("}"))
                            {
                                break;
                            }
                        }
                        Expr key = ParseExpression();
                        ExpectOperator(":");
                        entries.Add(new(key, ParseExpression()));
                    }
                    return new DictExpr(token.Offset, [.. entries]);
                }
            default:
                throw Error($"unexpected {token}", token);
        }
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            Token token = Current;
            if (token.IsOperator("."))
            {
                _index++;
                Token name = Next();
                expr = name.Kind switch
                {
                    TokenKind.Name => new AttributeExpr(name.Offset, expr, name.Text),
                    TokenKind.Integer => new ItemExpr(name.Offset, expr, new ConstExpr(name.Offset, name.Integer)),
                    _ => throw Error($"expected an attribute name after '.', got {name}", name),
                };
            }
            else if (token.IsOperator("["))
            {
                _index++;
                expr = ParseSubscript(token, expr);
            }
            else if (token.IsOperator("("))
            {
                _index++;
                expr = new CallExpr(token.Offset, expr, ParseCallArguments());
            }
            else
            {
                return expr;
            }
        }
    }

    private Expr ParseSubscript(Token open, Expr target)
    {
        Expr? start = Current.IsOperator(":") ? null : ParseExpression();
        if (start is not null && SkipOperator("]"))
        {
            return new ItemExpr(open.Offset, target, start);
        }
        ExpectOperator(":");
        Expr? stop = Current.IsOperator("]") || Current.IsOperator(":") ? null : ParseExpression();
        Expr? step = null;
        if (SkipOperator(":") && !Current.IsOperator("]"))
        {
            step = ParseExpression();
        }
        ExpectOperator("]");
        return new SliceExpr(open.Offset, target, start, stop, step);
    }

    /// <summary>Arguments after an opening parenthesis, through the closing one.</summary>
    private Arguments ParseCallArguments()
    {
        var positional = new List<Expr>();
        var named = new List<KeyValuePair<string, Expr>>();
        bool first = true;
        while (!SkipOperator(")"))
        {
            if (!first)
            {
                ExpectOperator(",");
                if (SkipOperator(")"))
                {
                    break;
                }
            }
            first = false;
            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                string name = Next().Text;
                _index++;
                named.Add(new(name, ParseExpression()));
            }
            else
            {
                if (named.Count > 0)
                {
                    throw Error("positional argument follows keyword argument", Current);
                }
                positional.Add(ParseExpression());
            }
        }
        return positional.Count == 0 && named.Count == 0 ? Arguments.Empty : new Arguments([.. positional], [.. named]);
    }

    private Expr ParseFilterAndTests(Expr expr)
    {
        while (true)
        {
            if (SkipOperator("|"))
            {
                expr = ParseFilter(expr);
            }
            else if (Current.IsName("is"))
            {
                expr = ParseTest(expr);
            }
            else if (Current.IsOperator("("))
            {
                Token open = Next();
                expr = new CallExpr(open.Offset, expr, ParseCallArguments());
            }
            else
            {
                return expr;
            }
        }
    }

    private FilterExpr ParseFilter(Expr? input)
    {
        Token nameToken = Expect(TokenKind.Name, null, "a filter name");
        string name = nameToken.Text;
        if (!Filters.TryGet(name, out FilterFunction function))
        {
            throw Error($"no filter named '{name}'", nameToken);
        }
        Arguments arguments = SkipOperator("(") ? ParseCallArguments() : Arguments.Empty;
        return new FilterExpr(nameToken.Offset, input, name, function, arguments);
    }

    private TestExpr ParseTest(Expr input)
    {
        Token isToken = Next();
        bool negated = SkipName("not");
        Token nameToken = Current;
        string name;
        if (nameToken.Kind == TokenKind.Name)
        {
            name = nameToken.Text;
            _index++;
        }
        else if (nameToken.Kind == TokenKind.Operator && nameToken.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            name = nameToken.Text;
            _index++;
        }
        else
        {
            throw Error($"expected a test name after 'is', got {nameToken}", nameToken);
        }
        if (!Tests.TryGet(name, out TestFunction function))
        {
            throw Error($"no test named '{name}'", nameToken);
        }
        Arguments arguments = Arguments.Empty;
        Token next = Current;
        if (next.IsOperator("("))
        {
            _index++;
            arguments = ParseCallArguments();
        }
        else if ((next.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || next.IsOperator("(") || next.IsOperator("[") || next.IsOperator("{"))
                 && !next.IsName("else") && !next.IsName("or") && !next.IsName("and"))
        {
            Enter(next);
            Expr argument = ParsePostfix(ParsePrimary());
            Leave();
            arguments = new Arguments([argument], []);
        }
        return new TestExpr(isToken.Offset, input, name, function, arguments, negated);
    }
}
