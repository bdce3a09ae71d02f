using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Calico.CalicoJson;

namespace Weft.Policy.Calico;

/// <summary>A destination or source port: a number, a "min:max" range, or a name resolved on that side's endpoint.</summary>
internal readonly record struct PortSpec(PortRange? Range, string? Name);

/// <summary>An EntityRule's serviceAccounts: accounts with one of the names (any when empty) whose labels match the selector.</summary>
internal sealed record ServiceAccountMatch(IReadOnlyList<string> Names, Selector? Selector);

/// <summary>One side (source or destination) of a Calico rule, as written; selectors are parsed.</summary>
internal sealed record EntitySide
{
    public IReadOnlyList<Cidr> Nets { get; init; } = [];
    public IReadOnlyList<Cidr> NotNets { get; init; } = [];
    public Selector? Selector { get; init; }
    public Selector? NotSelector { get; init; }
    public Selector? NamespaceSelector { get; init; }
    public IReadOnlyList<PortSpec> Ports { get; init; } = [];
    public IReadOnlyList<PortSpec> NotPorts { get; init; } = [];

    /// <summary>serviceAccounts: names and a selector over the accounts' labels; null when absent.</summary>
    public ServiceAccountMatch? ServiceAccounts { get; init; }

    /// <summary>services (a Kubernetes Service by name).</summary>
    public bool Services { get; init; }

    public bool GlobalOnly => NamespaceSelector is GlobalSelector;
}

/// <summary>Reads and validates an EntityRule the way Calico's API server does, naming each bad field.</summary>
internal sealed partial class EntityReader(FieldErrorList errors)
{
    private const string GlobalElsewhere = "global() can only be used in an EntityRule namespaceSelector";

    public EntitySide Read(JsonNode? node, string path)
    {
        if (node is null)
        {
            return new EntitySide();
        }
        if (node is not JsonObject side)
        {
            errors.Invalid(path, node, "must be an object");
            return new EntitySide();
        }
        var result = new EntitySide
        {
            Nets = Nets(side["nets"], $"{path}.nets", negated: false),
            NotNets = Nets(side["notNets"], $"{path}.notNets", negated: true),
            Selector = Selector(side["selector"], $"{path}.selector", GlobalUse.Forbidden),
            NotSelector = Selector(side["notSelector"], $"{path}.notSelector", GlobalUse.Forbidden),
            NamespaceSelector = Selector(side["namespaceSelector"], $"{path}.namespaceSelector", GlobalUse.Alone),
            Ports = Ports(side["ports"], $"{path}.ports"),
            NotPorts = Ports(side["notPorts"], $"{path}.notPorts"),
            ServiceAccounts = ServiceAccounts(side["serviceAccounts"], $"{path}.serviceAccounts"),
            Services = Present(side["services"]),
        };
        if (side["services"] is { } services)
        {
            CheckServices(side, services, $"{path}.services");
        }
        return result;
    }

    public enum GlobalUse
    {
        Forbidden,
        Alone,
    }

    /// <summary>Absent or empty: null (no condition).</summary>
    public Selector? Selector(JsonNode? node, string path, GlobalUse global)
    {
        if (node is null)
        {
            return null;
        }
        var text = Text(node);
        if (text is null)
        {
            errors.Invalid(path, node, "must be a string");
            return null;
        }
        if (text.Length == 0)
        {
            return null;
        }
        if (!SelectorParser.TryParse(text, out var selector, out var problem))
        {
            errors.Invalid(path, node, $"invalid selector: {problem}");
            return null;
        }
        if (text.Contains("global(", StringComparison.Ordinal))
        {
            if (global == GlobalUse.Forbidden)
            {
                errors.Invalid(path, node, GlobalElsewhere);
                return null;
            }
            var tokens = SelectorTokenizer.Tokenize(text);
            if (tokens.Count > 2 || tokens[0].Kind != TokenKind.Global)
            {
                errors.Invalid(path, node, "global() cannot be combined with other selectors");
                return null;
            }
        }
        return selector;
    }

