namespace Weft.Model;

/// <summary>
/// One problem with one field, in the API server's words:
/// "Pod default/web: spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive".
/// </summary>
/// <param name="Object">Kind and name, e.g. "Pod default/web" or "Node n1".</param>
/// <param name="Field">Field path, e.g. "spec.containers[0].name".</param>
/// <param name="Detail">What is wrong, e.g. "Required value" or "Invalid value: 70000: …".</param>
public sealed record ValidationError(string Object, string Field, string Detail)
{
    public override string ToString() => $"{Object}: {Field}: {Detail}";
}

/// <summary>Thrown by <see cref="Validation.Validate"/>; the message lists every error, one per line.</summary>
public sealed class ValidationException : Exception
{
    public ValidationException(IReadOnlyList<ValidationError> errors)
        : base(string.Join("\n", errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ValidationError> Errors { get; }
}
