namespace Weft.Core.Cni;

/// <summary>
/// Parsed <c>CNI_ARGS</c> (<c>K=V;K=V</c>). As in the reference plugins, an unknown key is an error
/// unless <c>IgnoreUnknown</c> is true; containerd, podman and multus all set it.
/// </summary>
public sealed class CniArgs
{
    /// <summary>Keys Weft understands.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
        ["IgnoreUnknown", "K8S_POD_NAMESPACE", "K8S_POD_NAME", "K8S_POD_UID", "K8S_POD_INFRA_CONTAINER_ID", "IP", "MAC"];

    private static readonly CniArgs EmptyArgs = new([]);

    private readonly IReadOnlyList<KeyValuePair<string, string>> _pairs;

    private CniArgs(IReadOnlyList<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    /// <summary>Every pair in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>True when <c>IgnoreUnknown</c> is 1 or true.</summary>
    public bool IgnoreUnknown => ParseBool(Get("IgnoreUnknown")) == true;

    /// <summary><c>K8S_POD_NAMESPACE</c>.</summary>
    public string? PodNamespace => Get("K8S_POD_NAMESPACE");

    /// <summary><c>K8S_POD_NAME</c>.</summary>
    public string? PodName => Get("K8S_POD_NAME");

    /// <summary><c>K8S_POD_UID</c>.</summary>
    public string? PodUid => Get("K8S_POD_UID");

    /// <summary><c>K8S_POD_INFRA_CONTAINER_ID</c>.</summary>
    public string? PodInfraContainerId => Get("K8S_POD_INFRA_CONTAINER_ID");

    /// <summary><c>IP</c>: requested static address(es), comma separated (podman).</summary>
    public string? Ip => Get("IP");

    /// <summary><c>MAC</c>: requested MAC address (podman).</summary>
    public string? Mac => Get("MAC");

    /// <summary>Keys not in <see cref="KnownKeys"/>.</summary>
    public IReadOnlyList<string> UnknownKeys => [.. _pairs.Select(p => p.Key).Where(k => !KnownKeys.Contains(k))];

    /// <summary>The last value given for <paramref name="key"/> (case-sensitive), or null.</summary>
    public string? Get(string key)
    {
        for (var i = _pairs.Count - 1; i >= 0; i--)
        {
            if (_pairs[i].Key == key)
            {
                return _pairs[i].Value;
            }
        }

        return null;
    }

    /// <summary>Like <see cref="TryParse"/> but throws; for the agent, which gets CNI_ARGS already validated by weft-cni.</summary>
    /// <exception cref="CniException">Code 4 naming the bad pair or key.</exception>
    public static CniArgs Parse(string? raw) => TryParse(raw, out var args, out var error) ? args : throw new CniException(error!);

    /// <summary>
    /// Parses <paramref name="raw"/>; null or empty gives no pairs. Empty segments (a trailing ';')
    /// are skipped; a value may contain '='.
    /// </summary>
    /// <returns>False with a code 4 error naming the bad pair or key.</returns>
    public static bool TryParse(string? raw, out CniArgs args, out CniError? error)
    {
        args = EmptyArgs;
        error = null;
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var segment in raw.Split(';'))
        {
            if (segment.Length == 0)
            {
                continue;
            }

            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = new CniError(CniErrorCodes.InvalidEnvironmentVariables, $"CNI_ARGS pair \"{segment}\" is not KEY=VALUE");
                return false;
            }

            pairs.Add(new(segment[..eq], segment[(eq + 1)..]));
        }

        var parsed = new CniArgs(pairs);
        var ignore = parsed.Get("IgnoreUnknown");
        if (ignore is not null && ParseBool(ignore) is null)
        {
            error = new CniError(CniErrorCodes.InvalidEnvironmentVariables, $"CNI_ARGS IgnoreUnknown=\"{ignore}\" is not a boolean", "use 1, 0, true or false");
            return false;
        }

        var unknown = parsed.UnknownKeys;
        if (unknown.Count > 0 && !parsed.IgnoreUnknown)
        {
            error = new CniError(CniErrorCodes.InvalidEnvironmentVariables, $"CNI_ARGS key \"{unknown[0]}\" is unknown",
                "add IgnoreUnknown=1 to CNI_ARGS to skip keys Weft does not know");
            return false;
        }

        args = parsed;
        return true;
    }

    private static bool? ParseBool(string? value) => value?.ToUpperInvariant() switch
    {
        "1" or "TRUE" => true,
        "0" or "FALSE" => false,
        _ => null,
    };
}