    private List<Cidr> Nets(JsonNode? node, string path, bool negated)
    {
        var result = new List<Cidr>();
        var list = List(node, path);
        for (var i = 0; i < list.Count; i++)
        {
            var text = Text(list[i]);
            if (text is null || Cidr.TryParse(text) is not { } cidr)
            {
                errors.Invalid($"{path}[{i}]", list[i], "invalid CIDR");
                continue;
            }
            // Calico compares the IPv4 text literally; any spelling of ::/0 counts for IPv6.
            if (negated && (text == "0.0.0.0/0" || (cidr.PrefixLength == 0 && cidr.Network.AddressFamily == AddressFamily.InterNetworkV6)))
            {
                errors.Invalid($"{path}[{i}]", list[i], "catch-all CIDR in negation creates logical contradiction (matches no traffic)");
                continue;
            }
            result.Add(cidr);
        }
        return result;
    }

    private List<PortSpec> Ports(JsonNode? node, string path)
    {
        var result = new List<PortSpec>();
        var list = List(node, path);
        for (var i = 0; i < list.Count; i++)
        {
            if (Port(list[i], $"{path}[{i}]") is { } port)
            {
                result.Add(port);
            }
        }
        return result;
    }

    /// <summary>numorstring.Port: 1–65535, "min:max" with min ≤ max, or a name of [a-zA-Z0-9_.-]{1,128}.</summary>
    private PortSpec? Port(JsonNode? node, string path)
    {
        const string Range = "port range invalid, port number must be between 1 and 65535";
        if (IsNumber(node))
        {
            var n = Integer(node);
            if (n is null or < 1 or > 65535)
            {
                errors.Invalid(path, node, Range);
                return null;
            }
            return new PortSpec(new PortRange((int)n, (int)n), null);
        }
        var text = Text(node);
        if (text is null)
        {
            errors.Invalid(path, node, "must be a port number, a \"min:max\" range or a port name");
            return null;
        }
        var match = PortPattern().Match(text);
        if (!match.Success)
        {
            if (!NamePattern().IsMatch(text))
            {
                errors.Invalid(path, node, $"invalid name for named port ({text})");
                return null;
            }
            return new PortSpec(null, text);
        }
        var min = int.TryParse(match.Groups[1].Value, out var a) ? a : int.MaxValue;
        var max = match.Groups[2].Success ? int.TryParse(match.Groups[2].Value, out var b) ? b : int.MaxValue : min;
        if (min > 65535 || max > 65535)
        {
            errors.Invalid(path, node, $"invalid port format ({text})");
            return null;
        }
        if (min > max)
        {
            errors.Invalid(path, node, $"minimum port number ({min}) is greater than maximum port number ({max}) in port range");
            return null;
        }
        if (min < 1)
        {
            errors.Invalid(path, node, Range);
            return null;
        }
        return new PortSpec(new PortRange(min, max), null);
    }

    private ServiceAccountMatch? ServiceAccounts(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject accounts)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        var names = List(accounts["names"], $"{path}.names");
        var valid = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            if (Text(names[i]) is { } name)
            {
                valid.Add(name);
            }
            else
            {
                errors.Invalid($"{path}.names[{i}]", names[i], "must be a string");
            }
        }
        var selector = Selector(accounts["selector"], $"{path}.selector", GlobalUse.Forbidden);
        return valid.Count > 0 || selector is not null ? new ServiceAccountMatch(valid, selector) : null;
    }

    /// <summary>Services stand alone: no other endpoint criteria, and a name.</summary>
    private void CheckServices(JsonObject side, JsonNode services, string path)
    {
        if (services is not JsonObject service)
        {
            errors.Invalid(path, services, "must be an object");
            return;
        }
        if (string.IsNullOrEmpty(Text(service["name"])))
        {
            errors.Required($"{path}.name", "services must specify a service name");
        }
        var field = path[..path.LastIndexOf('.')];
        if (Present(side["namespaceSelector"]))
        {
            errors.Forbidden(field, "cannot specify NamespaceSelector and Services on the same rule");
        }
        if (side["serviceAccounts"] is not null)
        {
            errors.Forbidden(field, "cannot specify ServiceAccounts and Services on the same rule");
        }
        if (Present(side["selector"]) || Present(side["notSelector"]))
        {
            errors.Forbidden(field, "cannot specify Selector/NotSelector and Services on the same rule");
        }
        if (Present(side["nets"]) || Present(side["notNets"]))
        {
            errors.Forbidden(field, "cannot specify Nets/NotNets and Services on the same rule");
        }
    }

    public IReadOnlyList<JsonNode?> List(JsonNode? node, string path) => errors.Items(node, path);

    [GeneratedRegex(@"^(\d+)(?::(\d+))?\z")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_.-]{1,128}\z")]
    private static partial Regex NamePattern();
}
