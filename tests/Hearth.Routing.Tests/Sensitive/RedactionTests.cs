using Hearth.Routing.Sensitive;

namespace Hearth.Routing.Tests.Sensitive;

public sealed class RedactionTests
{
    [Fact]
    public void RedactRestore_RoundTrips_SameValueSamePlaceholder()
    {
        var detector = new SensitiveDataDetector();
        var text = "Mail a@b.com and a@b.com, card 4111-1111-1111-1111.";
        var redaction = new Redaction();
        var redacted = redaction.Redact(text, detector.Detect(text));
        Assert.Equal("Mail [[EMAIL_1]] and [[EMAIL_1]], card [[CARD_1]].", redacted);
        Assert.Empty(detector.Detect(redacted));
        Assert.Equal(text, redaction.Restore(redacted));
        Assert.Equal(2, redaction.Count);
    }
}
