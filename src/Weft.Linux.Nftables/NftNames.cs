using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Weft.Linux.Nftables;

/// <summary>
/// Names for chains, sets and maps. nft 1.0.x cannot quote object names and rejects names that
/// collide with its keywords ("fwd", "filter", ...), so every Weft name is lowercase, starts with
/// a letter and contains a '-', which no keyword does.
/// </summary>
public static partial class NftNames
{
    /// <summary>Longest name produced; nft allows 255, short names keep scripts and listings readable.</summary>
    public const int MaxLength = 63;

    private const int HashLength = 10;

    /// <summary>
    /// A valid name made from readable parts, e.g. ("pod", "default/web-1") → "pod-default-web-1".
    /// Characters nft cannot take become '-'; a name longer than <see cref="MaxLength"/> keeps its
    /// start and ends with a hash of the full text, so distinct inputs stay distinct.
    /// </summary>
    public static string Make(params string[] parts)
    {
        ArgumentOutOfRangeException.ThrowIfZero(parts.Length);
        string full = string.Join("-", parts);
        var name = new StringBuilder(full.Length);
        foreach (char c in full.ToLowerInvariant())
        {
            name.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' ? c : '-');
        }

        if (name.Length == 0 || name[0] is < 'a' or > 'z')
        {
            name.Insert(0, "w-");
        }

        if (!name.ToString().Contains('-', StringComparison.Ordinal))
        {
            name.Append('-');
        }

        if (name.Length <= MaxLength)
        {
            return name.ToString();
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..HashLength];
        return name.ToString(0, MaxLength - HashLength - 1) + "-" + hash;
    }

    /// <summary>True if <paramref name="name"/> is a name <see cref="Make"/> could have produced.</summary>
    public static bool IsValid(string name) =>
        name.Length <= MaxLength && ValidName().IsMatch(name) && name.Contains('-', StringComparison.Ordinal);

    internal static string Check(string name, string what) => IsValid(name)
        ? name
        : throw new ArgumentException(
            $"nft {what} name '{name}' is invalid: use lowercase letters, digits, '_' and '-', start with a letter, contain a '-' and stay within {MaxLength} characters (see NftNames.Make)",
            nameof(name));

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex ValidName();
}
