namespace Weft.Core.Cni;

/// <summary>libcni's checks on container IDs, interface names and network names.</summary>
public static class CniValidation
{
    /// <summary>Linux IFNAMSIZ minus the terminating NUL.</summary>
    public const int MaxIfNameBytes = 15;

    /// <summary>Container ID must match <c>^[A-Za-z0-9][A-Za-z0-9_.-]*$</c>; failure is code 4.</summary>
    /// <returns>Null when valid.</returns>
    public static CniError? ValidateContainerId(string? containerId)
    {
        if (string.IsNullOrEmpty(containerId))
        {
            return new CniError(CniErrorCodes.InvalidEnvironmentVariables, "required env variables [CNI_CONTAINERID] missing");
        }

        return IsIdentifier(containerId)
            ? null
            : new CniError(CniErrorCodes.InvalidEnvironmentVariables, $"CNI_CONTAINERID \"{containerId}\" contains invalid characters",
                "container ID must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$");
    }

    /// <summary>Interface name: 1–15 bytes, not "." or "..", no '/', ':' or whitespace; failure is code 4.</summary>
    /// <returns>Null when valid.</returns>
    public static CniError? ValidateIfName(string? ifName)
    {
        if (string.IsNullOrEmpty(ifName))
        {
            return new CniError(CniErrorCodes.InvalidEnvironmentVariables, "required env variables [CNI_IFNAME] missing");
        }

        string? problem = null;
        if (System.Text.Encoding.UTF8.GetByteCount(ifName) > MaxIfNameBytes)
        {
            problem = $"is longer than {MaxIfNameBytes} bytes";
        }
        else if (ifName is "." or "..")
        {
            problem = "is \".\" or \"..\"";
        }
        else if (ifName.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)))
        {
            problem = "contains '/', ':' or whitespace";
        }

        return problem is null ? null : new CniError(CniErrorCodes.InvalidEnvironmentVariables, $"CNI_IFNAME \"{ifName}\" {problem}");
    }

    /// <summary>Network name: present and matching the container-ID pattern; failure is code 7.</summary>
    /// <returns>Null when valid.</returns>
    public static CniError? ValidateNetworkName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return new CniError(CniErrorCodes.InvalidNetworkConfig, "missing network name", "the network config has no \"name\"");
        }

        return IsIdentifier(name)
            ? null
            : new CniError(CniErrorCodes.InvalidNetworkConfig, $"network name \"{name}\" contains invalid characters",
                "network name must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$");
    }

    // Hand-written instead of Regex: the CNI binary must start in milliseconds.
    private static bool IsIdentifier(string value) =>
        char.IsAsciiLetterOrDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
