using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Hearth.Server.Configuration;

namespace Hearth.Server.Store;

/// <summary>Progress of a pull, reported at most every 100 ms and at each phase change.</summary>
public sealed record PullProgress(string Phase, long CompletedBytes, long? TotalBytes);

/// <summary>The outcome of a pull.</summary>
public sealed record PullResult(string ModelName, string Path, long Bytes, string Sha256, bool Verified, int Resumes);

/// <summary>A pull failed (HTTP error, checksum mismatch, not a GGUF file); the message says which and what to do.</summary>
public sealed class ModelDownloadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Downloads a model into <c>$HEARTH_HOME/models</c>: bytes go to <c>downloads/NAME.gguf.partial</c>, a broken connection resumes with an
/// HTTP <c>Range</c> request (also across runs) guarded by <c>If-Range</c> with the validator of the response the partial bytes came from
/// (a strong <c>ETag</c>, else <c>Last-Modified</c>, kept in <c>NAME.gguf.partial.validator</c>), so bytes of a file that changed on the
/// server are never stitched onto old ones: the server then answers 200 and the download restarts; without any validator a partial
/// file is not resumed but downloaded again. The SHA-256 is checked when the source publishes one (a <c>URL.sha256</c> sidecar, or an
/// <c>X-Linked-ETag</c>/<c>ETag</c> that is a 64-hex digest), the GGUF magic is checked, and the file is moved into place atomically.
/// </summary>
public sealed class ModelDownloader(HttpClient http, string home, int maxAttempts = 6, TimeProvider? timeProvider = null)
{
    private static readonly byte[] GgufMagic = "GGUF"u8.ToArray();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public async Task<PullResult> PullAsync(ModelSource source, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var downloads = HearthHome.DownloadsDirectory(home);
        var models = HearthHome.ModelsDirectory(home);
        Directory.CreateDirectory(downloads);
        Directory.CreateDirectory(models);
        var partial = Path.Combine(downloads, source.ModelName + ".gguf.partial");
        var validatorFile = partial + ".validator";
        var final = Path.Combine(models, source.ModelName + Backends.LocalModelFiles.Extension);

        progress?.Report(new PullProgress("resolving", 0, null));
        var expected = await TryGetSidecarDigestAsync(source.Url, cancellationToken).ConfigureAwait(false);
        long? total = null;
        var resumes = 0;
        Exception? last = null;
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (have > 0)
            {
                resumes++;
            }
            try
            {
                var done = await DownloadAttemptAsync(source.Url, partial, validatorFile, have, progress, cancellationToken).ConfigureAwait(false);
                total = done.Total;
                expected ??= done.HeaderDigest;
                last = null;
                break;
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                last = e;
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        if (last is not null)
        {
            // "Resume" only when there is something to resume from; a host that was never reached needs the network or the URL fixed.
            var kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            var advice = kept > 0
                ? $"{kept.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes are kept; run the pull again to resume."
                : "Nothing was downloaded: check the URL and that this machine can reach the host (is it offline?), then run the pull again.";
            throw new ModelDownloadException($"Download of {source.Url} failed after {maxAttempts} attempts: {last.Message.TrimEnd('.')}. {advice}", last);
        }

        progress?.Report(new PullProgress("verifying", total ?? 0, total));
        var actual = await HashFileAsync(partial, cancellationToken).ConfigureAwait(false);
        if (expected is not null && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            File.Delete(validatorFile);
            throw new ModelDownloadException($"SHA-256 mismatch for {source.Url}: published {expected}, downloaded {actual}. The partial file was deleted; pull again.");
        }
        await using (var check = File.OpenRead(partial))
        {
            var magic = new byte[4];
            var n = await check.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (n < 4 || !magic.AsSpan().SequenceEqual(GgufMagic))
            {
                check.Close();
                File.Delete(partial);
                File.Delete(validatorFile);
                throw new ModelDownloadException($"{source.Url} is not a GGUF file (no 'GGUF' magic at offset 0).");
            }
        }
        File.Move(partial, final, overwrite: true);
        File.Delete(validatorFile);
        var bytes = new FileInfo(final).Length;
        progress?.Report(new PullProgress("success", bytes, bytes));
        return new PullResult(source.ModelName, final, bytes, actual, expected is not null, resumes);
    }

    private async Task<(long? Total, string? HeaderDigest)> DownloadAttemptAsync(Uri url, string partial, string validatorFile, long have,
        IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var validator = have > 0 && File.Exists(validatorFile) ? (await File.ReadAllTextAsync(validatorFile, cancellationToken).ConfigureAwait(false)).Trim() : "";
        if (have > 0 && validator.Length > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
            request.Headers.TryAddWithoutValidation("If-Range", validator);
        }
        else
        {
            have = 0;   // nothing proves the partial bytes belong to the file the server has now: start over
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var digest = DigestFromHeaders(response);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // Already complete: the server has nothing past our length.
            return (response.Content.Headers.ContentRange?.Length ?? have, digest);
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new ModelDownloadException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        var append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
        if (!append)
        {
            // A fresh (200) body: remember what identifies it, for a later If-Range.
            var fresh = Validator(response);
            if (fresh is null)
            {
                File.Delete(validatorFile);
            }
            else
            {
                await File.WriteAllTextAsync(validatorFile, fresh, cancellationToken).ConfigureAwait(false);
            }
        }
        if (append && response.Content.Headers.ContentRange?.From != have)
        {
            throw new ModelDownloadException($"{url} answered a range starting at {response.Content.Headers.ContentRange?.From}, not {have}.");
        }
        long? total = append ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
        var completed = append ? have : 0;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var file = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        var lastReport = _time.GetTimestamp();
        progress?.Report(new PullProgress("downloading", completed, total));
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            completed += read;
            if (_time.GetElapsedTime(lastReport) >= TimeSpan.FromMilliseconds(100))
            {
                lastReport = _time.GetTimestamp();
                progress?.Report(new PullProgress("downloading", completed, total));
            }
        }
        if (total is { } t && completed != t)
        {
            throw new IOException($"connection closed at {completed:N0} of {t:N0} bytes");
        }
        progress?.Report(new PullProgress("downloading", completed, total ?? completed));
        return (total ?? completed, digest);
    }

    private async Task<string?> TryGetSidecarDigestAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url + ".sha256"), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > 4096)
            {
                return null;
            }
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var token = text.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return IsSha256(token) ? token!.ToLowerInvariant() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static string? DigestFromHeaders(HttpResponseMessage response)
    {
        foreach (var name in new[] { "X-Linked-ETag", "ETag" })
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                var v = values.First().Trim();
                if (v.StartsWith("W/", StringComparison.Ordinal)) { v = v[2..]; }
                v = v.Trim('"');
                if (v.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) { v = v[7..]; }
                if (IsSha256(v)) { return v.ToLowerInvariant(); }
            }
        }
        return null;
    }

    /// <summary>The response's If-Range validator: a strong ETag, else Last-Modified (HTTP date), else null.</summary>
    private static string? Validator(HttpResponseMessage response)
    {
        if (response.Headers.ETag is { IsWeak: false } etag)
        {
            return etag.Tag;
        }
        return response.Content.Headers.LastModified is { } modified ? modified.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static bool IsSha256(string? s) => s is { Length: 64 } && s.All(char.IsAsciiHexDigit);

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }
}
