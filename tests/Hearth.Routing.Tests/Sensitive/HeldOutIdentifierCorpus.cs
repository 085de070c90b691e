using System.Text;

namespace Hearth.Routing.Tests.Sensitive;

/// <summary>
/// A second clean corpus, written after the detector's rules were changed on <see cref="CleanIdentifierCorpus"/> and run
/// only once, untouched afterwards: cloud resource ids, CI logs, lock files, ISBNs, coordinates, order numbers, SKUs, colour
/// codes, encoded text and base64 of ordinary text — none of it personal data or a secret.
/// </summary>
internal sealed class HeldOutIdentifierCorpus(int seed)
{
    private const string Hex = "0123456789abcdef";
    private const string LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
    private readonly Random _rng = new(seed);

    private static readonly string[] s_names = ["orders", "catalog", "ml-training", "static-site", "data-lake", "events"];
    private static readonly string[] s_sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Please review the attached design before Friday.",
        "Build passed on all three platforms.",
        "Retry with exponential back-off starting at 100 ms.",
    ];

    public IEnumerable<(string Category, string Text)> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return (i % 10) switch
            {
                0 => ("cloud-resource", Cloud()),
                1 => ("ci-log", CiLog()),
                2 => ("lock-file", LockFile()),
                3 => ("isbn-doi", Isbn()),
                4 => ("coordinates", Coordinates()),
                5 => ("order-sku", OrderSku()),
                6 => ("colour-css", Colour()),
                7 => ("base64-text", Base64Text()),
                8 => ("percent-encoded", PercentEncoded()),
                _ => ("table-numbers", Table()),
            };
        }
    }

    private string Token(int n, string alphabet)
    {
        var sb = new StringBuilder(n);
        for (var i = 0; i < n; i++)
        {
            sb.Append(alphabet[_rng.Next(alphabet.Length)]);
        }
        return sb.ToString();
    }

    private T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

    private string Cloud() => _rng.Next(3) switch
    {
        0 => $"/subscriptions/{new Guid([.. Enumerable.Range(0, 16).Select(_ => (byte)_rng.Next(256))])}/resourceGroups/rg-{Pick(s_names)}-prod/providers/Microsoft.Storage/storageAccounts/st{Token(10, LowerAlnum)}",
        1 => $"arn:aws:s3:::{Pick(s_names)}-{Token(6, LowerAlnum)}/exports/{2024 + _rng.Next(3)}/part-{_rng.Next(100000):D5}.parquet",
        _ => $"projects/{Pick(s_names)}-{_rng.Next(100000, 999999)}/locations/europe-west{_rng.Next(1, 5)}/clusters/gke-{Pick(s_names)}-{Token(4, LowerAlnum)}",
    };

    private string CiLog() =>
        $"##[group]Run actions/checkout@v{_rng.Next(2, 5)}\n  with:\n    ref: refs/heads/feature/{Pick(s_names)}-{_rng.Next(1, 900)}\n##[endgroup]\n" +
        $"Job {_rng.Next(1_000_000, 9_999_999)} step {_rng.Next(1, 30)} finished in {_rng.Next(1, 600)}s (runner ubuntu-{20 + (2 * _rng.Next(3))}.04, image {_rng.Next(2024, 2026)}{_rng.Next(1, 13):D2}{_rng.Next(1, 29):D2}.{_rng.Next(1, 9)})";

    private string LockFile() =>
        $"\"node_modules/{Pick(s_names)}\": {{ \"version\": \"{_rng.Next(1, 20)}.{_rng.Next(30)}.{_rng.Next(30)}\", " +
        $"\"resolved\": \"https://registry.example.org/{Pick(s_names)}/-/{Pick(s_names)}-{_rng.Next(1, 20)}.{_rng.Next(30)}.{_rng.Next(30)}.tgz\", " +
        $"\"integrity\": \"sha1-{Convert.ToHexString(Enumerable.Range(0, 20).Select(_ => (byte)_rng.Next(256)).ToArray()).ToLowerInvariant()}\" }}";

    private string Isbn() => _rng.Next(2) == 0
        ? $"ISBN 978-{_rng.Next(0, 2)}-{_rng.Next(100, 999)}-{_rng.Next(10000, 99999)}-{_rng.Next(10)} (paperback), {_rng.Next(100, 900)} pages."
        : $"Cited as doi:10.{_rng.Next(1000, 9999)}/{Pick(s_names)}.{_rng.Next(2000, 2026)}.{_rng.Next(100, 99999)} in the review.";

    private string Coordinates() =>
        $"Meet at {(_rng.NextDouble() * 180) - 90:F6}, {(_rng.NextDouble() * 360) - 180:F6} (elevation {_rng.Next(0, 3000)} m), bearing {_rng.Next(0, 360)} deg.";

    private string OrderSku() => _rng.Next(3) switch
    {
        0 => $"Order #{_rng.Next(100000, 999999)}-{_rng.Next(10, 99)} contains SKU {Token(3, "ABCDEFGHJKLMNPQRSTUVWXYZ")}-{_rng.Next(1000, 9999)}-{Pick(new[] { "S", "M", "L", "XL" })} x{_rng.Next(1, 5)}.",
        1 => $"Tracking number 1Z{Token(6, "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")}{_rng.Next(10000000, 99999999)} shipped from warehouse {_rng.Next(1, 40)}.",
        _ => $"Invoice INV-{_rng.Next(2020, 2027)}-{_rng.Next(1, 99999):D5} is due in {_rng.Next(7, 60)} days.",
    };

    private string Colour() =>
        $".btn-{Pick(s_names)} {{ color: #{Token(6, Hex)}; background: rgba({_rng.Next(256)}, {_rng.Next(256)}, {_rng.Next(256)}, 0.{_rng.Next(10, 99)}); margin: {_rng.Next(0, 40)}px {_rng.Next(0, 40)}px; }}";

    private string Base64Text() =>
        $"The payload field is \"{Convert.ToBase64String(Encoding.UTF8.GetBytes(Pick(s_sentences)))}\" (base64 of a short sentence).";

    private string PercentEncoded() =>
        $"Redirect to /login?next=%2F{Pick(s_names)}%2Fitems%3Fpage%3D{_rng.Next(1, 50)}%26sort%3Ddesc&lang=en";

    private string Table() =>
        $"| {_rng.Next(2019, 2026)} | {_rng.Next(100, 999)} | {_rng.Next(1000, 99999)} | {_rng.NextDouble() * 100:F2}% | {_rng.Next(10, 999)} {_rng.Next(100, 999)} {_rng.Next(1000, 9999)} |";
}
