using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Weft.Policy.Ir;

namespace Weft.Policy.Cilium;

/// <summary>
/// Validates a toPorts entry's L7 `rules` (http, dns, kafka, or l7proto with l7) as Cilium's sanitizer does and
/// keeps them as <see cref="OpaqueL7"/>: nothing enforces them yet, which a warning says; the rule's L3/L4 part
/// is still enforced.
/// </summary>
internal sealed class CiliumL7(CiliumScope scope)
{
    private static readonly HashSet<string> KafkaApiKeys = new(StringComparer.Ordinal)
    {
        "produce", "fetch", "offsets", "metadata", "leaderandisr", "stopreplica", "updatemetadata", "controlledshutdown",
        "offsetcommit", "offsetfetch", "findcoordinator", "joingroup", "heartbeat", "leavegroup", "syncgroup",
        "describegroups", "listgroups", "saslhandshake", "apiversions", "createtopics", "deletetopics", "deleterecords",
        "initproducerid", "offsetforleaderepoch", "addpartitionstotxn", "addoffsetstotxn", "endtxn", "writetxnmarkers",
        "txnoffsetcommit", "describeacls", "createacls", "deleteacls", "describeconfigs", "alterconfigs",
    };

    private static readonly string[] MismatchActions = ["ADD", "DELETE", "LOG", "REPLACE"];

    public IReadOnlyList<L7Matcher> Read(JsonObject rules, string path, IReadOnlyList<PortSpec> ports, RuleKind kind)
    {
        var http = scope.List(rules["http"], $"{path}.http");
        var dns = scope.List(rules["dns"], $"{path}.dns");
        var kafka = scope.List(rules["kafka"], $"{path}.kafka");
        var l7proto = scope.String(rules["l7proto"], $"{path}.l7proto");
        var generic = scope.List(rules["l7"], $"{path}.l7");
        if (generic is not null && string.IsNullOrEmpty(l7proto))
        {
            scope.Errors.Forbidden($"{path}.l7", "'l7' may only be specified when a 'l7proto' is also specified");
            return [];
        }
        var types = (http is null ? 0 : 1) + (dns is null ? 0 : 1) + (kafka is null ? 0 : 1) + (string.IsNullOrEmpty(l7proto) ? 0 : 1);
        var count = (http?.Count ?? 0) + (dns?.Count ?? 0) + (kafka?.Count ?? 0) + (generic?.Count ?? 0);
        if (count == 0)
        {
            return [];
        }
        if (types > 1)
        {
            scope.Errors.Forbidden(path, "multiple L7 protocol rule types specified in single rule");
            return [];
        }
        if (kind.HostPolicy && (kind.Direction == Direction.Ingress || http is not null))
        {
            scope.Errors.Forbidden(path, $"L7 policy is not supported on host {(kind.Direction == Direction.Ingress ? "ingress" : "egress")} yet");
        }
        var (field, list) = http is not null ? ("http", http) : dns is not null ? ("dns", dns) : kafka is not null ? ("kafka", kafka) : ("l7", generic!);
        for (var i = 0; i < list.Count; i++)
        {
            var entry = $"{path}.{field}[{i}]";
            switch (field)
            {
                case "http":
                    Http(list[i], entry);
                    break;
                case "dns":
                    Fqdn(list[i], entry);
                    break;
                case "kafka":
                    Kafka(list[i], entry);
                    break;
                default:
                    Generic(list[i], entry);
                    break;
            }
        }
        if (field == "dns")
        {
            Dns(path, ports, kind);
        }
        scope.Warn($"{path}.{field}", "L7 rules are not enforced yet; the rule's L3/L4 part (its peers and ports) is enforced");
        return [new OpaqueL7(field == "l7" ? l7proto! : field, new JsonArray([.. list.Select(n => n?.DeepClone())]).ToJsonString())];
    }

