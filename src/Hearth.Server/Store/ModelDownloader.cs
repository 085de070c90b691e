using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Hearth.Server.Configuration;

namespace Hearth.Server.Store;

/// <summary>Progress of a pull, reported at most every 100 ms and at each phase change.</summary>
public sealed record PullProgress(string Phase, long CompletedBytes, long? TotalBytes);

/// <summary>The outcome of a pull.</summary>
public sealed record PullResult(string ModelName, string Path, long Bytes, string Sha256, bool Verified, int Resumes);

/// <summary>A pull failed (HTTP error, checksum mismatch, not a GGUF file, a limit hit); the message says which and what to do.</summary>
public class ModelDownloadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The pull was refused before any byte was written: a model of that name exists and overwriting was not asked for.</summary>
public sealed class ModelExistsException(string modelName)
    : ModelDownloadException($"A model named '{modelName}' already exists. Pull with --force (API: \"force\": true) to replace it, or remove it first.")
{
    public string ModelName { get; } = modelName;
}

/// <summary>The source is not acceptable (e.g. a redirect to a non-http(s) scheme): a client error, not a server fault.</summary>
public sealed class ModelSourceRejectedException(string message, Exception? inner = null) : ModelDownloadException(message, inner);

/// <summary>How one pull treats an existing model and its own partial file.</summary>
/// <param name="Overwrite">Replace a model of the same name (otherwise <see cref="ModelExistsException"/> before any download).</param>
/// <param name="DeletePartialWhenCancelled">
/// Delete <c>NAME.gguf.partial</c> when the pull is cancelled (the HTTP request that started it is gone: the node must not keep
/// bytes nobody asked for). False keeps it for a later resume (the CLI: Ctrl+C, then pull again).
/// </param>
public sealed record PullMode(bool Overwrite = false, bool DeletePartialWhenCancelled = false);

/// <summary>
/// Downloads a model into <c>$HEARTH_HOME/models</c>: bytes go to <c>downloads/NAME.gguf.partial</c>, a broken connection resumes with an
/// HTTP <c>Range</c> request (also across runs) guarded by <c>If-Range</c> with the validator of the response the partial bytes came from
/// (a strong <c>ETag</c>, else <c>Last-Modified</c>, kept in <c>NAME.gguf.partial.validator</c>), so bytes of a file that changed on the
/// server are never stitched onto old ones: the server then answers 200 and the download restarts; without any validator a partial
/// file is not resumed but downloaded again. The SHA-256 is checked when the source publishes one (a <c>URL.sha256</c> sidecar, or an
/// <c>X-Linked-ETag</c>/<c>ETag</c> that is a 64-hex digest), the GGUF magic is checked, and the file is moved into place atomically.
/// </summary>
/// <remarks>
/// Limits (<see cref="PullOptions"/>): the sidecar is read up to <see cref="PullOptions.MaxSidecarBytes"/> whatever its headers say;
/// the file may not exceed <see cref="PullOptions.MaxDownloadBytes"/> (default: free disk minus <see cref="PullOptions.MinFreeDiskBytes"/>),
/// checked against <c>Content-Length</c> up front and against the bytes written while reading, and an oversized partial file is deleted;
/// waiting for headers or for the next body bytes longer than <see cref="PullOptions.IdleReadTimeoutSeconds"/> fails the attempt.
/// A redirect to anything but http(s) is refused with <see cref="ModelSourceRejectedException"/>.
/// </remarks>
public sealed class ModelDownloader(HttpClient http, string home, int maxAttempts = 6, TimeProvider? timeProvider = null, PullOptions? limits = null)
{
    private static readonly byte[] GgufMagic = "GGUF"u8.ToArray();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly PullOptions _limits = limits ?? new PullOptions();

    public Task<PullResult> PullAsync(ModelSource source, IProgress<PullProgress>? progress, CancellationToken cancellationToken) =>
        PullAsync(source, new PullMode(), progress, cancellationToken);

    public async Task<PullResult> PullAsync(ModelSource source, PullMode mode, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mode);
        var downloads = HearthHome.DownloadsDirectory(home);
        var models = HearthHome.ModelsDirectory(home);
        Directory.CreateDirectory(downloads);
        Directory.CreateDirectory(models);
        var partial = Path.Combine(downloads, source.ModelName + ".gguf.partial");
        var validatorFile = partial + ".validator";
        var final = Path.Combine(models, source.ModelName + Backends.LocalModelFiles.Extension);
        if (!mode.Overwrite && File.Exists(final))
        {
            throw new ModelExistsException(source.ModelName);
        }
        try
        {
            return await PullCoreAsync(source, mode, partial, validatorFile, final, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && mode.DeletePartialWhenCancelled)
        {
            DeletePartial(partial, validatorFile);
            throw;
        }
    }

