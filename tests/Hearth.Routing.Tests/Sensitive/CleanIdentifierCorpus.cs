using System.Globalization;
using System.Text;

namespace Hearth.Routing.Tests.Sensitive;

/// <summary>
/// A seeded generator of ordinary technical prose that holds identifiers but no personal data or secrets: UUIDs, git SHAs,
/// hashes, base64-named image files, URLs with query strings, file paths, container and pod names, version strings,
/// dates and times, prices and arithmetic. Written before the detector was measured on it (and not changed afterwards), so
/// it is an independent check of false positives.
/// </summary>
internal sealed class CleanIdentifierCorpus(int seed)
{
    private const string Hex = "0123456789abcdef";
    private const string Base64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const string LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
    private readonly Random _rng = new(seed);

    private static readonly string[] s_words = ["report", "invoice", "deploy", "build", "release", "backup", "thumbnail", "avatar", "chart", "summary"];
    private static readonly string[] s_services = ["payments-api", "auth", "web-frontend", "search-indexer", "billing-worker", "gateway"];
    private static readonly string[] s_hosts = ["example.com", "docs.example.org", "cdn.example.net", "github.com", "learn.example.edu"];

    public IEnumerable<(string Category, string Text)> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return (i % 12) switch
            {
                0 => ("uuid", Uuid()),
                1 => ("git-sha", GitSha()),
                2 => ("hash", HashText()),
                3 => ("base64-image-name", ImageName()),
                4 => ("url", Url()),
                5 => ("file-path", FilePath()),
                6 => ("container", Container()),
                7 => ("version", Version()),
                8 => ("date-time", DateTime()),
                9 => ("price", Price()),
                10 => ("math", Math()),
                _ => ("mixed", Mixed()),
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

    private string Guid() => new Guid([.. Enumerable.Range(0, 16).Select(_ => (byte)_rng.Next(256))]).ToString();

    private string Uuid() => _rng.Next(5) switch
    {
        0 => $"Request {Guid()} failed with status 502; retrying.",
        1 => $"Set the correlation id header to {Guid().ToUpperInvariant()} for the trace.",
        2 => $"SELECT * FROM orders WHERE order_id = '{Guid()}';",
        3 => $"The device {Guid()} and the session {Guid()} were linked.",
        _ => $"Object key uploads/{Guid()}/original.bin was written.",
    };

    private string GitSha() => _rng.Next(4) switch
    {
        0 => $"Merge commit {Token(40, Hex)} into main.",
        1 => $"Reverted {Token(7, Hex)} and {Token(12, Hex)} because the build broke.",
        2 => $"git checkout {Token(40, Hex)} -- src/{Pick(s_words)}.cs",
        _ => $"The tag v{_rng.Next(1, 9)}.{_rng.Next(20)}.{_rng.Next(50)} points at {Token(40, Hex)}.",
    };

    private string HashText() => _rng.Next(3) switch
    {
        0 => $"sha256: {Token(64, Hex)}  {Pick(s_words)}.tar.gz",
        1 => $"The MD5 of the file is {Token(32, Hex)}.",
        _ => $"Pull image by digest {Pick(s_services)}@sha256:{Token(64, Hex)}",
    };

    private string ImageName()
    {
        var id = Token(_rng.Next(11, 23), Base64Url);
        var ext = Pick(new[] { "png", "jpg", "webp", "gif" });
        return _rng.Next(3) switch
        {
            0 => $"Uploaded {Pick(s_words)}_{id}.{ext} to the gallery.",
            1 => $"<img src=\"https://{Pick(s_hosts)}/i/{id}.{ext}\" alt=\"{Pick(s_words)}\">",
            _ => $"The thumbnail is stored as {id}.{ext} next to the original.",
        };
    }

    private string Url() => _rng.Next(4) switch
    {
        0 => $"See https://{Pick(s_hosts)}/articles/{_rng.Next(1000, 99999)}-how-to-{Pick(s_words)}-with-dotnet?utm_source=newsletter&utm_medium=email&page={_rng.Next(1, 30)}",
        1 => $"Download from https://{Pick(s_hosts)}/releases/download/v{_rng.Next(1, 5)}.{_rng.Next(10)}.{_rng.Next(10)}/{Pick(s_words)}-linux-x64.tar.gz",
        2 => $"The API lives at http://localhost:{_rng.Next(3000, 9000)}/api/v{_rng.Next(1, 4)}/{Pick(s_words)}s/{_rng.Next(1, 100000)}/items?limit=50&offset={_rng.Next(0, 500)}",
        _ => $"Open https://{Pick(s_hosts)}/search?q={Pick(s_words)}+{Pick(s_words)}&sort=recent&lang=en-US",
    };

    private string FilePath() => _rng.Next(4) switch
    {
        0 => $"Edit /home/alex/projects/hearth/src/Hearth.Routing/Sensitive/{Pick(s_words)}_{_rng.Next(100)}.cs and rebuild.",
        1 => $"Saved C:\\Users\\maria\\Documents\\{Pick(s_words)}_{2020 + _rng.Next(6)}_Q{_rng.Next(1, 5)}_final_v{_rng.Next(1, 4)}.xlsx",
        2 => $"Error in ./node_modules/@babel/core/lib/transformation/{Pick(s_words)}/index.js:{_rng.Next(1, 500)}:{_rng.Next(1, 80)}",
        _ => $"The log is at /var/log/{Pick(s_services)}/{Pick(s_words)}-{2024 + _rng.Next(3)}-{_rng.Next(1, 13):D2}-{_rng.Next(1, 29):D2}.log.gz",
    };

    private string Container() => _rng.Next(3) switch
    {
        0 => $"Pod {Pick(s_services)}-{Token(9, LowerAlnum)}-{Token(5, LowerAlnum)} is in CrashLoopBackOff.",
        1 => $"docker run --name {Pick(s_words)}_{Token(12, Hex)} {Pick(s_services)}:{_rng.Next(1, 9)}.{_rng.Next(20)}.{_rng.Next(20)}",
        _ => $"Job {Pick(s_services)}-cron-{_rng.Next(27000000, 29999999)}-{Token(5, LowerAlnum)} completed.",
    };

    private string Version() => _rng.Next(4) switch
    {
        0 => $"Upgrade to {_rng.Next(1, 20)}.{_rng.Next(30)}.{_rng.Next(100)} (from {_rng.Next(1, 20)}.{_rng.Next(30)}.{_rng.Next(100)}).",
        1 => $"Built with SDK {_rng.Next(6, 11)}.0.{_rng.Next(100, 400)}-preview.{_rng.Next(1, 8)}.{_rng.Next(24000, 25999)}.{_rng.Next(1, 200)}",
        2 => $"Requires v{_rng.Next(1, 5)}.{_rng.Next(10)}.{_rng.Next(10)}-rc.{_rng.Next(1, 5)}+build.{_rng.Next(1000, 99999)} or newer.",
        _ => $"Package Microsoft.Extensions.AI {_rng.Next(8, 11)}.{_rng.Next(0, 12)}.{_rng.Next(0, 5)} targets net{_rng.Next(6, 11)}.0.",
    };

    private string DateTime()
    {
        var t = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(_rng.NextDouble() * 7 * 365 * 86400);
        var inv = CultureInfo.InvariantCulture;
        return _rng.Next(5) switch
        {
            0 => $"The job ran at {t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", inv)} and took {_rng.Next(1, 900)} s.",
            1 => $"Meeting on {t.ToString("dd/MM/yyyy HH:mm", inv)} in room {_rng.Next(100, 999)}.",
            2 => $"Posted {t.ToString("MMM d, yyyy 'at' h:mm tt", inv)}.",
            3 => $"Unix time {t.ToUnixTimeSeconds()} equals {t.ToString("R", inv)}.",
            _ => $"Window {t.ToString("HH:mm", inv)}-{t.AddHours(2).ToString("HH:mm", inv)} UTC, {t.ToString("yyyyMMdd", inv)}.",
        };
    }

    private string Price() => _rng.Next(4) switch
    {
        0 => $"The laptop costs ${_rng.Next(300, 4000):N0}.{_rng.Next(100):D2} before tax.",
        1 => $"Subscription: €{_rng.Next(5, 100)}.99 per month or €{_rng.Next(50, 1000)} per year.",
        2 => $"Revenue grew from USD {_rng.Next(1, 90)}.{_rng.Next(10)}M to USD {_rng.Next(100, 900)}.{_rng.Next(10)}M in {2015 + _rng.Next(10)}.",
        _ => $"Total: {_rng.Next(1, 9)} {_rng.Next(100, 999)},{_rng.Next(100):D2} kr including {_rng.Next(5, 26)}% VAT.",
    };

    private string Math()
    {
        int a = _rng.Next(2, 999), b = _rng.Next(2, 999), c = _rng.Next(2, 99);
        return _rng.Next(5) switch
        {
            0 => $"Solve {c}x^2 + {a}x - {b} = 0 for x.",
            1 => $"({a} + {b}) * {c} = {(a + b) * c}, and {a} * {b} = {a * b}.",
            2 => $"The matrix [[{a}, {b}], [{c}, {a + c}]] has determinant {(a * (a + c)) - (b * c)}.",
            3 => $"Compute {a} / {c} = {(double)a / c:F4} and round to {System.Math.Round((double)a / c, 1)}.",
            _ => $"The numbers {a} {b} {c * 100} {a + b} sum to {a + b + (c * 100) + a + b}.",
        };
    }

    private string Mixed() =>
        $"Ticket #{_rng.Next(1000, 99999)}: after deploying {Pick(s_services)} {_rng.Next(1, 9)}.{_rng.Next(20)}.{_rng.Next(20)} (commit {Token(7, Hex)}) " +
        $"request {Guid()} to https://{Pick(s_hosts)}/api/{Pick(s_words)}?id={_rng.Next(1, 100000)} failed at 2025-{_rng.Next(1, 13):D2}-{_rng.Next(1, 29):D2} {_rng.Next(24):D2}:{_rng.Next(60):D2}; " +
        $"cost ${_rng.Next(1, 500)}.{_rng.Next(100):D2}.";
}
