namespace Weft.Model;

/// <summary>
/// Checks Pods, Namespaces and Nodes the way the API server would, for the fields Weft relies on:
/// names, labels and annotations, container ports, node pod CIDRs and addresses. Other kinds get
/// the metadata checks only. Errors name the object and the field path.
/// </summary>
public static class Validation
{
    internal const string LabelRule =
        "must be a lowercase RFC 1123 label: up to 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit";

    internal const string SubdomainRule =
        "must be a lowercase RFC 1123 subdomain: up to 253 characters of a-z, 0-9, '-' and '.', each part starting and ending with a letter or digit";

    internal const string QualifiedNameRule =
        "must be a qualified name: an optional DNS subdomain prefix and '/', then up to 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

    internal const string LabelValueRule =
        "must be empty or up to 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

    /// <summary>All problems found; empty when the object is valid.</summary>
    public static IReadOnlyList<ValidationError> GetErrors(Resource resource)
    {
        var errors = new FieldErrors(ObjectRef(resource));
        var coreGroup = KindInfo.GroupOf(resource.ApiVersion).Length == 0;
        switch (coreGroup ? resource.Kind : "")
        {
            case "Pod":
                ValidateMetadata(resource, errors, NameRules.IsDns1123Subdomain, SubdomainRule);
                PodValidation.ValidateSpec(resource, errors);
                break;
            case "Namespace":
                ValidateMetadata(resource, errors, NameRules.IsDns1123Label, LabelRule);
                break;
            case "Node":
                ValidateMetadata(resource, errors, NameRules.IsDns1123Subdomain, SubdomainRule);
                NodeValidation.Validate(resource, errors);
                break;
            default:
                ValidateMetadata(resource, errors, NameRules.IsDns1123Subdomain, SubdomainRule);
                break;
        }
        return errors.List;
    }

    /// <summary>Throws when the object is invalid, as the API server rejects a create.</summary>
    /// <exception cref="ValidationException">The object has at least one error; all of them are listed.</exception>
    public static void Validate(Resource resource)
    {
        var errors = GetErrors(resource);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>"Pod default/web", "Node n1": how errors name the object.</summary>
    public static string ObjectRef(Resource resource)
    {
        var name = resource.Metadata.Name.Length > 0 ? resource.Metadata.Name : "<unnamed>";
        return resource.Metadata.Namespace is { } ns ? $"{resource.Kind} {ns}/{name}" : $"{resource.Kind} {name}";
    }

    private static void ValidateMetadata(Resource resource, FieldErrors errors, Func<string, bool> nameRule, string nameRuleText)
    {
        var meta = resource.Metadata;
        if (meta.Name.Length == 0)
        {
            errors.Required("metadata.name");
        }
        else if (!nameRule(meta.Name))
        {
            errors.Invalid("metadata.name", meta.Name, nameRuleText);
        }
        if (meta.Namespace is { } ns && !NameRules.IsDns1123Label(ns))
        {
            errors.Invalid("metadata.namespace", ns, LabelRule);
        }
        foreach (var (key, value) in meta.Labels)
        {
            if (!NameRules.IsQualifiedName(key))
            {
                errors.Invalid("metadata.labels", key, QualifiedNameRule);
            }
            if (!NameRules.IsLabelValue(value))
            {
                errors.Invalid("metadata.labels", value, LabelValueRule);
            }
        }
        foreach (var key in meta.Annotations.Keys)
        {
            // The API server checks annotation keys case-insensitively.
            if (!NameRules.IsQualifiedName(key.ToLowerInvariant()))
            {
                errors.Invalid("metadata.annotations", key, QualifiedNameRule);
            }
        }
    }
}
