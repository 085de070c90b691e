namespace Hearth.Ledger.Entries;

/// <summary>How a metered request ended. Every outcome consumed energy, so every one gets an entry.</summary>
public enum RequestOutcome
{
    /// <summary>The response was produced completely.</summary>
    Ok,

    /// <summary>The client went away (or cancelled) before the response was complete; tokens are those produced so far.</summary>
    Cancelled,

    /// <summary>The backend failed (an error status, a broken connection, a typed API error) after metering began.</summary>
    Error,
}

/// <summary>Stable lower-case names of <see cref="RequestOutcome"/> used in the ledger, the API and reports.</summary>
public static class RequestOutcomeNames
{
    /// <summary>The stable wire name: <c>ok</c>, <c>cancelled</c> or <c>error</c>.</summary>
    public static string ToWireName(this RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Ok => "ok",
        RequestOutcome.Cancelled => "cancelled",
        RequestOutcome.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown request outcome"),
    };

    /// <summary>Parses a wire name; throws <see cref="FormatException"/> naming the bad value.</summary>
    public static RequestOutcome Parse(string name) => name switch
    {
        "ok" => RequestOutcome.Ok,
        "cancelled" => RequestOutcome.Cancelled,
        "error" => RequestOutcome.Error,
        _ => throw new FormatException($"Unknown request outcome '{name}' (known: ok, cancelled, error)."),
    };
}
