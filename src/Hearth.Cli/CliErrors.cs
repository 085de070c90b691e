using System.CommandLine;
using System.CommandLine.Parsing;
using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Import;
using Hearth.Inference.Models;
using Hearth.Inference.Tokenizers;
using Hearth.Inference.Templates;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Hearth.Routing.Evaluation;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Server.Configuration;

namespace Hearth.Cli;

/// <summary>The process exit codes every verb uses.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The run failed for a reason the command line cannot fix (file changed on disk mid-run, I/O failure, a bug).</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: bad or missing option, missing or invalid input file, unsupported model, prompt too long.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>A bad option value or combination found after parsing; reported as a usage error.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Turns parse errors and exceptions escaping a verb into one line on stderr (<c>hearth VERB: message</c>) and an exit code:
/// typed input errors (<see cref="GgufFormatException"/> with field and offset, <see cref="UnsupportedModelException"/> listing
/// what is supported, <see cref="ContextOverflowException"/>, missing files, bad option values) are usage errors; the rest are
/// failures. No stack trace is printed unless <c>HEARTH_TRACE=1</c>.
/// </summary>
internal static class CliErrors
{
    public const string TraceVariable = "HEARTH_TRACE";

    /// <summary>The exit code and one-line message for an exception that escaped a verb.</summary>
    public static (int ExitCode, string Message) Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            return Classify(aggregate.InnerExceptions[0]);
        }
        return exception switch
        {
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled."),
            CliUsageException or GgufFormatException or Llama2cFormatException or UnsupportedModelException or ModelOutputException or ContextOverflowException
                or TokenizerFormatException or NotSupportedTokenizerException or FileNotFoundException or DirectoryNotFoundException
                or NotSupportedException or HearthConfigException or LedgerConfigurationException or RoutingDataException or RouterModelFormatException
                or RoutingConfigurationException or TemplateException or TemplateRaisedException => (ExitCodes.Usage, OneLine(exception.Message)),
            LedgerFormatException or LedgerStoreException => (ExitCodes.Failure, OneLine(exception.Message)),
            ArgumentException argument => (ExitCodes.Usage, OneLine(WithoutParameterSuffix(argument))),
            ModelFileChangedException or IOException or UnauthorizedAccessException => (ExitCodes.Failure, OneLine(exception.Message)),
            OutOfMemoryException => (ExitCodes.Failure, "out of memory; try a smaller model, context or thread count."),
            _ => (ExitCodes.Failure, OneLine($"unexpected {exception.GetType().Name}: {exception.Message}")),
        };
    }

    /// <summary>Prints the exception as one line (plus the full trace when <c>HEARTH_TRACE=1</c>) and returns its exit code.</summary>
    public static int Report(ParseResult parse, Exception exception, TextWriter stderr)
    {
        var (code, message) = Classify(exception);
        stderr.WriteLine($"{CommandPath(parse)}: {message}");
        if (Environment.GetEnvironmentVariable(TraceVariable) == "1")
        {
            stderr.WriteLine(exception.ToString());
        }
        return code;
    }

    /// <summary>Prints every parse error on one line with a pointer to the verb's help; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int ReportParseErrors(ParseResult parse, TextWriter stderr)
    {
        var path = CommandPath(parse);
        var errors = string.Join(" ", parse.Errors.Select(e => OneLine(e.Message)).Distinct(StringComparer.Ordinal));
        stderr.WriteLine($"{path}: {errors} (see '{path} --help')");
        return ExitCodes.Usage;
    }

    /// <summary>"hearth bench engine" for the verb the parse reached.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? s = parse.CommandResult; s is not null; s = s.Parent)
        {
            if (s is CommandResult { Command: not RootCommand } c)
            {
                names.Add(c.Command.Name);
            }
        }
        names.Add("hearth");
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The message on one line (newlines become spaces; runs of whitespace collapse).</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Trim();

    /// <summary>An argument exception's own text: without " (Parameter 'x')" and the "Actual value was" line.</summary>
    private static string WithoutParameterSuffix(ArgumentException e) => Hearth.Contracts.ArgumentMessages.Text(e);
}