    /// <summary>A matchName or matchPattern (toFQDNs entries and DNS rules), as a peer; null when invalid.</summary>
    public FqdnPeer? Fqdn(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } selector)
        {
            return null;
        }
        var name = scope.String(selector["matchName"], $"{path}.matchName");
        var pattern = scope.String(selector["matchPattern"], $"{path}.matchPattern");
        if (string.IsNullOrEmpty(name) == string.IsNullOrEmpty(pattern))
        {
            if (string.IsNullOrEmpty(name))
            {
                scope.Errors.Required(path, "one of matchName or matchPattern is required");
            }
            else
            {
                scope.Errors.Forbidden(path, "only one of matchName or matchPattern is allowed");
            }
            return null;
        }
        if (!string.IsNullOrEmpty(name))
        {
            if (CiliumFqdnPatterns.IsValidName(name))
            {
                return new FqdnPeer(CiliumFqdnPatterns.Normalize(name), FqdnFlavor.Exact);
            }
            scope.Errors.Invalid($"{path}.matchName", name, "only 0-9, a-z, A-Z and '.', '-', '_' are allowed, at most 255 characters");
            return null;
        }
        if (CiliumFqdnPatterns.IsValidPattern(pattern!))
        {
            return new FqdnPeer(CiliumFqdnPatterns.Normalize(pattern!), FqdnFlavor.CiliumPattern);
        }
        scope.Errors.Invalid($"{path}.matchPattern", pattern, "only 0-9, a-z, A-Z and '.', '-', '_', '*' are allowed, at most 255 characters");
        return null;
    }

    private void Dns(string path, IReadOnlyList<PortSpec> ports, RuleKind kind)
    {
        if (kind.Direction == Direction.Ingress)
        {
            scope.Errors.Forbidden($"{path}.dns", "DNS rules are not allowed on ingress");
        }
        // The DNS proxy only sees the standard port; a named port may well be it (kube-dns names it "dns").
        if (!ports.Any(p => p.Match.NamedPort is not null || p.Match.Ports is { First: 53 }))
        {
            scope.Errors.Forbidden($"{path}.dns", "port 53 must be specified for DNS rules");
        }
    }

    private void Http(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } rule)
        {
            return;
        }
        foreach (var field in new[] { "method", "path" })
        {
            if (scope.String(rule[field], $"{path}.{field}") is { Length: > 0 } regex && !IsRegex(regex))
            {
                scope.Errors.Invalid($"{path}.{field}", regex, "must be a valid extended regular expression");
            }
        }
        scope.String(rule["host"], $"{path}.host");
        var headers = scope.List(rule["headers"], $"{path}.headers") ?? [];
        for (var i = 0; i < headers.Count; i++)
        {
            scope.String(headers[i], $"{path}.headers[{i}]");
        }
        var matches = scope.List(rule["headerMatches"], $"{path}.headerMatches") ?? [];
        for (var i = 0; i < matches.Count; i++)
        {
            HeaderMatch(matches[i], $"{path}.headerMatches[{i}]");
        }
    }

    private void HeaderMatch(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } match)
        {
            return;
        }
        if (string.IsNullOrEmpty(scope.String(match["name"], $"{path}.name")))
        {
            scope.Errors.Required($"{path}.name", "header name missing");
        }
        if (match["mismatch"] is { } mismatch && !MismatchActions.Contains(CiliumJson.Text(mismatch)))
        {
            scope.Errors.Unsupported($"{path}.mismatch", mismatch, MismatchActions);
        }
        scope.String(match["value"], $"{path}.value");
        if (scope.Object(match["secret"], $"{path}.secret") is { } secret && string.IsNullOrEmpty(scope.String(secret["name"], $"{path}.secret.name")))
        {
            scope.Errors.Required($"{path}.secret.name", "secret name missing");
        }
    }

    private void Kafka(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } rule)
        {
            return;
        }
        var role = scope.String(rule["role"], $"{path}.role");
        var apiKey = scope.String(rule["apiKey"], $"{path}.apiKey");
        if (!string.IsNullOrEmpty(role) && !string.IsNullOrEmpty(apiKey))
        {
            scope.Errors.Forbidden(path, $"cannot set both role \"{role}\" and apiKey \"{apiKey}\" together");
        }
        if (!string.IsNullOrEmpty(role) && role.ToLowerInvariant() is not ("produce" or "consume"))
        {
            scope.Errors.Unsupported($"{path}.role", rule["role"], "consume", "produce");
        }
        if (!string.IsNullOrEmpty(apiKey) && !KafkaApiKeys.Contains(apiKey.ToLowerInvariant()))
        {
            scope.Errors.Invalid($"{path}.apiKey", apiKey, "invalid Kafka apiKey");
        }
        if (scope.String(rule["apiVersion"], $"{path}.apiVersion") is { Length: > 0 } version
            && !(version.All(char.IsAsciiDigit) && short.TryParse(version, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            scope.Errors.Invalid($"{path}.apiVersion", version, "must be a non-negative 16-bit integer");
        }
        scope.String(rule["clientID"], $"{path}.clientID");
        if (scope.String(rule["topic"], $"{path}.topic") is { Length: > 0 } topic
            && (topic.Length > 255 || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            scope.Errors.Invalid($"{path}.topic", topic, "must be at most 255 of a-z, A-Z, 0-9, '.', '_' and '-'");
        }
    }

    private void Generic(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } rule)
        {
            return;
        }
        foreach (var (key, value) in rule)
        {
            scope.String(value, $"{path}.{key}");
        }
    }

    private static bool IsRegex(string text)
    {
        try
        {
            _ = new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
