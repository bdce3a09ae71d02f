using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Weft.Agent.Contract;

/// <summary>
/// Framing on the agent's unix stream socket: each message is a 4-byte big-endian length followed by
/// that many bytes of UTF-8 JSON. One request and one response per connection.
/// </summary>
public static class AgentWire
{
    /// <summary>Largest accepted message body (16 MiB); a larger length prefix is rejected before reading.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Writes one framed message and flushes.</summary>
    /// <exception cref="InvalidDataException">The message is larger than <see cref="MaxMessageBytes"/>.</exception>
    public static async Task WriteAsync<T>(Stream stream, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var frame = Frame(message, typeInfo);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one framed message.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the connection before a whole message arrived.</exception>
    /// <exception cref="InvalidDataException">The length is 0 or too large, or the body is not valid JSON for <typeparamref name="T"/>.</exception>
    public static async Task<T> ReadAsync<T>(Stream stream, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var body = new byte[CheckedLength(header, typeInfo)];
        await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return Decode(body, typeInfo);
    }

    /// <summary>Synchronous <see cref="WriteAsync"/>, for the CNI binary.</summary>
    /// <exception cref="InvalidDataException">The message is larger than <see cref="MaxMessageBytes"/>.</exception>
    public static void Write<T>(Stream stream, T message, JsonTypeInfo<T> typeInfo)
    {
        stream.Write(Frame(message, typeInfo));
        stream.Flush();
    }

    /// <summary>Synchronous <see cref="ReadAsync"/>, for the CNI binary.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the connection before a whole message arrived.</exception>
    /// <exception cref="InvalidDataException">The length is 0 or too large, or the body is not valid JSON for <typeparamref name="T"/>.</exception>
    public static T Read<T>(Stream stream, JsonTypeInfo<T> typeInfo)
    {
        Span<byte> header = stackalloc byte[4];
        stream.ReadExactly(header);
        var body = new byte[CheckedLength(header, typeInfo)];
        stream.ReadExactly(body);
        return Decode(body, typeInfo);
    }

    private static byte[] Frame<T>(T message, JsonTypeInfo<T> typeInfo)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, typeInfo);
        if (json.Length > MaxMessageBytes)
        {
            throw new InvalidDataException($"{typeInfo.Type.Name} is {json.Length} bytes, over the agent wire limit of {MaxMessageBytes}");
        }

        var frame = new byte[4 + json.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, json.Length);
        json.CopyTo(frame, 4);
        return frame;
    }

    private static int CheckedLength<T>(ReadOnlySpan<byte> header, JsonTypeInfo<T> typeInfo)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length == 0 || length > MaxMessageBytes)
        {
            throw new InvalidDataException($"{typeInfo.Type.Name} frame length {length} is outside 1..{MaxMessageBytes}");
        }

        return (int)length;
    }

    private static T Decode<T>(byte[] body, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo)
                ?? throw new InvalidDataException($"{typeInfo.Type.Name} message is JSON null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{typeInfo.Type.Name} message is not valid: {ex.Message}", ex);
        }
    }
}
