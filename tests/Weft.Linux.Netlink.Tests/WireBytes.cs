using System.Buffers.Binary;

namespace Weft.Linux.Netlink.Tests;

/// <summary>
/// Builds netlink bytes by hand for parser tests, independently of the production writer:
/// little-endian fields, 4-byte padding, lengths computed here.
/// </summary>
internal static class WireBytes
{
    public static byte[] Message(ushort type, ushort flags, uint sequence, params byte[][] parts)
    {
        byte[] body = [.. parts.SelectMany(p => p)];
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(16 + body.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), sequence);
        return [.. header, .. body];
    }

    public static byte[] Attr(ushort type, params byte[] value)
    {
        int length = 4 + value.Length;
        var bytes = new byte[(length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), type);
        value.CopyTo(bytes, 4);
        return bytes;
    }

    public static byte[] Nest(ushort type, params byte[][] attributes) => Attr(type, [.. attributes.SelectMany(a => a)]);

    public static byte[] U32(uint value) => BitConverter.GetBytes(value);

    public static byte[] I32(int value) => BitConverter.GetBytes(value);

    public static byte[] Str(string value) => [.. System.Text.Encoding.ASCII.GetBytes(value), 0];

    /// <summary>Hex digits, one group per line; on each line text after two spaces is a comment.</summary>
    public static byte[] Hex(string text) => Convert.FromHexString(string.Concat(
        text.Split('\n').Select(line => line.TrimStart().Split("  ")[0].Replace(" ", "", StringComparison.Ordinal))));
}
