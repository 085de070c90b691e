using Microsoft.Extensions.Time.Testing;

namespace Hearth.Inference.Tests.Templates;

/// <summary>The instant the expected renderings were made at (strftime_now), on the shared fake clock (local time zone UTC).</summary>
internal static class FixedClock
{
    public static FakeTimeProvider ExpectedCasesDate { get; } = new(new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero));
}