    private async Task<PullResult> PullCoreAsync(ModelSource source, PullMode mode, string partial, string validatorFile, string final,
        IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new PullProgress("resolving", 0, null));
        var capBytes = DownloadCapBytes(partial);
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
                var done = await DownloadAttemptAsync(source.Url, partial, validatorFile, have, capBytes, progress, cancellationToken).ConfigureAwait(false);
                total = done.Total;
                expected ??= done.HeaderDigest;
                last = null;
                break;
            }
            catch (ModelDownloadException) when (!cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
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
            DeletePartial(partial, validatorFile);
            throw new ModelDownloadException($"SHA-256 mismatch for {source.Url}: published {expected}, downloaded {actual}. The partial file was deleted; pull again.");
        }
        await using (var check = File.OpenRead(partial))
        {
            var magic = new byte[4];
            var n = await check.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (n < 4 || !magic.AsSpan().SequenceEqual(GgufMagic))
            {
                check.Close();
                DeletePartial(partial, validatorFile);
                throw new ModelDownloadException($"{source.Url} is not a GGUF file (no 'GGUF' magic at offset 0).");
            }
        }
        try
        {
            File.Move(partial, final, overwrite: mode.Overwrite);
        }
        catch (IOException) when (!mode.Overwrite && File.Exists(final))
        {
            // Another pull of the same name finished first; this one keeps its (verified) partial file for a forced pull.
            throw new ModelExistsException(source.ModelName);
        }
        File.Delete(validatorFile);
        var bytes = new FileInfo(final).Length;
        progress?.Report(new PullProgress("success", bytes, bytes));
        return new PullResult(source.ModelName, final, bytes, actual, expected is not null, resumes);
    }

    private static void DeletePartial(string partial, string validatorFile)
    {
        File.Delete(partial);
        File.Delete(validatorFile);
    }

    /// <summary>The configured cap, else what fits on the volume while leaving <see cref="PullOptions.MinFreeDiskBytes"/> free.</summary>
    private long DownloadCapBytes(string partial)
    {
        if (_limits.MaxDownloadBytes > 0)
        {
            return _limits.MaxDownloadBytes;
        }
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        var free = FreeBytesOfVolume(Path.GetDirectoryName(Path.GetFullPath(partial))!);
        return Math.Max(0, free - _limits.MinFreeDiskBytes) + have;
    }

    /// <summary>Free bytes of the volume holding <paramref name="directory"/>: the mount point with the longest matching root.</summary>
    internal static long FreeBytesOfVolume(string directory)
    {
        static string WithSeparator(string path) => Path.EndsInDirectorySeparator(path) ? path : path + Path.DirectorySeparatorChar;
        var full = WithSeparator(Path.GetFullPath(directory));
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        DriveInfo? best = null;
        foreach (var drive in DriveInfo.GetDrives())
        {
            var root = WithSeparator(drive.RootDirectory.FullName);
            if (full.StartsWith(root, comparison) && (best is null || root.Length > best.RootDirectory.FullName.Length) && drive.IsReady)
            {
                best = drive;
            }
        }
        return best?.AvailableFreeSpace ?? throw new IOException($"Cannot tell the free space of the volume holding '{directory}'; set Pull:MaxDownloadBytes.");
    }

    private string CapText(long capBytes) => _limits.MaxDownloadBytes > 0
        ? $"the pull size cap of {capBytes:N0} bytes (Pull:MaxDownloadBytes)"
        : $"the {capBytes:N0} bytes that fit on disk while leaving {_limits.MinFreeDiskBytes:N0} bytes free (Pull:MinFreeDiskBytes; set Pull:MaxDownloadBytes to choose a cap)";

    private async Task<(long? Total, string? HeaderDigest)> DownloadAttemptAsync(Uri url, string partial, string validatorFile, long have, long capBytes,
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
        using var idle = new IdleTimeout(TimeSpan.FromSeconds(_limits.IdleReadTimeoutSeconds), _time, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(request, idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (idle.Expired)
        {
            throw idle.Failure(url, "response headers", e);
        }
        using var owned = response;
        RejectUnfollowedRedirect(url, response);
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
        long? total = append ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
        if (total > capBytes)
        {
            DeletePartial(partial, validatorFile);
            throw new ModelDownloadException($"{url} is {total:N0} bytes, more than {CapText(capBytes)}. Nothing was downloaded.");
        }
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
        var completed = append ? have : 0;
        var tooLarge = false;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            await using var file = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            var lastReport = _time.GetTimestamp();
            progress?.Report(new PullProgress("downloading", completed, total));
            while (true)
            {
                idle.Restart();
                var read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                if (completed + read > capBytes)
                {
                    tooLarge = true;
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                completed += read;
                if (_time.GetElapsedTime(lastReport) >= TimeSpan.FromMilliseconds(100))
                {
                    lastReport = _time.GetTimestamp();
                    progress?.Report(new PullProgress("downloading", completed, total));
                }
            }
        }
        catch (OperationCanceledException e) when (idle.Expired)
        {
            throw idle.Failure(url, $"more bytes after {completed:N0}", e);
        }
        if (tooLarge)
        {
            DeletePartial(partial, validatorFile);
            throw new ModelDownloadException($"{url} sent more than {CapText(capBytes)}; the partial file was deleted.");
        }
        if (total is { } t && completed != t)
        {
            throw new IOException($"connection closed at {completed:N0} of {t:N0} bytes");
        }
        progress?.Report(new PullProgress("downloading", completed, total ?? completed));
        return (total ?? completed, digest);
    }

    /// <summary>The client pulls should use: redirects are followed by <see cref="SendAsync"/>, which checks every hop's scheme.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) }) { Timeout = Timeout.InfiniteTimeSpan };

    private const int MaxRedirects = 10;

    /// <summary>
    /// Sends <paramref name="request"/> and follows up to <see cref="MaxRedirects"/> redirects itself, each to an http(s) URL only
    /// (a <c>file:</c> or other target is <see cref="ModelSourceRejectedException"/>), keeping the method and the Range headers.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = request;
        for (var hop = 0; ; hop++)
        {
            var uri = current.RequestUri!;
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(current, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (UriFormatException e)
            {
                // A client that follows redirects by itself choked on the target (e.g. file:///...): the source's fault.
                throw new ModelSourceRejectedException($"{request.RequestUri} redirects to a URL that cannot be fetched: {e.Message}", e);
            }
            finally
            {
                if (current != request)
                {
                    current.Dispose();
                }
            }
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }
            response.Dispose();
            var target = location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            {
                throw new ModelSourceRejectedException($"{request.RequestUri} redirects to a '{target.Scheme}:' URL; pulls follow http(s) redirects only.");
            }
            if (hop >= MaxRedirects)
            {
                throw new ModelSourceRejectedException($"{request.RequestUri} redirected more than {MaxRedirects} times.");
            }
            var next = new HttpRequestMessage(HttpMethod.Get, target);
            next.Headers.Range = request.Headers.Range;
            if (request.Headers.TryGetValues("If-Range", out var ifRange))
            {
                next.Headers.TryAddWithoutValidation("If-Range", ifRange);
            }
            current = next;
        }
    }

    /// <summary>
    /// A client that does not follow redirects itself hands back the 3xx; one it did not follow points elsewhere (<c>file:</c>, <c>ftp:</c>...). That is the
    /// source's fault, never a reason to read local files: refuse it as a bad source.
    /// </summary>
    private static void RejectUnfollowedRedirect(Uri url, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400 && status != 304 && response.Headers.Location is { } location)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            {
                throw new ModelSourceRejectedException($"{url} redirects to a '{target.Scheme}:' URL; pulls follow http(s) redirects only.");
            }
        }
    }

    private async Task<string?> TryGetSidecarDigestAsync(Uri url, CancellationToken cancellationToken)
    {
        var sidecar = new Uri(url + ".sha256");
        using var idle = new IdleTimeout(TimeSpan.FromSeconds(_limits.IdleReadTimeoutSeconds), _time, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, sidecar);
            using var response = await SendAsync(request, idle.Token).ConfigureAwait(false);
            RejectUnfollowedRedirect(sidecar, response);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > _limits.MaxSidecarBytes)
            {
                return null;
            }
            // Read at most MaxSidecarBytes + 1 whatever the headers say (no Content-Length, chunked, endless): one more byte means too long.
            var buffer = new byte[_limits.MaxSidecarBytes + 1];
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), idle.Token).ConfigureAwait(false)) > 0)
            {
                length += read;
                idle.Restart();
            }
            if (length > _limits.MaxSidecarBytes)
            {
                return null;
            }
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
            var token = text.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return IsSha256(token) ? token!.ToLowerInvariant() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (OperationCanceledException) when (idle.Expired)
        {
            return null;   // a stalled sidecar is no digest; the file itself may still carry one in its ETag
        }
    }

    /// <summary>A token that cancels when no progress was made for the idle period (<see cref="Restart"/> marks progress) or the caller cancels.</summary>
    private sealed class IdleTimeout : IDisposable
    {
        private readonly TimeSpan _period;
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;
        private readonly CancellationToken _caller;

        public IdleTimeout(TimeSpan period, TimeProvider time, CancellationToken caller)
        {
            _period = period;
            _caller = caller;
            _timer = new CancellationTokenSource(period, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public bool Expired => _timer.IsCancellationRequested && !_caller.IsCancellationRequested;

        public void Restart() => _timer.CancelAfter(_period);

        public TimeoutException Failure(Uri url, string waitingFor, Exception inner) =>
            new($"{url} sent nothing for {_period.TotalSeconds:0.#} s while waiting for {waitingFor} (Pull:IdleReadTimeoutSeconds)", inner);

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
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
