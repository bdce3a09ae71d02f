using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>Pod spec checks: containers, their names and ports, nodeName and hostNetwork.</summary>
internal static class PodValidation
{
    private const string PortRange = "must be between 1 and 65535, inclusive";

    private const string IanaRule =
        "must be an IANA service name: up to 15 characters of a-z, 0-9 and '-', with at least one letter and no '-' at either end or twice in a row";

    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public static void ValidateSpec(Resource pod, FieldErrors errors)
    {
        if (pod.Body["spec"] is not JsonObject spec)
        {
            if (pod.Body["spec"] is null)
            {
                errors.Required("spec");
            }
            else
            {
                errors.Invalid("spec", pod.Body["spec"], "must be an object");
            }
            return;
        }

        ValidateContainers(spec["containers"], errors);
        if (spec["nodeName"] is { } nodeName)
        {
            if (JsonRead.String(nodeName) is not { } text)
            {
                errors.Invalid("spec.nodeName", nodeName, "must be a string");
            }
            else if (!NameRules.IsDns1123Subdomain(text))
            {
                errors.Invalid("spec.nodeName", text, Validation.SubdomainRule);
            }
        }
        if (spec["hostNetwork"] is { } hostNetwork && JsonRead.Bool(hostNetwork) is null)
        {
            errors.Invalid("spec.hostNetwork", hostNetwork, "must be a boolean");
        }
    }

    private static void ValidateContainers(JsonNode? containers, FieldErrors errors)
    {
        if (containers is null || containers is JsonArray { Count: 0 })
        {
            errors.Required("spec.containers");
            return;
        }
        if (containers is not JsonArray list)
        {
            errors.Invalid("spec.containers", containers, "must be a list");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.containers[{i}]";
            if (list[i] is not JsonObject container)
            {
                errors.Invalid(path, list[i], "must be an object");
                continue;
            }
            var name = JsonRead.String(container["name"]);
            if (string.IsNullOrEmpty(name))
            {
                errors.Required(path + ".name");
            }
            else if (!NameRules.IsDns1123Label(name))
            {
                errors.Invalid(path + ".name", name, Validation.LabelRule);
            }
            else if (!names.Add(name))
            {
                errors.Duplicate(path + ".name", name);
            }
            ValidatePorts(container["ports"], path + ".ports", errors);
        }
    }

    private static void ValidatePorts(JsonNode? ports, string path, FieldErrors errors)
    {
        if (ports is null)
        {
            return;
        }
        if (ports is not JsonArray list)
        {
            errors.Invalid(path, ports, "must be a list");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < list.Count; j++)
        {
            var portPath = $"{path}[{j}]";
            if (list[j] is not JsonObject port)
            {
                errors.Invalid(portPath, list[j], "must be an object");
                continue;
            }
            if (port["containerPort"] is null)
            {
                errors.Required(portPath + ".containerPort");
            }
            else
            {
                CheckPortNumber(port["containerPort"], portPath + ".containerPort", allowZero: false, errors);
            }
            CheckPortNumber(port["hostPort"], portPath + ".hostPort", allowZero: true, errors);
            CheckProtocol(port["protocol"], portPath + ".protocol", errors);
            if (port["name"] is { } nameNode)
            {
                var name = JsonRead.String(nameNode);
                if (name is null || !NameRules.IsIanaServiceName(name))
                {
                    errors.Invalid(portPath + ".name", nameNode, IanaRule);
                }
                else if (!names.Add(name))
                {
                    errors.Duplicate(portPath + ".name", name);
                }
            }
        }
    }

    // hostPort 0 means "no host port"; containerPort has no such meaning and must be set.
    private static void CheckPortNumber(JsonNode? value, string field, bool allowZero, FieldErrors errors)
    {
        if (value is null)
        {
            return;
        }
        var number = JsonRead.Integer(value);
        if (number is null)
        {
            errors.Invalid(field, value, "must be an integer");
        }
        else if ((number != 0 || !allowZero) && number is < 1 or > 65535)
        {
            errors.Invalid(field, value, PortRange);
        }
    }

    private static void CheckProtocol(JsonNode? value, string field, FieldErrors errors)
    {
        if (value is not null && (JsonRead.String(value) is not { } protocol || !Protocols.Contains(protocol, StringComparer.Ordinal)))
        {
            errors.Unsupported(field, value, Protocols);
        }
    }
}
