namespace Hearth.Inference.Templates.Jinja;

internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    EndOfFile,
}

/// <summary>One lexical token; <see cref="Offset"/> indexes the normalized source.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Offset, long Integer = 0, double Float = 0)
{
    public bool IsOperator(string op) => Kind == TokenKind.Operator && Text == op;

    public bool IsName(string name) => Kind == TokenKind.Name && Text == name;

    public override string ToString() => Kind switch
    {
        TokenKind.EndOfFile => "end of template",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.String => $"string '{Text}'",
        TokenKind.Text => "template text",
        _ => $"'{Text}'",
    };
}
