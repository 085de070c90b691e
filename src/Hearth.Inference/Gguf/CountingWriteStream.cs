namespace Hearth.Inference.Gguf;

/// <summary>Forwards writes to the output file and enforces that a streamed tensor writes exactly its declared size.</summary>
internal sealed class CountingWriteStream(Stream inner, long expectedBytes, string tensorName) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException("A tensor data stream is write-only and forward-only.");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > expectedBytes)
        {
            throw new InvalidOperationException($"Tensor '{tensorName}' wrote more than its {expectedBytes} bytes.");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public void EnsureComplete()
    {
        if (_written != expectedBytes)
        {
            throw new InvalidOperationException($"Tensor '{tensorName}' wrote {_written} bytes, expected {expectedBytes}.");
        }
    }

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Write-only stream.");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Forward-only stream.");
    public override void SetLength(long value) => throw new NotSupportedException("Forward-only stream.");
}
